// The mail queue's consumer. At-least-once delivery from the queue, at-most-once sending per dedupe
// key: a message claims its key in D1 (mail_log) before it is sent and marks it sent after.
//   - D1 away before the claim: nothing sent, the message is retried with backoff.
//   - the mail service fails: the claim is released, the message retried.
//   - D1 away after the send: the mark is tried again; the message is acked either way (sent once).
//   - a message delivered twice, or the same key queued twice: the second finds the claim, is dropped.
// A queue batch claims and marks its messages in one D1 batch each (handleMailBatch).
// A claim records the queue message that holds it (message ids survive retries), so a retry whose
// first claim's answer was lost takes it back. A claim never marked (the consumer died mid-send)
// expires after LEASE_MS and may then be sent again: the one case that can repeat a mail, preferred
// to losing it.
import type { Mail } from "./types.ts";
import { renderMail } from "./templates.ts";
import { type MailTransport, transportFor } from "./transport.ts";
import { errorFields, logLine } from "../lib/log.ts";

export const LEASE_MS = 10 * 60_000;
const MARK_TRIES = 3;

export type Outcome = "sent" | "duplicate";

export interface MailDeps {
  db: D1Database;
  transport: MailTransport;
}

const CLAIM = `INSERT INTO mail_log (dedupe_key, kind, "to", claimed_at, claimed_by) VALUES (?1, ?2, ?3, ?4, ?5)
  ON CONFLICT (dedupe_key) DO UPDATE SET claimed_at = excluded.claimed_at, claimed_by = excluded.claimed_by
    WHERE mail_log.sent_at IS NULL AND (mail_log.claimed_by = ?5 OR mail_log.claimed_at < ?6)
  RETURNING dedupe_key`;
const RELEASE = "DELETE FROM mail_log WHERE dedupe_key = ? AND sent_at IS NULL";
const MARK = "UPDATE mail_log SET sent_at = ? WHERE dedupe_key = ?";

const claimStmt = (db: D1Database, mail: Mail, messageId: string, now: number) =>
  db.prepare(CLAIM).bind(mail.dedupeKey, mail.kind, mail.to, new Date(now).toISOString(), messageId, new Date(now - LEASE_MS).toISOString());

async function claim(db: D1Database, mail: Mail, messageId: string, now: number): Promise<boolean> {
  return (await claimStmt(db, mail, messageId, now).first()) !== null;
}

/** Marks these keys sent, in one D1 batch, trying a few times; a mark that never lands is logged (its claim expires). */
async function markSent(db: D1Database, mails: Mail[]): Promise<void> {
  if (!mails.length) return;
  const at = new Date().toISOString();
  for (let i = 1; ; i++) {
    try {
      await db.batch(mails.map((m) => db.prepare(MARK).bind(at, m.dedupeKey)));
      return;
    } catch (err) {
      if (i >= MARK_TRIES) {
        for (const m of mails) logLine("error", "mail sent but not marked; its claim expires after the lease", { kind: m.kind, ...errorFields(err) });
        return;
      }
    }
  }
}

/** Sends a claimed mail; if the service fails, the claim is released (best effort) and the error thrown. */
async function send(mail: Mail, deps: MailDeps): Promise<void> {
  try {
    await deps.transport.send(mail, renderMail(mail));
  } catch (err) {
    await deps.db.prepare(RELEASE).bind(mail.dedupeKey).run().catch(() => undefined);
    throw err;
  }
}

/** One message alone: claim, send, mark. */
export async function deliver(mail: Mail, messageId: string, deps: MailDeps, now = Date.now()): Promise<Outcome> {
  if (!(await claim(deps.db, mail, messageId, now))) return "duplicate";
  await send(mail, deps);
  await markSent(deps.db, [mail]);
  return "sent";
}

/** Seconds before the next try: 10 s doubling to an hour (10 tries span more than the lease). */
export const retryDelay = (attempts: number) => Math.min(3600, 10 * 2 ** Math.max(0, attempts - 1));

/**
 * A queue batch: every claim in one D1 batch, then each send, then every mark in one D1 batch (two
 * D1 round trips per batch instead of two per mail: a phase opening queues one mail per confirmed
 * booking). The same guarantees as `deliver`, message by message.
 */
export async function handleMailBatch(batch: MessageBatch<Mail>, env: Env, deps: MailDeps = { db: env.DB, transport: transportFor(env) }): Promise<void> {
  const retry = (msg: Message<Mail>, err: unknown) => {
    logLine("warn", "mail not sent; retrying", { kind: msg.body.kind, attempts: msg.attempts, ...errorFields(err) });
    msg.retry({ delaySeconds: retryDelay(msg.attempts) });
  };
  const messages = batch.messages;
  if (!messages.length) return;
  const now = Date.now();
  let claimed: boolean[];
  try {
    const results = await deps.db.batch(messages.map((msg) => claimStmt(deps.db, msg.body, msg.id, now)));
    claimed = results.map((r) => r.results.length > 0);
  } catch (err) {
    for (const msg of messages) retry(msg, err);
    return;
  }
  const sent: Message<Mail>[] = [];
  for (const [i, msg] of messages.entries()) {
    if (!claimed[i]) {
      msg.ack();
      continue;
    }
    try {
      await send(msg.body, deps);
      sent.push(msg);
    } catch (err) {
      retry(msg, err);
    }
  }
  await markSent(
    deps.db,
    sent.map((m) => m.body),
  );
  for (const msg of sent) msg.ack();
}
