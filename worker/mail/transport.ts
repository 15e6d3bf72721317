// Where a rendered mail goes: Cloudflare's Email Service (the `send_email` binding) in production;
// the local inbox (D1 dev_mail, read by GET /api/dev/mail and the /dev/mail page) when DEV_MAILBOX=1.
// Both are idempotent by dedupe key only as far as the consumer makes them (worker/mail/consumer.ts).
import type { Mail, Rendered } from "./types.ts";

export interface MailTransport {
  send(mail: Mail, rendered: Rendered): Promise<void>;
}

export const isLocal = (env: Env) => env.DEV_MAILBOX === "1";

/** A mail send through the binding; its Message-ID comes from the dedupe key, so a receiving server can also drop a repeat. */
const emailService = (env: Env): MailTransport => ({
  async send(mail, r) {
    await env.EMAIL.send({
      from: env.MAIL_FROM,
      to: mail.to,
      subject: r.subject,
      text: r.text,
      headers: { "Message-ID": `<${await digest(mail.dedupeKey)}@inf-booking>` },
      attachments: r.attachments.map((a) => ({ disposition: "attachment" as const, filename: a.filename, type: a.type, content: a.content })),
    });
  },
});

const devMailbox = (env: Env): MailTransport => ({
  async send(mail, r) {
    await env.DB.prepare(
      "INSERT INTO dev_mail (dedupe_key, `to`, kind, subject, text, links, attachments, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
    )
      .bind(mail.dedupeKey, mail.to, mail.kind, r.subject, r.text, JSON.stringify(r.links), JSON.stringify(r.attachments), new Date().toISOString())
      .run();
  },
});

export const transportFor = (env: Env): MailTransport => (isLocal(env) ? devMailbox(env) : emailService(env));

async function digest(s: string): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
  return [...h.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
