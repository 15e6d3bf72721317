// The deprioritized list: paste addresses or load a CSV file, check the count, import
// (lib/use-deprioritized.ts).
import { useState } from "preact/hooks";
import { Alert, Field, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { ApiFailure } from "../../lib/api.ts";
import { useT } from "../../lib/i18n.ts";
import { emailsIn, useDeprioritized } from "../../lib/use-deprioritized.ts";

export function Deprioritized() {
  const t = useT();
  usePageTitle(t("dep.title"));
  const { current, importEmails } = useDeprioritized();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const found = emailsIn(text);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    try {
      const r = await importEmails(found);
      setMsg({ kind: "success", text: t("dep.done", { added: r.added, unchanged: r.unchanged, flagged: r.flagged }) });
      setText("");
    } catch (err) {
      const extra = err instanceof ApiFailure && Array.isArray(err.details) ? ` ${(err.details as { message: string }[]).slice(0, 3).map((d) => d.message).join("; ")}` : "";
      setMsg({ kind: "error", text: errorText(err) + extra });
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="page">
      <h1>{t("dep.title")}</h1>
      <p class="muted">{t("dep.lead")}</p>
      <div class="two-col">
        <form class="card" onSubmit={submit}>
          <h2>{t("dep.import")}</h2>
          <Field id="dep-text" label={t("dep.paste")} hint={t("dep.pasteHint")}>
            <textarea id="dep-text" rows={8} value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder="student1@example.com&#10;student2@example.com" />
          </Field>
          <label class="btn btn-ghost btn-small file-btn">
            {t("dep.file")}
            <input
              type="file"
              accept=".csv,text/csv,text/plain"
              class="visually-hidden"
              onChange={async (e) => {
                const f = e.currentTarget.files?.[0];
                if (f) setText((await f.text()).slice(0, 2_000_000));
              }}
            />
          </label>
          <p class="muted small" aria-live="polite">
            {t("dep.found", { n: found.length })}
          </p>
          <div aria-live="polite">{msg && <Alert kind={msg.kind}>{msg.text}</Alert>}</div>
          <button class="btn btn-primary" disabled={!found.length || busy}>
            {busy && <Spinner />}
            {t("dep.submit", { n: found.length })}
          </button>
        </form>
        <section class="card">
          <h2>{t("dep.current", { n: current?.length ?? 0 })}</h2>
          <ul class="email-list small">
            {current?.slice(0, 200).map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
          {current && current.length > 200 && <p class="muted small">{t("dep.more", { n: current.length - 200 })}</p>}
        </section>
      </div>
    </main>
  );
}
