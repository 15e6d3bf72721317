// The audit log: every admin and recruiter write, newest first, with what changed.
import { useEffect, useState } from "preact/hooks";
import { Alert, Empty, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { get } from "../../lib/api.ts";
import { dateTime } from "../../lib/format.ts";
import { useT } from "../../lib/i18n.ts";

interface Entry {
  id: number;
  at: string;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
}

const brief = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v));

export function Audit() {
  const t = useT();
  usePageTitle(t("audit.title"));
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [more, setMore] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = async (before?: number) => {
    setBusy(true);
    try {
      const r = await get<{ entries: Entry[] }>(`/admin/audit?limit=50${before ? `&before=${before}` : ""}`);
      setEntries((prev) => [...(before ? (prev ?? []) : []), ...r.entries]);
      setMore(r.entries.length === 50);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void load(), []);
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
                  {e.before ? (
                    <details>
                      <summary>{brief(e.after).slice(0, 80) || t("audit.before")}</summary>
                      <pre>{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
                    </details>
                  ) : (
                    <span class="mono">{brief(e.after).slice(0, 160)}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more && entries && entries.length > 0 && (
        <button type="button" class="btn" disabled={busy} onClick={() => void load(entries[entries.length - 1]!.id)}>
          {busy && <Spinner />}
          {t("audit.more")}
        </button>
      )}
    </main>
  );
}
