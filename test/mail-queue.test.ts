// The mail queue's consumer (issue #12): with D1 or the mail service failing, a message is retried
// and in the end delivered exactly once; a redelivered message or a key queued twice sends nothing more.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LEASE_MS, deliver, handleMailBatch, retryDelay } from "../worker/mail/consumer.ts";
import { transportFor, type MailTransport } from "../worker/mail/transport.ts";
import type { Mail } from "../worker/mail/types.ts";

const mail = (to = `q-${crypto.randomUUID().slice(0, 8)}@example.test`): Mail => ({
  kind: "reset",
  to,
  lang: "en",
  data: { name: "Quinn", link: "http://127.0.0.1/reset-password?token=abcdefghijklmnopqrstuvwxyz" },
  dedupeKey: `test:${crypto.randomUUID()}`,
});

/** The real local inbox, counting sends, failing the first `failures` of them. */
function countingTransport(failures = 0): MailTransport & { sent: number; tried: number } {
  const inner = transportFor(env);
  const t = {
    sent: 0,
    tried: 0,
    async send(m: Mail, r: Parameters<MailTransport["send"]>[1]) {
      t.tried++;
      if (t.tried <= failures) throw new Error("mail service unavailable (injected)");
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
  return new Proxy(env.DB, {
    get(target, prop) {
      if (prop !== "prepare") return Reflect.get(target, prop).bind(target);
      return (sql: string) => {
        const wrap = (stmt: D1PreparedStatement): D1PreparedStatement =>
          new Proxy(stmt, {
            get(s, p) {
              if (p === "bind") return (...args: unknown[]) => wrap(s.bind(...args));
              if (p === "first" || p === "run" || p === "all") return (...args: unknown[]) => guard(sql, () => (s as any)[p](...args));
              return Reflect.get(s, p).bind(s);
            },
          });
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

  it("many copies of one message delivered at once send it once", async () => {
    const m = mail();
    const t = countingTransport();
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => deliver(m, `copy-${i}`, { db: env.DB, transport: t })));
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(1);
    expect(t.sent).toBe(1);
    expect(await inbox(m.to)).toBe(1);
  });
});
