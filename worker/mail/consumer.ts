// The mail queue's consumer. At-least-once delivery from the queue, at-most-once sending per dedupe
// key: a message claims its key in D1 (mail_log) before it is sent and marks it sent after.
//   - D1 away before the claim: nothing sent, the message is retried with backoff.
//   - the mail service fails: the claim is released, the message retried.
//   - D1 away after the send: the mark is tried again; the message is acked either way (sent once).
//   - a message delivered twice, or the same key queued twice: the second finds the claim, is dropped.
// A claim records the queue message that holds it (message ids survive retries), so a retry whose
// first claim's answer was lost takes it back. A claim never marked (the consumer died mid-send)
// expires after LEASE_MS and may then be sent again: the one case that can repeat a mail, preferred
// to losing it.
import type { Mail } from "./types.ts";
import { renderMail } from "./templates.ts";
import { type MailTransport, transportFor } from "./transport.ts";

export const LEASE_MS = 10 * 60_000;
const MARK_TRIES = 3;

export type Outcome = "sent" | "duplicate";

export interface MailDeps {
  db: D1Database;
  transport: MailTransport;
}

async function claim(db: D1Database, mail: Mail, messageId: string, now: number): Promise<boolean> {
  const row = await db
    .prepare(
      `INSERT INTO mail_log (dedupe_key, kind, "to", claimed_at, claimed_by) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (dedupe_key) DO UPDATE SET claimed_at = excluded.claimed_at, claimed_by = excluded.claimed_by
         WHERE mail_log.sent_at IS NULL AND (mail_log.claimed_by = ?5 OR mail_log.claimed_at < ?6)
       RETURNING dedupe_key`,
    )
    .bind(mail.dedupeKey, mail.kind, mail.to, new Date(now).toISOString(), messageId, new Date(now - LEASE_MS).toISOString())
    .first();
  return row !== null;
}

export async function deliver(mail: Mail, messageId: string, deps: MailDeps, now = Date.now()): Promise<Outcome> {
  if (!(await claim(deps.db, mail, messageId, now))) return "duplicate";
  try {
    await deps.transport.send(mail, renderMail(mail));
  } catch (err) {
    await deps.db.prepare("DELETE FROM mail_log WHERE dedupe_key = ? AND sent_at IS NULL").bind(mail.dedupeKey).run().catch(() => undefined);
    throw err;
  }
  for (let i = 1; ; i++) {
    try {
      await deps.db.prepare("UPDATE mail_log SET sent_at = ? WHERE dedupe_key = ?").bind(new Date().toISOString(), mail.dedupeKey).run();
      return "sent";
    } catch (err) {
      if (i >= MARK_TRIES) {
        console.error(JSON.stringify({ level: "error", msg: "mail sent but not marked; its claim expires after the lease", kind: mail.kind, error: String(err) }));
        return "sent";
      }
    }
  }
}

/** Seconds before the next try: 10 s doubling to an hour (10 tries span more than the lease). */
export const retryDelay = (attempts: number) => Math.min(3600, 10 * 2 ** Math.max(0, attempts - 1));

export async function handleMailBatch(batch: MessageBatch<Mail>, env: Env, deps: MailDeps = { db: env.DB, transport: transportFor(env) }): Promise<void> {
  for (const msg of batch.messages) {
    try {
      await deliver(msg.body, msg.id, deps);
      msg.ack();
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", msg: "mail not sent; retrying", kind: msg.body.kind, attempts: msg.attempts, error: String(err) }));
      msg.retry({ delaySeconds: retryDelay(msg.attempts) });
    }
  }
}
