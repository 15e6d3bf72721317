// My wishes (issue #13): rank companies for the next draw (buttons, drag, or Alt + arrows), an
// optional time window per wish, a countdown to the seal, and the draw's public proof.
import { useState } from "preact/hooks";
import { nextDraw } from "../../../worker/domain/draw-schedule.ts";
import { DrawProof } from "../components/DrawProof.tsx";
import { Alert, Empty, Spinner, errorText, usePageTitle } from "../components/ui.tsx";
import { catalogue } from "../lib/catalogue.ts";
import { event, useServerNow } from "../lib/event.ts";
import { dateTime, duration } from "../lib/format.ts";
import { useT } from "../lib/i18n.ts";
import { useStore } from "../lib/store.ts";
import { useDraws } from "../lib/use-draw.ts";
import { useWishes } from "../lib/use-wishes.ts";
import { WishRow } from "../components/WishRow.tsx";

export function Wishes() {
  const t = useT();
  usePageTitle(t("wishes.title"));
  const w = useWishes();
  const draws = useDraws();
  const companies = useStore(catalogue);
  const e = useStore(event);
  const now = useServerNow();
  const [said, setSaid] = useState("");
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [adding, setAdding] = useState("");

  const open = w.open(now);
  const name = (id: string) => companies?.find((c) => c.id === id)?.name ?? "…";
  const next = e && draws ? nextDraw(e, Object.fromEntries(draws.map((d) => [d.phase, d.status]))) : null;
  const max = w.server?.maxWishes ?? 0;
  const left = (companies ?? []).filter((c) => !w.list.some((x) => x.companyId === c.id));
  const done = (draws ?? []).filter((d) => d.status === "done");

  /** Moves a wish and says so; the focus stays on the control that moved it. */
  const move = (from: number, to: number, control?: string) => {
    const moved = w.list[from];
    if (!moved || to < 0 || to >= w.list.length) return;
    w.move(from, to);
    setSaid(t("wishes.moved", { company: name(moved.companyId), rank: to + 1 }));
    if (control) requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-wish="${moved.companyId}"] [data-control="${control}"]`)?.focus());
  };

  return (
    <main id="main" class="page">
      <div class="page-head">
        <div>
          <h1>{t("wishes.title")}</h1>
          <p class="muted lead-text">{t("wishes.lead")}</p>
        </div>
        {done.length > 0 && (
          <a class="btn" href="/draw">
            {t("wishes.results")}
          </a>
        )}
      </div>
      <WindowBanner open={open} opensAt={w.opensAt} closesAt={w.closesAt} now={now} phase={next} loaded={w.server !== null} tz={e?.timeZone} />
      {w.loadError ? <Alert onRetry={w.reload}>{errorText(w.loadError)}</Alert> : null}
      <div class="wishes-layout">
        <section class="card" aria-labelledby="list-title">
          <div class="section-head">
            <h2 id="list-title">{next ? t("wishes.forPhase", { n: next }) : t("wishes.title")}</h2>
            {w.server && <span class="pill pill-plain">{t("wishes.count", { n: w.list.length, max })}</span>}
          </div>
          {open && w.list.length > 1 && <p class="muted small">{t("wishes.keys")}</p>}
          {!w.server ? (
            <ol class="wish-list" aria-busy="true">
              {[0, 1, 2].map((i) => (
                <li key={i} class="wish skeleton-card" style={{ height: "4.6rem" }} />
              ))}
            </ol>
          ) : w.list.length === 0 ? (
            <Empty title={t("wishes.empty")}>{t("wishes.emptyHint")}</Empty>
          ) : (
            <ol class="wish-list">
              {w.list.map((x, i) => (
                <WishRow
                  key={x.companyId}
                  wish={x}
                  index={i}
                  count={w.list.length}
                  company={name(x.companyId)}
                  editable={open}
                  dragging={dragFrom === i}
                  errors={{ company: w.fields[`wishes.${i}.companyId`], notBefore: w.fields[`wishes.${i}.notBefore`], notAfter: w.fields[`wishes.${i}.notAfter`] }}
                  tz={e?.timeZone ?? ""}
                  onMove={move}
                  onRemove={() => w.remove(i)}
                  onWindow={(k, v) => w.setWindow(i, k, v)}
                  onDragStart={() => setDragFrom(i)}
                  onDrop={() => {
                    if (dragFrom !== null) move(dragFrom, i);
                    setDragFrom(null);
                  }}
                  onDragEnd={() => setDragFrom(null)}
                />
              ))}
            </ol>
          )}
          <p class="visually-hidden" aria-live="polite">
            {said}
          </p>
          {w.fields.wishes && <p class="field-error">{w.fields.wishes}</p>}
          {open && (
            <form
              class="wish-add"
              onSubmit={(ev) => {
                ev.preventDefault();
                if (!adding) return;
                w.add(adding);
                setAdding("");
              }}
            >
              <label for="add-company" class="visually-hidden">
                {t("wishes.addLabel")}
              </label>
              <select id="add-company" value={adding} disabled={w.list.length >= max} onChange={(ev) => setAdding(ev.currentTarget.value)}>
                <option value="">{w.list.length >= max ? t("wishes.full", { max }) : t("wishes.choose")}</option>
                {left.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
              <button type="submit" class="btn" disabled={!adding || w.list.length >= max}>
                {t("wishes.add")}
              </button>
            </form>
          )}
          <div aria-live="polite">
            {w.notice?.kind === "saved" && <Alert kind="success">{t("wishes.saved")}</Alert>}
            {w.notice?.kind === "fix" && <Alert>{t("wishes.fix")}</Alert>}
            {w.notice?.kind === "closed" && <Alert kind="warn">{t("wishes.closedNow")}</Alert>}
            {w.notice?.kind === "error" && <Alert>{errorText(w.notice.error)}</Alert>}
          </div>
          {open && (
            <div class="actions save-bar">
              <button type="button" class="btn btn-primary" disabled={!w.dirty || w.saving} onClick={() => void w.save()}>
                {w.saving && <Spinner />}
                {t("wishes.save")}
              </button>
              {w.dirty && <span class="muted small">{t("wishes.unsaved")}</span>}
            </div>
          )}
        </section>
        <aside>{draws && <DrawProof draws={draws} />}</aside>
      </div>
    </main>
  );
}

const titled = (text: string) => (
  <span class="banner-title">
    <span class="phase-dot" aria-hidden="true" />
    <strong>{text}</strong>
  </span>
);

function WindowBanner(p: { open: boolean; opensAt: number | null; closesAt: number | null; now: number; phase: 1 | 2 | null; loaded: boolean; tz: string | undefined }) {
  const t = useT();
  if (!p.loaded)
    return (
      <section class="banner banner-loading" aria-busy="true">
        <span class="skeleton" style={{ width: "50%", height: "1.2rem" }} />
      </section>
    );
  let kind = "closed";
  let body;
  if (p.open && p.closesAt !== null) {
    kind = "p1";
    body = (
      <>
        <span class="banner-title">
          <span class="phase-dot" aria-hidden="true" />
          <strong>{t("wishes.openUntil", { when: dateTime(p.closesAt, p.tz) })}</strong>
        </span>
        <span class="countdown">
          {t("wishes.sealedIn")} <time dateTime={new Date(p.closesAt).toISOString()}>{duration(p.closesAt - p.now)}</time>
        </span>
      </>
    );
  } else if (p.opensAt !== null && p.now < p.opensAt && p.closesAt !== null) {
    kind = "waiting";
    body = titled(t("wishes.opensAt", { when: dateTime(p.opensAt, p.tz) }));
  } else body = titled(p.phase !== null ? t("wishes.sealed", { n: p.phase }) : t("wishes.none"));
  return (
    <section class={`banner banner-${kind}`}>
      <div class="banner-main">{body}</div>
    </section>
  );
}
