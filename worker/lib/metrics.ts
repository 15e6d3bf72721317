// The live numbers of the career office's monitoring page, all read from D1 in one batch.
import type { Metrics } from "../domain/contract.ts";

const num = (v: unknown) => Number(v ?? 0);

/** One D1 batch (one round trip); percentiles by ordered offset on the (event, time) index. */
export async function eventMetrics(d1: D1Database, eventId: string, now = Date.now()): Promise<Metrics> {
  const since = new Date(now - 60 * 60_000).toISOString();
  const q = (text: string, ...params: unknown[]) => d1.prepare(text).bind(...params);
  const percentile = (p: number) =>
    q(
      `SELECT response_time_ms AS v FROM booking_attempts WHERE event_id = ?1 ORDER BY response_time_ms
       LIMIT 1 OFFSET (SELECT max(0, min(count(*) - 1, CAST(count(*) * ?2 AS INTEGER))) FROM booking_attempts WHERE event_id = ?1)`,
      eventId,
      p,
    );
  const results = await d1.batch([
    q("SELECT status, count(*) AS n FROM bookings WHERE event_id = ? GROUP BY status", eventId),
    q("SELECT count(*) AS count, coalesce(sum(capacity), 0) AS seats, coalesce(sum(min(taken, capacity)), 0) AS taken FROM slots WHERE event_id = ?", eventId),
    q("SELECT count(*) AS total, coalesce(sum(deprioritized), 0) AS dep FROM users WHERE role = 'student'"),
    q("SELECT count(DISTINCT student_id) AS n FROM bookings WHERE event_id = ? AND status = 'confirmed'", eventId),
    q("SELECT coalesce(error_code, 'ok') AS code, count(*) AS n FROM booking_attempts WHERE event_id = ? GROUP BY 1 ORDER BY 2 DESC", eventId),
    q(
      `SELECT minute, sum(b) AS bookings, sum(a) AS attempts FROM (
         SELECT substr(created_at, 1, 16) AS minute, 1 AS b, 0 AS a FROM bookings WHERE event_id = ?1 AND created_at >= ?2
         UNION ALL
         SELECT substr(attempted_at, 1, 16), 0, 1 FROM booking_attempts WHERE event_id = ?1 AND attempted_at >= ?2
       ) GROUP BY minute ORDER BY minute`,
      eventId,
      since,
    ),
    percentile(0.5),
    percentile(0.95),
    percentile(1),
  ]);
  const rows = <T>(i: number) => (results[i]?.results ?? []) as T[];
  const bookingRows = rows<{ status: string; n: number }>(0);
  const slotRow = rows<{ count: number; seats: number; taken: number }>(1)[0];
  const studentRow = rows<{ total: number; dep: number }>(2)[0];
  const withRow = rows<{ n: number }>(3)[0];
  const byCode = Object.fromEntries(rows<{ code: string; n: number }>(4).map((r) => [r.code, num(r.n)]));
  const total = Object.values(byCode).reduce((a, b) => a + b, 0);
  const pct = (i: number) => {
    const v = rows<{ v: number }>(i)[0]?.v;
    return total && v !== undefined ? num(v) : null;
  };
  const count = (s: string) => num(bookingRows.find((r) => r.status === s)?.n);
  const seats = num(slotRow?.seats);
  const taken = num(slotRow?.taken);
  return {
    generatedAt: new Date(now).toISOString(),
    bookings: { confirmed: count("confirmed"), cancelled: count("cancelled") },
    slots: { count: num(slotRow?.count), seats, taken },
    fillRate: seats ? taken / seats : 0,
    students: { total: num(studentRow?.total), withBooking: num(withRow?.n), deprioritized: num(studentRow?.dep) },
    attempts: { total, byCode },
    responseTimeMs: { p50: pct(6), p95: pct(7), max: pct(8) },
    perMinute: rows<{ minute: string; bookings: number; attempts: number }>(5).map((r) => ({ minute: r.minute, bookings: num(r.bookings), attempts: num(r.attempts) })),
  };
}
