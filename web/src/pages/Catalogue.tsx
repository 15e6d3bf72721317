// Students browse the offers: a gallery with filters (tag, company, contract type, free text)
// and counts, and the free seats of each company live. Data and filters: lib/use-catalogue.ts.
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { PhaseBanner } from "../components/PhaseBanner.tsx";
import { Alert, Empty, usePageTitle } from "../components/ui.tsx";
import { event } from "../lib/event.ts";
import { eventDay } from "../lib/format.ts";
import { useT } from "../lib/i18n.ts";
import { contractLabel } from "../lib/labels.ts";
import { homeOf, session } from "../lib/session.ts";
import { useStore } from "../lib/store.ts";
import { useCatalogue, useOfferFilters } from "../lib/use-catalogue.ts";
import { Icon } from "../components/Icon.tsx";

export function Catalogue() {
  const t = useT();
  usePageTitle(t("catalogue.title"));
  const { list, failed, reload } = useCatalogue();
  const e = useStore(event);
  const user = useStore(session);
  const { route } = useLocation();
  // The catalogue is the students' home; recruiters and the career office have their own.
  useEffect(() => {
    if (user && user.role !== "student") route(homeOf(user), true);
  }, [user?.role]);
  const f = useOfferFilters(list);
  const { q, setQ, tag, setTag, contract, setContract, company, setCompany, shown, tagCounts, allTags, contractCounts, contracts, companiesShown, filtered } = f;

  return (
    <main id="main" class="page">
      <div class="hero">
        <h1>{e?.name ?? <span class="skeleton" style={{ width: "8ch", height: "1em" }} />}</h1>
        <p class="hero-sub">{e ? t("catalogue.lead", { date: eventDay(e.date), start: e.dayStart, end: e.dayEnd }) : <span class="skeleton" style={{ width: "24ch", height: "1em" }} />}</p>
      </div>
      <PhaseBanner />
      <section class="filters" aria-label={t("catalogue.filters")}>
        <div class="filter-row">
          <label class="search">
            <span class="visually-hidden">{t("catalogue.search")}</span>
            <input type="search" placeholder={t("catalogue.searchPlaceholder")} value={q} onInput={(ev) => setQ(ev.currentTarget.value)} />
          </label>
          <label class="select">
            <span class="visually-hidden">{t("catalogue.company")}</span>
            <select value={company} onChange={(ev) => setCompany(ev.currentTarget.value)}>
              <option value="">{t("catalogue.allCompanies")}</option>
              {(list ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label class="select">
            <span class="visually-hidden">{t("catalogue.contract")}</span>
            <select value={contract} onChange={(ev) => setContract(ev.currentTarget.value)}>
              <option value="">{t("catalogue.allContracts")}</option>
              {contracts.map((c) => (
                <option key={c} value={c}>
                  {contractLabel(c)} ({contractCounts.get(c) ?? 0})
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="chips" role="group" aria-label={t("catalogue.tags")}>
          {allTags.map((tg) => (
            <button key={tg} type="button" class={`chip${tag === tg ? " on" : ""}`} aria-pressed={tag === tg} onClick={() => setTag(tag === tg ? "" : tg)} disabled={!tagCounts.get(tg) && tag !== tg}>
              {tg} <span class="chip-count">{tagCounts.get(tg) ?? 0}</span>
            </button>
          ))}
        </div>
        <p class="result-count" aria-live="polite">
          {list ? t("catalogue.count", { offers: shown.filter((c) => c.offer).length, companies: companiesShown }) : "\u00a0"}
          {filtered && (
            <button
              type="button"
              class="link-button"
              onClick={f.reset}
            >
              {t("catalogue.reset")}
            </button>
          )}
        </p>
      </section>
      {failed && !list && <Alert onRetry={() => void reload()}>{t("catalogue.failed")}</Alert>}
      {list && shown.length === 0 && <Empty title={t("catalogue.none")}>{t("catalogue.noneHint")}</Empty>}
      <ul class="gallery" aria-busy={!list}>
        {!list && !failed && Array.from({ length: 6 }, (_, i) => <li key={i} class="card offer-card skeleton-card" aria-hidden="true" />)}
        {shown.map(({ company: c, offer: o }) => (
          <li key={o?.id ?? c.id} class="card offer-card">
            <p class="offer-company">{c.name}</p>
            <h2 class="offer-title">
              <a href={`/companies/${c.id}`} class="stretched">
                {o?.title ?? t("catalogue.meetTeam")}
              </a>
            </h2>
            <p class="offer-desc">{o?.description || c.description}</p>
            {o && (
              <p class="offer-meta">
                <span class="pill">{contractLabel(o.contractType)}</span>
                {o.location && <span class="pill pill-plain"><Icon name="pin" size={13} /> {o.location}</span>}
              </p>
            )}
            <p class="tags">
              {o?.tags.map((tg) => (
                <span key={tg} class="tag">
                  #{tg}
                </span>
              ))}
            </p>
            <p class={`seats${c.freeSeats === 0 ? " seats-none" : ""}`}>{c.freeSeats === 0 ? t("catalogue.full") : t(c.freeSeats === 1 ? "catalogue.seat" : "catalogue.seats", { n: c.freeSeats })}</p>
          </li>
        ))}
      </ul>
    </main>
  );
}
