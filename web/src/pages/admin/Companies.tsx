// Company verification for the active event: the ones awaiting verification come first
// (lib/use-admin-companies.ts).
import { useState } from "preact/hooks";
import type { AdminCompany } from "../../../../worker/domain/contract.ts";
import { Alert, Empty, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { dateTime } from "../../lib/format.ts";
import { useT } from "../../lib/i18n.ts";
import { useAdminCompanies } from "../../lib/use-admin-companies.ts";

export function Companies() {
  const t = useT();
  usePageTitle(t("companies.title"));
  const { list, error, setError, verify: setVerified } = useAdminCompanies();
  const [busy, setBusy] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);

  const verify = async (c: AdminCompany, verified: boolean) => {
    setBusy(c.id);
    try {
      await setVerified(c, verified);
      setMsg(verified ? t("companies.verifiedMsg", { name: c.name }) : t("companies.unverifiedMsg", { name: c.name }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const sorted = [...(list ?? [])].sort((a, b) => Number(a.verified) - Number(b.verified) || a.name.localeCompare(b.name));
  const waiting = list?.filter((c) => !c.verified).length ?? 0;
  return (
    <main id="main" class="page">
      <div class="page-head">
        <div>
          <h1>{t("companies.title")}</h1>
          <p class="muted">{list ? t("companies.lead", { n: list.length, waiting }) : "\u00a0"}</p>
        </div>
      </div>
      {error ? <Alert>{errorText(error)}</Alert> : null}
      <div aria-live="polite">{msg && <Alert kind="success">{msg}</Alert>}</div>
      {list?.length === 0 && <Empty title={t("companies.none")} />}
      <ul class="company-list">
        {!list && Array.from({ length: 5 }, (_, i) => <li key={i} class="card skeleton-card" style={{ height: "4.5rem" }} />)}
        {sorted.map((c) => (
          <li key={c.id} class={`card company-row${c.verified ? "" : " awaiting"}`}>
            <div class="company-main">
              <strong>{c.name}</strong>
              <span class={`pill ${c.verified ? "pill-ok" : "pill-warn"}`}>{c.verified ? t("companies.verified") : t("companies.awaiting")}</span>
              <p class="muted small">
                {c.recruiters.map((r) => `${r.fullName} <${r.email}>`).join(", ") || t("companies.noRecruiter")} · {t("companies.counts", { offers: c.offers, slots: c.slots })}
                {c.verifiedAt ? ` · ${t("companies.since", { when: dateTime(c.verifiedAt) })}` : ""}
              </p>
            </div>
            <button type="button" class={`btn btn-small ${c.verified ? "btn-ghost" : "btn-primary"}`} disabled={busy !== null} onClick={() => void verify(c, !c.verified)} aria-label={`${c.verified ? t("companies.unverify") : t("companies.verify")} ${c.name}`}>
              {busy === c.id && <Spinner />}
              {c.verified ? t("companies.unverify") : t("companies.verify")}
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
