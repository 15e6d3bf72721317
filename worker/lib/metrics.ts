// The live numbers of the career office's monitoring page, all read from D1 in one batch, with
// the day's per-event figures (day-metrics.ts, shared with the CLI's status).
import { LATENCY_BUCKETS_MS } from "../../durable-objects/d1-sink.ts";
import type { Metrics } from "../domain/contract.ts";
import { dayMetricsOf, dayMetricsSql } from "./day-metrics.ts";

const num = (v: unknown) => Number(v ?? 0);

/**
 * The `p` quantile of a response-time histogram: the upper bound of the bucket it falls in,
 * never above the largest time seen (the last bucket is open). Buckets: LATENCY_BUCKETS_MS.
 */
export function histogramQuantile(buckets: { bucket: number; n: number }[], p: number, max: number): number | null {
  const total = buckets.reduce((a, b) => a + b.n, 0);
  if (!total) return null;
  let seen = 0;
  for (const b of [...buckets].sort((x, y) => x.bucket - y.bucket)) {
    seen += b.n;
    if (seen >= p * total) return Math.min(LATENCY_BUCKETS_MS[b.bucket] ?? max, max);
  }
  return max;
}

/**
 * One D1 batch (one round trip). Attempts are read from `attempt_stats`, the aggregate the outbox
 * keeps as attempts arrive (a few rows per minute), never by scanning or sorting booking_attempts:
 * the monitor polls every 5 seconds all season. Percentiles are bucket bounds (see histogramQuantile).
 */
export async function eventMetrics(d1: D1Database, eventId: string, now = Date.now()): Promise<Metrics> {
  const since = new Date(now - 60 * 60_000).toISOString();
  const q = (text: string, ...params: unknown[]) => d1.prepare(text).bind(...params);
  const results = await d1.batch([
    q("SELECT status, count(*) AS n FROM bookings WHERE event_id = ? GROUP BY status", eventId),
    q("SELECT count(*) AS count, coalesce(sum(capacity), 0) AS seats, coalesce(sum(min(taken, capacity)), 0) AS taken FROM slots WHERE event_id = ?", eventId),
    q("SELECT code, sum(attempts) AS n FROM attempt_stats WHERE event_id = ? GROUP BY code ORDER BY 2 DESC", eventId),
    q(
      `SELECT minute, sum(b) AS bookings, sum(a) AS attempts FROM (
         SELECT substr(created_at, 1, 16) AS minute, 1 AS b, 0 AS a FROM bookings WHERE event_id = ?1 AND created_at >= ?2
         UNION ALL
         SELECT minute, 0, attempts FROM attempt_stats WHERE event_id = ?1 AND minute >= substr(?2, 1, 16)
       ) GROUP BY minute ORDER BY minute`,
      eventId,
      since,
    ),
    q("SELECT bucket, sum(attempts) AS n, max(ms_max) AS max FROM attempt_stats WHERE event_id = ? GROUP BY bucket", eventId),
    ...dayMetricsSql("?1").map((text) => q(text, eventId)),
  ]);
  const rows = <T>(i: number) => (results[i]?.results ?? []) as T[];
  const bookingRows = rows<{ status: string; n: number }>(0);
  const slotRow = rows<{ count: number; seats: number; taken: number }>(1)[0];
  const byCode = Object.fromEntries(rows<{ code: string; n: number }>(2).map((r) => [r.code, num(r.n)]));
  const total = Object.values(byCode).reduce((a, b) => a + b, 0);
  const histogram = rows<{ bucket: number; n: number; max: number }>(4).map((r) => ({ bucket: num(r.bucket), n: num(r.n), max: num(r.max) }));
  const max = histogram.length ? Math.max(...histogram.map((h) => h.max)) : null;
  const count = (s: string) => num(bookingRows.find((r) => r.status === s)?.n);
  const seats = num(slotRow?.seats);
  const taken = num(slotRow?.taken);
  return {
    generatedAt: new Date(now).toISOString(),
    bookings: { confirmed: count("confirmed"), cancelled: count("cancelled") },
    slots: { count: num(slotRow?.count), seats, taken },
    fillRate: seats ? taken / seats : 0,
    attempts: { total, byCode },
    responseTimeMs: max === null ? { p50: null, p95: null, max: null } : { p50: histogramQuantile(histogram, 0.5, max), p95: histogramQuantile(histogram, 0.95, max), max },
    ...dayMetricsOf(results.slice(5).map((r) => (r.results ?? []) as Record<string, unknown>[])),
    perMinute: rows<{ minute: string; bookings: number; attempts: number }>(3).map((r) => ({ minute: r.minute, bookings: num(r.bookings), attempts: num(r.attempts) })),
  };
}
