// The local inbox (`npm start` only): every mail the platform sent, newest first, with its links
// and attachments, so a person can follow a verification or reset link without a real mailbox.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { Alert, Empty, Skeleton, errorText, usePageTitle } from "../components/ui.tsx";
import { downloadFrom } from "../lib/api.ts";
import { dateTime } from "../lib/format.ts";
import { useT } from "../lib/i18n.ts";
import { useDevMail } from "../lib/use-dev-mail.ts";

/** The text with its links clickable (they point at this site). */
function Linked({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/\S+)/g);
  return <pre class="mail-text">{parts.map((p, i) => (i % 2 ? <a key={i} href={p}>{p}</a> : p))}</pre>;
}

export default function DevMail() {
  const t = useT();
  usePageTitle(t("mailbox.title"));
  const { query } = useLocation();
  const [to, setTo] = useState(query.to ?? "");
  const { messages, error } = useDevMail(to.trim().toLowerCase());
  return (
    <main id="main" class="page">
      <div class="page-head">
        <div>
          <h1>{t("mailbox.title")}</h1>
          <p class="muted">{t("mailbox.lead")}</p>
        </div>
      </div>
      <div class="card mail-filter">
        <label for="mail-to">{t("mailbox.filter")}</label>
        <input id="mail-to" type="email" placeholder={t("mailbox.all")} value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      </div>
      {error !== null && <Alert>{errorText(error)}</Alert>}
      {!messages && <Skeleton h="8rem" />}
      {messages?.length === 0 && <Empty title={t("mailbox.none")} />}
      <ul class="mail-list">
        {messages?.map((m) => (
          <li key={m.id} class="card mail">
            <div class="mail-head">
              <strong class="mail-subject">{m.subject}</strong>
              <span class="muted small">
                {t("mailbox.to", { to: m.to })} · {dateTime(m.sentAt)}
              </span>
            </div>
            <Linked text={m.text} />
            {m.attachments.map((a) => (
              <button key={a.url} type="button" class="btn btn-small" onClick={() => void downloadFrom(a.url.replace(/^\/api/, ""), a.filename)}>
                {t("mailbox.attachment", { name: a.filename })}
              </button>
            ))}
          </li>
        ))}
      </ul>
    </main>
  );
}
