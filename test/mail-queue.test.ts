// The mail queue's consumer (issue #12): with D1 or the mail service failing, a message is retried
// and in the end delivered exactly once; a redelivered message or a key queued twice sends nothing more.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type BookingRow, packBooking, unpackBookings } from "../durable-objects/d1-sink.ts";
import { bookingStatesMessages } from "../worker/mail/booking-mails.ts";
import { LEASE_MS, deliver, handleMailBatch, retryDelay } from "../worker/mail/consumer.ts";
import { transportFor, type MailTransport } from "../worker/mail/transport.ts";
import type { BookingStates, Mail, QueuedMail } from "../worker/mail/types.ts";
import { createCompany, createEvent, createSlots, createUser } from "./helpers.ts";

const mail = (to = `q-${crypto.randomUUID().slice(0, 8)}@example.test`): Mail => ({
  kind: "reset",
  to,
  lang: "en",
  data: { name: "Quinn", link: "http://127.0.0.1/reset-password?token=abcdefghijklmnopqrstuvwxyz" },
  dedupeKey: `test:${crypto.randomUUID()}`,
});

/** The real local inbox, counting sends, failing the first `failures` of them (or the sends `failing` says). */
function countingTransport(failures = 0, failing: (m: Mail, tried: number) => boolean = (_, tried) => tried <= failures): MailTransport & { sent: number; tried: number } {
  const inner = transportFor(env);
  const t = {
    sent: 0,
    tried: 0,
    async send(m: Mail, r: Parameters<MailTransport["send"]>[1]) {
      t.tried++;
      if (failing(m, t.tried)) throw new Error("mail service unavailable (injected)");
      await inner.send(m, r);
      t.sent++;
    },
  };
  return t;
}

/** D1 whose statements matching `pattern` fail the first `times` times. */
function flakyDb(pattern: RegExp, times: number): D1Database {
  let left = times;
  const guard = <T>(sql: string, run: () => Promise<T>) => {
    if (pattern.test(sql) && left > 0) {
      left--;
      return Promise.reject(new Error("D1_ERROR: injected outage"));
    }
    return run();
  };
  // A D1 batch is one transaction: it fails whole when one of its statements would.
  const unwrapped = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  const sqlOf = new WeakMap<D1PreparedStatement, string>();
  return new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "batch")
        return (stmts: D1PreparedStatement[]) => {
          const hit = stmts.map((st) => sqlOf.get(st) ?? "").find((sql) => pattern.test(sql));
          return hit === undefined ? target.batch(stmts.map((st) => unwrapped.get(st) ?? st)) : guard(hit, () => target.batch(stmts.map((st) => unwrapped.get(st) ?? st)));
        };
      if (prop !== "prepare") return Reflect.get(target, prop).bind(target);
      return (sql: string) => {
        const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
          const proxy = new Proxy(stmt, {
            get(s, p) {
              if (p === "bind") return (...args: unknown[]) => wrap(s.bind(...args));
              if (p === "first" || p === "run" || p === "all") return (...args: unknown[]) => guard(sql, () => (s as any)[p](...args));
              return Reflect.get(s, p).bind(s);
            },
          });
          sqlOf.set(proxy, sql);
          unwrapped.set(proxy, stmt);
          return proxy;
        };
        return wrap(target.prepare(sql));
      };
    },
  });
}

const inbox = async (to: string) => (await env.DB.prepare('SELECT count(*) AS n FROM dev_mail WHERE "to" = ?').bind(to).first<number>("n")) ?? 0;

async function run(m: Mail, deps: Parameters<typeof handleMailBatch>[2], attempts = 1, id = "msg-1") {
  const batch = createMessageBatch<Mail>("inf-mail", [{ id, timestamp: Date.now(), attempts, body: m }]);
  await handleMailBatch(batch, env, deps);
  return getQueueResult(batch, createExecutionContext());
}

describe("the mail queue consumer", () => {
  it("backs off from 10 s, doubling, to an hour: ten tries outlast the claim lease", () => {
    expect([1, 2, 3, 10, 20].map(retryDelay)).toEqual([10, 20, 40, 3600, 3600]);
    expect(Array.from({ length: 10 }, (_, i) => retryDelay(i + 1)).reduce((a, b) => a + b, 0) * 1000).toBeGreaterThan(LEASE_MS);
  });

  it("D1 failing before the claim: retried with a delay, then delivered once; a redelivery sends nothing", async () => {
    const m = mail();
    const t = countingTransport();
    const first = await run(m, { db: flakyDb(/INSERT INTO mail_log/, 1), transport: t });
    expect(first.retryMessages.map((r) => r.msgId)).toEqual(["msg-1"]);
    expect(first.explicitAcks).toEqual([]);
    expect(await inbox(m.to)).toBe(0);
    const second = await run(m, { db: env.DB, transport: t }, 2);
    expect(second.explicitAcks).toEqual(["msg-1"]);
    await run(m, { db: env.DB, transport: t }, 3, "msg-2");
    expect(t.sent).toBe(1);
    expect(await inbox(m.to)).toBe(1);
  });

  it("the mail service failing: the claim is released, the retry delivers once", async () => {
    const m = mail();
    const t = countingTransport(2);
    expect((await run(m, { db: env.DB, transport: t })).retryMessages).toHaveLength(1);
    expect((await run(m, { db: env.DB, transport: t }, 2)).retryMessages).toHaveLength(1);
    expect((await run(m, { db: env.DB, transport: t }, 3)).explicitAcks).toEqual(["msg-1"]);
    expect([t.tried, t.sent]).toEqual([3, 1]);
    expect(await inbox(m.to)).toBe(1);
    expect(await env.DB.prepare("SELECT sent_at FROM mail_log WHERE dedupe_key = ?").bind(m.dedupeKey).first("sent_at")).not.toBeNull();
  });

  it("D1 failing after the send: acked (no second send), and the same key queued again within the lease sends nothing", async () => {
    const m = mail();
    const t = countingTransport();
    const r = await run(m, { db: flakyDb(/UPDATE mail_log SET sent_at/, 5), transport: t });
    expect(r.explicitAcks).toEqual(["msg-1"]);
    await run(m, { db: env.DB, transport: t }, 1, "msg-2");
    expect(t.sent).toBe(1);
    expect(await inbox(m.to)).toBe(1);
  });

  it("the claim's answer lost: the same message's retry takes its claim back and delivers once", async () => {
    const m = mail();
    const t = countingTransport();
    // The claim committed, then the transport failed and D1 lost the release: the claim stays.
    const lostRelease = flakyDb(/DELETE FROM mail_log/, 1);
    await expect(deliver(m, "msg-1", { db: lostRelease, transport: countingTransport(1) })).rejects.toThrow(/injected/);
    expect(await deliver(m, "msg-other", { db: env.DB, transport: t })).toBe("duplicate");
    expect(await deliver(m, "msg-1", { db: env.DB, transport: t })).toBe("sent");
    // A claim nobody marked, past the lease, can be taken by anyone (the sender died).
    const n = mail();
    await env.DB.prepare('INSERT INTO mail_log (dedupe_key, kind, "to", claimed_at, claimed_by) VALUES (?, ?, ?, ?, ?)')
      .bind(n.dedupeKey, n.kind, n.to, new Date(Date.now() - LEASE_MS - 1000).toISOString(), "dead")
      .run();
    expect(await deliver(n, "msg-3", { db: env.DB, transport: t })).toBe("sent");
    expect(t.sent).toBe(2);
  });

  it("a batch of several messages, one a copy already sent: the others sent once each, the copy acked unsent", async () => {
    const [a, b] = [mail(), mail()];
    const t = countingTransport();
    expect((await run(a, { db: env.DB, transport: t })).explicitAcks).toEqual(["msg-1"]);
    const batch = createMessageBatch<Mail>("inf-mail", [
      { id: "b-1", timestamp: Date.now(), attempts: 1, body: a },
      { id: "b-2", timestamp: Date.now(), attempts: 1, body: b },
      { id: "b-3", timestamp: Date.now(), attempts: 1, body: b },
    ]);
    await handleMailBatch(batch, env, { db: env.DB, transport: t });
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks.sort()).toEqual(["b-1", "b-2", "b-3"]);
    expect([t.sent, await inbox(a.to), await inbox(b.to)]).toEqual([2, 1, 1]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM mail_log WHERE dedupe_key IN (?, ?) AND sent_at IS NOT NULL").bind(a.dedupeKey, b.dedupeKey).first("n")).toBe(2);
  });

  it("many copies of one message delivered at once send it once", async () => {
    const m = mail();
    const t = countingTransport();
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => deliver(m, `copy-${i}`, { db: env.DB, transport: t })));
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(1);
    expect(t.sent).toBe(1);
    expect(await inbox(m.to)).toBe(1);
  });
});

/** Two students' booking states at one company (as the recorder writes them), and D1 counting the reads of their facts. */
async function statesFixture() {
  const eventId = await createEvent({ phase: 2 });
  const companyId = await createCompany(eventId, { name: "Globex" });
  const [one, two] = await createSlots(eventId, companyId, 2);
  const [s1, s2] = [await createUser(), await createUser()];
  const row = (s: { id: string }, slot: typeof one): BookingRow => ({
    id: crypto.randomUUID(), eventId, slotId: slot!.id, studentId: s.id, companyId, startsAt: slot!.startsAt, endsAt: slot!.endsAt,
    phase: 2, status: "confirmed", createdAt: "", updatedAt: "", cancelledAt: null, cancelReason: null, cancelledBy: null, origin: "fcfs",
  });
  const [a, b] = [row(s1, one), row(s2, two)];
  const factReads = { n: 0 };
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare")
        return (sql: string) => {
          if (/FROM users WHERE id IN/.test(sql)) factReads.n++;
          return target.prepare(sql);
        };
      return Reflect.get(target, prop).bind(target);
    },
  });
  return { s1, s2, a, b, db, factReads };
}

const statesOf = (rows: BookingRow[]): BookingStates => ({ kind: "booking_states", bookings: JSON.stringify(rows.map(packBooking)) });
const kindsIn = async (to: string) => (await env.DB.prepare('SELECT kind FROM dev_mail WHERE "to" = ? ORDER BY kind').bind(to).all<{ kind: string }>()).results.map((r) => r.kind);

describe("booking states on the mail queue (one message per recorder write)", () => {
  it("the consumer mails each booking's last state in its message, reading the facts once for the batch, beside plain mails", async () => {
    const { s1, s2, a, b, db, factReads } = await statesFixture();
    const plain = mail();
    const batch = createMessageBatch<QueuedMail>("inf-mail", [
      // Booked and cancelled within one write: only the cancellation is mailed.
      { id: "st-1", timestamp: Date.now(), attempts: 1, body: statesOf([a, { ...a, status: "cancelled", cancelledBy: "student" }]) },
      { id: "st-2", timestamp: Date.now(), attempts: 1, body: statesOf([b]) },
      { id: "pl-1", timestamp: Date.now(), attempts: 1, body: plain },
    ]);
    const t = countingTransport();
    await handleMailBatch(batch, env, { db, transport: t });
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks.sort()).toEqual(["pl-1", "st-1", "st-2"]);
    expect([await kindsIn(s1.email), await kindsIn(s2.email), await inbox(plain.to)]).toEqual([["booking_cancelled"], ["booking_confirmed"], 1]);
    expect(factReads.n).toBe(1);
    // Each booking's state in its own message (a second write): mailed once more, its confirmation never again.
    const again = createMessageBatch<QueuedMail>("inf-mail", [{ id: "st-3", timestamp: Date.now(), attempts: 1, body: statesOf([b, { ...b, status: "cancelled", cancelledBy: "student" }]) }, { id: "st-4", timestamp: Date.now(), attempts: 1, body: statesOf([b]) }]);
    await handleMailBatch(again, env, { db, transport: t });
    expect(await kindsIn(s2.email)).toEqual(["booking_cancelled", "booking_confirmed"]);
    expect(t.sent).toBe(4);
  });

  it("a send failing inside a message retries it whole; the retry sends only what was not sent", async () => {
    const { s1, s2, a, b } = await statesFixture();
    const body = statesOf([a, b]);
    const t = countingTransport(0, (m, tried) => m.to === s2.email && tried <= 2);
    const first = createMessageBatch<QueuedMail>("inf-mail", [{ id: "st-1", timestamp: Date.now(), attempts: 1, body }]);
    await handleMailBatch(first, env, { db: env.DB, transport: t });
    const r1 = await getQueueResult(first, createExecutionContext());
    expect([r1.explicitAcks, r1.retryMessages.map((r) => r.msgId)]).toEqual([[], ["st-1"]]);
    expect([await inbox(s1.email), await inbox(s2.email)]).toEqual([1, 0]);
    const second = createMessageBatch<QueuedMail>("inf-mail", [{ id: "st-1", timestamp: Date.now(), attempts: 2, body }]);
    await handleMailBatch(second, env, { db: env.DB, transport: t });
    expect((await getQueueResult(second, createExecutionContext())).explicitAcks).toEqual(["st-1"]);
    expect([await inbox(s1.email), await inbox(s2.email), t.sent]).toEqual([1, 1, 2]);
  });

  it("the facts not read: the states are retried, a plain mail of the same batch is sent", async () => {
    const { s1, a } = await statesFixture();
    const plain = mail();
    const batch = createMessageBatch<QueuedMail>("inf-mail", [
      { id: "st-1", timestamp: Date.now(), attempts: 1, body: statesOf([a]) },
      { id: "pl-1", timestamp: Date.now(), attempts: 1, body: plain },
    ]);
    await handleMailBatch(batch, env, { db: flakyDb(/FROM users WHERE id IN/, 1), transport: countingTransport() });
    const r = await getQueueResult(batch, createExecutionContext());
    expect([r.explicitAcks, r.retryMessages.map((x) => x.msgId)]).toEqual([["pl-1"], ["st-1"]]);
    expect([await inbox(s1.email), await inbox(plain.to)]).toEqual([0, 1]);
  });

  it("a write's states go in one message, or in several under the queue's size limit, in order", () => {
    const row = (i: number): BookingRow => ({
      id: `b-${i}`, eventId: "e", slotId: `s-${i}`, studentId: `u-${i}`, companyId: "c", startsAt: "2026-01-01T10:00:00.000Z", endsAt: "2026-01-01T10:10:00.000Z",
      phase: 1, status: "confirmed", createdAt: "x", updatedAt: "x", cancelledAt: null, cancelReason: null, cancelledBy: null, origin: "fcfs",
    });
    const small = JSON.stringify([row(1), row(2)].map(packBooking));
    expect(bookingStatesMessages(small)).toEqual([{ kind: "booking_states", bookings: small }]);
    const rows = Array.from({ length: 2000 }, (_, i) => row(i));
    const big = bookingStatesMessages(JSON.stringify(rows.map(packBooking)));
    expect(big.length).toBeGreaterThan(1);
    for (const m of big) expect(new TextEncoder().encode(JSON.stringify(m)).length).toBeLessThan(128 * 1024);
    expect(big.flatMap((m) => unpackBookings(m.bookings))).toEqual(rows.map((r) => unpackBookings(JSON.stringify([packBooking(r)]))[0]));
  });
});
