// The audit log: every admin and recruiter write, newest first, with what changed (lib/use-audit.ts).
import { Alert, Empty, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { dateTime } from "../../lib/format.ts";
import { useT } from "../../lib/i18n.ts";
import { useAudit } from "../../lib/use-audit.ts";

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What changed, one line per field: "maxBookingsTotal: 6 → 7". */
function changes(before: unknown, after: unknown): string[] {
  if (isObject(before) && isObject(after))
    return Object.keys({ ...before, ...after })
      .filter((k) => k in after && show(before[k]) !== show(after[k]))
      .map((k) => `${k}: ${k in before ? show(before[k]) : "—"} → ${show(after[k])}`);
  if (isObject(after)) return Object.entries(after).map(([k, v]) => `${k}: ${show(v)}`);
  if (isObject(before)) return Object.entries(before).map(([k, v]) => `${k}: ${show(v)} → —`);
  return after === null || after === undefined ? [] : [show(after)];
}

export function Audit() {
  const t = useT();
  usePageTitle(t("audit.title"));
  const { entries, more, busy, error, loadMore } = useAudit();
  return (
    <main id="main" class="page">
      <h1>{t("audit.title")}</h1>
      {error ? <Alert>{errorText(error)}</Alert> : null}
      {entries?.length === 0 && <Empty title={t("audit.none")} />}
      <div class="table-wrap card">
        <table class="table audit">
          <thead>
            <tr>
              <th scope="col">{t("audit.when")}</th>
              <th scope="col">{t("audit.who")}</th>
              <th scope="col">{t("audit.what")}</th>
              <th scope="col">{t("audit.details")}</th>
            </tr>
          </thead>
          <tbody>
            {entries?.map((e) => (
              <tr key={e.id}>
                <td class="nowrap">{dateTime(e.at)}</td>
                <td>{e.actorEmail ?? "—"}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td class="details">
                  <ul class="changes">
                    {changes(e.before, e.after).map((line, i) => (
                      <li key={i}>{line.length > 160 ? `${line.slice(0, 160)}…` : line}</li>
                    ))}
                  </ul>
                  {e.targetType && (
                    <span class="muted small">
                      {e.targetType} {e.targetId?.slice(0, 8)}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more && (
        <button type="button" class="btn" disabled={busy} onClick={loadMore}>
          {busy && <Spinner />}
          {t("audit.more")}
        </button>
      )}
    </main>
  );
}
