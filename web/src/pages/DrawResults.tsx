// The draw's results (issue #13): for each finished draw, the student's turn and, wish by wish,
// the interview obtained or why not; then the seed and the command that checks it all.
import type { MyDraw } from "../../../worker/domain/contract.ts";
import { DrawProof } from "../components/DrawProof.tsx";
import { Alert, Empty, errorText, usePageTitle } from "../components/ui.tsx";
import { bookings } from "../lib/bookings.ts";
import { catalogue } from "../lib/catalogue.ts";
import { event } from "../lib/event.ts";
import { time } from "../lib/format.ts";
import { type Key, useT } from "../lib/i18n.ts";
import { useStore } from "../lib/store.ts";
import { useDraws, useMyDraw } from "../lib/use-draw.ts";

export function DrawResults() {
  const t = useT();
  usePageTitle(t("results.title"));
  const { results, error, reload } = useMyDraw();
  const draws = useDraws();
  return (
    <main id="main" class="page">
      <div class="page-head">
        <div>
          <h1>{t("results.title")}</h1>
          <p class="muted">{t("results.after")}</p>
        </div>
        <a class="btn" href="/wishes">
          {t("results.toWishes")}
        </a>
      </div>
      {error ? <Alert onRetry={reload}>{errorText(error)}</Alert> : null}
      {!results ? (
        <div class="card skeleton-card" style={{ height: "14rem" }} aria-busy="true" />
      ) : results.length === 0 ? (
        <Empty title={t("results.none")}>
          <p>{t("results.noneHint")}</p>
          <a class="btn btn-primary" href="/wishes">
            {t("results.toWishes")}
          </a>
        </Empty>
      ) : (
        results.map((r) => <PhaseResults key={r.phase} r={r} />)
      )}
      {draws && <DrawProof draws={draws.filter((d) => d.status === "done")} />}
    </main>
  );
}

function PhaseResults({ r }: { r: MyDraw }) {
  const t = useT();
  const companies = useStore(catalogue);
  const mine = useStore(bookings);
  const tz = useStore(event)?.timeZone;
  const name = (id: string) => companies?.find((c) => c.id === id)?.name ?? "…";
  return (
    <section class="card" aria-labelledby={`phase-${r.phase}`}>
      <div class="section-head">
        <h2 id={`phase-${r.phase}`}>{t("draw.phase", { n: r.phase })}</h2>
        {r.position !== null ? <span class="pill">{t("results.position", { pos: r.position, n: r.drawn })}</span> : null}
      </div>
      {r.position === null && <p class="muted">{t("results.notDrawn")}</p>}
      <ol class="result-list">
        {r.results.map((x) => {
          const booking = x.bookingId ? mine?.find((b) => b.id === x.bookingId) : undefined;
          return (
            <li key={x.rank} class={`result result-${x.outcome}`}>
              <span class="wish-rank" aria-hidden="true">
                {x.rank}
              </span>
              <a class="wish-company" href={`/companies/${x.companyId}`}>
                {name(x.companyId)}
              </a>
              <span class={`pill ${x.outcome === "won" ? "pill-ok" : "pill-plain"}`}>{t(x.outcome === "won" ? "results.won" : "results.lost")}</span>
              <span class="muted small result-why">
                {x.outcome === "won" ? (booking ? t("results.at", { time: time(booking.startsAt, tz) }) : "") : t(`reason.${x.reason}` as Key)}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
