// The mail queue's consumer. At-least-once delivery from the queue, at-most-once sending per dedupe
// key: a message claims its key in D1 (mail_log) before it is sent and marks it sent after.
//   - D1 away before the claim: nothing sent, the message is retried with backoff.
//   - the mail service fails: the claim is released, the message retried.
//   - D1 away after the send: the mark is tried again; the message is acked either way (sent once).
//   - a message delivered twice, or the same key queued twice: the second finds the claim, is dropped.
// A queue batch claims its messages' mails in one D1 statement and marks them in another
// (handleMailBatch). A message is a mail, or booking states the recorder wrote (their mails composed
// here, the facts of the whole batch read once) — one message carries several mails then, and is
// retried whole if one of them fails: the ones sent are found claimed and sent, and skipped.
// A claim records the queue message that holds it (message ids survive retries), so a retry whose
// first claim's answer was lost takes it back. A claim never marked (the consumer died mid-send)
// expires after LEASE_MS and may then be sent again: the one case that can repeat a mail, preferred
// to losing it.
import { unpackBookings } from "../../durable-objects/d1-sink.ts";
import { bookingMailsEach } from "./booking-mails.ts";
import type { BookingStates, Mail, QueuedMail } from "./types.ts";
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

// Every message of a batch in one statement (a JSON array of [key, kind, to, message id], unpacked by
// json_each): what comes back is each key's row as this statement left it, only where it inserted
// or took the claim. A message holds the claim when its key comes back with its own message id (a
// key queued twice in one batch: the first copy claims it, the second finds it claimed).
const CLAIM = `INSERT INTO mail_log (dedupe_key, kind, "to", claimed_at, claimed_by)
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), ?2, json_extract(value, '$[3]') FROM json_each(?1) WHERE true
  ON CONFLICT (dedupe_key) DO UPDATE SET claimed_at = excluded.claimed_at, claimed_by = excluded.claimed_by
    WHERE mail_log.sent_at IS NULL AND (mail_log.claimed_by = excluded.claimed_by OR mail_log.claimed_at < ?3)
  RETURNING dedupe_key, claimed_by`;
const RELEASE = "DELETE FROM mail_log WHERE dedupe_key = ? AND sent_at IS NULL";
const MARK = "UPDATE mail_log SET sent_at = ?1 WHERE dedupe_key IN (SELECT value FROM json_each(?2))";

/** Claims each message's key for it; true where it holds the claim (in the messages' order). */
async function claimAll(db: D1Database, messages: { mail: Mail; id: string }[], now: number): Promise<boolean[]> {
  const rows = JSON.stringify(messages.map((m) => [m.mail.dedupeKey, m.mail.kind, m.mail.to, m.id]));
  const { results } = await db.prepare(CLAIM).bind(rows, new Date(now).toISOString(), new Date(now - LEASE_MS).toISOString()).all<{ dedupe_key: string; claimed_by: string }>();
  const holder = new Map(results.map((r) => [r.dedupe_key, r.claimed_by]));
  return messages.map((m) => holder.get(m.mail.dedupeKey) === m.id);
}

/** Marks these keys sent, in one statement, trying a few times; a mark that never lands is logged (its claim expires). */
async function markSent(db: D1Database, mails: Mail[]): Promise<void> {
  if (!mails.length) return;
  const at = new Date().toISOString();
  for (let i = 1; ; i++) {
    try {
      await db.prepare(MARK).bind(at, JSON.stringify(mails.map((m) => m.dedupeKey))).run();
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
  if (!(await claimAll(deps.db, [{ mail, id: messageId }], now))[0]) return "duplicate";
  await send(mail, deps);
  await markSent(deps.db, [mail]);
  return "sent";
}

/** Seconds before the next try: 10 s doubling to an hour (10 tries span more than the lease). */
export const retryDelay = (attempts: number) => Math.min(3600, 10 * 2 ** Math.max(0, attempts - 1));

/**
 * A queue batch: the mails of its booking-state messages composed (one D1 read for all), every claim
 * in one statement, then each send, then every mark in one statement (two D1 round trips and two
 * statements per batch instead of two per mail: a phase opening mails every confirmed booking). The
 * same guarantees as `deliver`, message by message; a message is acked once each of its mails is
 * sent or found sent, else retried whole.
 */
export async function handleMailBatch(batch: MessageBatch<QueuedMail>, env: Env, deps: MailDeps = { db: env.DB, transport: transportFor(env) }): Promise<void> {
  const retried = new Set<Message<QueuedMail>>();
  const retry = (msg: Message<QueuedMail>, err: unknown) => {
    if (retried.has(msg)) return;
    retried.add(msg);
    logLine("warn", "mail not sent; retrying", { kind: msg.body.kind, attempts: msg.attempts, ...errorFields(err) });
    msg.retry({ delaySeconds: retryDelay(msg.attempts) });
  };
  if (!batch.messages.length) return;
  const items: { mail: Mail; msg: Message<QueuedMail> }[] = [];
  const states = batch.messages.filter((m): m is Message<BookingStates> => m.body.kind === "booking_states");
  if (states.length) {
    try {
      const composed = await bookingMailsEach(
        deps.db,
        env.APP_URL,
        states.map((m) => unpackBookings(m.body.bookings)),
      );
      states.forEach((msg, i) => items.push(...composed[i]!.map((mail) => ({ mail, msg }))));
    } catch (err) {
      for (const msg of states) retry(msg, err);
    }
  }
  for (const msg of batch.messages) if (msg.body.kind !== "booking_states") items.push({ mail: msg.body, msg });
  let claimed: boolean[] = [];
  if (items.length) {
    try {
      claimed = await claimAll(
        deps.db,
        items.map((x) => ({ mail: x.mail, id: x.msg.id })),
        Date.now(),
      );
    } catch (err) {
      for (const x of items) retry(x.msg, err);
    }
  }
  const sent: Mail[] = [];
  for (const [i, x] of items.entries()) {
    if (!claimed[i] || retried.has(x.msg)) continue;
    try {
      await send(x.mail, deps);
      sent.push(x.mail);
    } catch (err) {
      retry(x.msg, err);
    }
  }
  await markSent(deps.db, sent);
  for (const msg of batch.messages) if (!retried.has(msg)) msg.ack();
}
