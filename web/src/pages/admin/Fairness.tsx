// Fairness (issue #13): per phase, the draw's allocation (or a dry run of it) beside first come,
// first served; the choice between the two; "run now" behind a confirmation.
import { useState } from "preact/hooks";
import type { DrawSummary, PhaseFairness } from "../../../../worker/domain/contract.ts";
import { Distribution, PerCompany, StatsTable } from "../../components/FairnessFigures.tsx";
import { Alert, Confirm, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { event } from "../../lib/event.ts";
import { dateTime } from "../../lib/format.ts";
import { type Key, useT } from "../../lib/i18n.ts";
import { useStore } from "../../lib/store.ts";
import { useFairness } from "../../lib/use-fairness.ts";

export function Fairness() {
  const t = useT();
  usePageTitle(t("fair.title"));
  const f = useFairness();
  return (
    <main id="main" class="page">
      <h1>{t("fair.title")}</h1>
      <p class="muted">{t("fair.lead")}</p>
      {f.error ? <Alert onRetry={f.reload}>{errorText(f.error)}</Alert> : null}
      {!f.data
        ? [1, 2].map((i) => <div key={i} class="card skeleton-card" style={{ height: "22rem", marginBottom: "1rem" }} aria-busy="true" />)
        : f.data.phases.map((p) => <PhaseCard key={p.phase} p={p} dry={f.dry[p.phase]} names={new Map(f.data!.companies.map((c) => [c.id, c.name]))} f={f} />)}
    </main>
  );
}

function PhaseCard({ p, dry, names, f }: { p: PhaseFairness; dry: DrawSummary | undefined; names: Map<string, string>; f: ReturnType<typeof useFairness> }) {
  const t = useT();
  const e = useStore(event);
  const [busy, setBusy] = useState<"dry" | "run" | "mode" | null>(null);
  const [asking, setAsking] = useState(false);
  const [msg, setMsg] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const shown = p.drawSummary ?? dry ?? null;
  const act = async (what: "dry" | "run" | "mode", f2: () => Promise<string | null>) => {
    setBusy(what);
    setMsg(null);
    try {
      const text = await f2();
      if (text) setMsg({ kind: "success", text });
    } catch (err) {
      setMsg({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(null);
      setAsking(false);
    }
  };
  const status = p.draw ? (p.draw.status === "done" ? t("fair.status.done", { when: dateTime(p.draw.finishedAt!, e?.timeZone) }) : t(`fair.status.${p.draw.status}` as Key)) : t("fair.notRun");
  const modeName = (draw: boolean) => t(draw ? "fair.modeDraw" : "fair.modeFcfs");
  return (
    <section class="card fair-phase" aria-labelledby={`fair-${p.phase}`}>
      <div class="section-head">
        <h2 id={`fair-${p.phase}`}>{t("fair.phase", { n: p.phase })}</h2>
        {p.drawEnabled && <span class={`pill ${p.draw?.status === "done" ? "pill-ok" : "pill-plain"}`}>{status}</span>}
      </div>
      <fieldset class="segmented" disabled={busy !== null || p.draw?.status === "done"}>
        <legend>{t("fair.mode", { n: p.phase })}</legend>
        {[true, false].map((draw) => {
          const on = (p.phase === 1 ? e?.drawPhase1 : e?.drawPhase2) === draw;
          return (
            <label key={String(draw)} class={on ? "on" : undefined}>
              <input
                type="radio"
                class="visually-hidden"
                name={`mode-${p.phase}`}
                checked={on}
                onChange={() => void act("mode", async () => (await f.setMode(p.phase, draw), t("fair.modeSaved", { n: p.phase, mode: modeName(draw) })))}
              />
              {modeName(draw)}
            </label>
          );
        })}
      </fieldset>
      {!e?.wishesOpen && <p class="muted small">{t("fair.noWishes")}</p>}
      <div class="actions">
        <button type="button" class="btn" disabled={busy !== null} onClick={() => void act("dry", async () => (await f.run(p.phase, true), null))}>
          {busy === "dry" && <Spinner />}
          {t("fair.dryRun")}
        </button>
        {p.drawEnabled && p.draw?.status !== "done" && (
          <button type="button" class="btn btn-primary" disabled={busy !== null} onClick={() => setAsking(true)}>
            {t("fair.runNow")}
          </button>
        )}
      </div>
      <div aria-live="polite">{msg && <Alert kind={msg.kind}>{msg.text}</Alert>}</div>
      <StatsTable draw={shown?.stats ?? null} dry={!p.drawSummary && !!dry} fcfs={p.fcfsStats} />
      {shown && Object.keys(shown.lost).length > 0 && (
        <p class="muted small">{t("fair.lost", { list: Object.entries(shown.lost).map(([r, n]) => `${n} × ${t(`reason.${r}` as Key)}`).join(" · ") })}</p>
      )}
      <Distribution draw={shown?.stats ?? null} fcfs={p.fcfsStats} />
      <PerCompany draw={shown?.stats ?? null} fcfs={p.fcfsStats} names={names} />
      <Confirm
        open={asking}
        title={t("fair.runTitle", { n: p.phase })}
        confirm={t("fair.runConfirm")}
        danger
        busy={busy === "run"}
        onConfirm={() => void act("run", async () => t("fair.ran", { n: p.phase, allocated: (await f.run(p.phase, false)).allocated }))}
        onClose={() => setAsking(false)}
      >
        <p>{t("fair.runBody")}</p>
      </Confirm>
    </section>
  );
}
