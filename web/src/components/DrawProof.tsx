// The public proof of a draw (issue #13): the commitment published before any wish, and once the
// draw ran, the seed and the command that checks it.
import type { DrawInfo } from "../../../worker/domain/contract.ts";
import { useT } from "../lib/i18n.ts";
import { verifyCommand } from "../lib/use-draw.ts";

export function DrawProof({ draws }: { draws: DrawInfo[] }) {
  const t = useT();
  if (!draws.length) return null;
  return (
    <section class="card proof" aria-labelledby="proof-title">
      <h2 id="proof-title">{t("draw.proofTitle")}</h2>
      {draws.map((d) => (
        <div key={d.phase} class="proof-phase">
          <h3>{t("draw.phase", { n: d.phase })}</h3>
          <p class="proof-label">{t("draw.commitment")}</p>
          <code class="hash">{d.commitment}</code>
          <p class="proof-label">{t("draw.seed")}</p>
          {d.seed ? <code class="hash">{d.seed}</code> : <p class="muted small">{t("draw.notYet")}</p>}
          {d.seed && (
            <>
              <p class="small muted">{t("draw.verifyHint")}</p>
              <pre class="cmd">
                <code>{verifyCommand(d.phase, d.seed)}</code>
              </pre>
            </>
          )}
        </div>
      ))}
    </section>
  );
}
