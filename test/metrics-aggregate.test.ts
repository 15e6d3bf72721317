// The monitor's figures come from an aggregate kept as attempts arrive (issue #11, item 6), not
// from sorting every attempt on each 5-second poll: attempt_stats counts each attempt once, by
// minute, outcome and response-time bucket; percentiles are read from its histogram.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_MS, latencyBucket } from "../durable-objects/d1-sink.ts";
import { histogramQuantile } from "../worker/lib/metrics.ts";
import { api, countBy, createCompany, createEvent, createSlots, createUser, createUsers, d1Attempts, drainAll, together } from "./helpers.ts";

describe("the attempts aggregate", () => {
  it("matches booking_attempts after a small herd, and the monitor reads it alone", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const admin = await createUser({ role: "admin" });
    const students = await createUsers(12);
    await together(12, (i) => api("POST", "/bookings", { token: students[i]!.token, body: { slotId: slot!.id } }));
    await drainAll(eventId, students.map((s) => s.id));
    const attempts = await d1Attempts(eventId);
    const byCode = countBy(attempts, (a) => a.error_code ?? "ok");
    expect(byCode).toEqual({ ok: 2, slot_full: 10 });
    const buckets = countBy(attempts, (a) => String(latencyBucket(a.response_time_ms)));
    const stored = (await env.DB.prepare("SELECT bucket, sum(attempts) AS n FROM attempt_stats WHERE event_id = ? GROUP BY bucket").bind(eventId).all<{ bucket: number; n: number }>()).results;
    expect(Object.fromEntries(stored.map((r) => [String(r.bucket), r.n]))).toEqual(buckets);

    // With the attempts themselves gone, the monitor still shows them: it reads the aggregate.
    await env.DB.prepare("DELETE FROM booking_attempts WHERE event_id = ?").bind(eventId).run();
    const m = (await api("GET", "/admin/metrics", { token: admin.token })).body.metrics;
    expect(m.attempts).toEqual({ total: 12, byCode });
    expect(m.responseTimeMs.max).toBe(Math.max(...attempts.map((a) => a.response_time_ms)));
    expect(m.perMinute.reduce((n: number, x: { attempts: number }) => n + x.attempts, 0)).toBe(12);
  });

  it("percentiles are the bound of the bucket they fall in, never above the largest time seen", () => {
    const b = (ms: number, n: number) => ({ bucket: latencyBucket(ms), n });
    const h = [b(1, 50), b(40, 45), b(900, 5)];
    expect(histogramQuantile(h, 0.5, 950)).toBe(1);
    expect(histogramQuantile(h, 0.95, 950)).toBe(50);
    expect(histogramQuantile(h, 0.99, 950)).toBe(950);
    expect(histogramQuantile([b(99_999, 3)], 0.5, 99_999)).toBe(99_999);
    expect(histogramQuantile([], 0.5, 0)).toBeNull();
    expect(LATENCY_BUCKETS_MS[latencyBucket(40)]).toBe(50);
  });
});
