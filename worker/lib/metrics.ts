// The live numbers of the career office's monitoring page, all read from D1 in one batch.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";

export interface Metrics {
  generatedAt: string;
  bookings: { confirmed: number; cancelled: number };
  slots: { count: number; seats: number; taken: number };
  fillRate: number;
  students: { total: number; withBooking: number; deprioritized: number };
  attempts: { total: number; byCode: Record<string, number> };
  responseTimeMs: { p50: number | null; p95: number | null; max: number | null };
  perMinute: { minute: string; bookings: number; attempts: number }[];
}

const num = (v: unknown) => Number(v ?? 0);

export async function eventMetrics(db: Db, eventId: string, now = Date.now()): Promise<Metrics> {
  const since = new Date(now - 60 * 60_000).toISOString();
  const [bookingRows, slotRow, studentRow, withRow, codeRows, minuteRows] = await db.batch([
    db.all<{ status: string; n: number }>(sql`SELECT status, count(*) AS n FROM bookings WHERE event_id = ${eventId} GROUP BY status`),
    db.get<{ count: number; seats: number; taken: number }>(
      sql`SELECT count(*) AS count, coalesce(sum(capacity), 0) AS seats, coalesce(sum(min(taken, capacity)), 0) AS taken FROM slots WHERE event_id = ${eventId}`,
    ),
    db.get<{ total: number; dep: number }>(sql`SELECT count(*) AS total, coalesce(sum(deprioritized), 0) AS dep FROM users WHERE role = 'student'`),
    db.get<{ n: number }>(sql`SELECT count(DISTINCT student_id) AS n FROM bookings WHERE event_id = ${eventId} AND status = 'confirmed'`),
    db.all<{ code: string; n: number }>(
      sql`SELECT coalesce(error_code, 'ok') AS code, count(*) AS n FROM booking_attempts WHERE event_id = ${eventId} GROUP BY 1 ORDER BY 2 DESC`,
    ),
    db.all<{ minute: string; bookings: number; attempts: number }>(sql`
      SELECT minute, sum(b) AS bookings, sum(a) AS attempts FROM (
        SELECT substr(created_at, 1, 16) AS minute, 1 AS b, 0 AS a FROM bookings WHERE event_id = ${eventId} AND created_at >= ${since}
        UNION ALL
        SELECT substr(attempted_at, 1, 16), 0, 1 FROM booking_attempts WHERE event_id = ${eventId} AND attempted_at >= ${since}
      ) GROUP BY minute ORDER BY minute`),
  ]);
  const byCode = Object.fromEntries(codeRows.map((r) => [r.code, num(r.n)]));
  const total = Object.values(byCode).reduce((a, b) => a + b, 0);
  const percentile = async (p: number) => {
    if (!total) return null;
    const offset = Math.min(total - 1, Math.floor(p * total));
    const row = await db.get<{ v: number }>(
      sql`SELECT response_time_ms AS v FROM booking_attempts WHERE event_id = ${eventId} ORDER BY response_time_ms LIMIT 1 OFFSET ${offset}`,
    );
    return row ? num(row.v) : null;
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
    responseTimeMs: { p50: await percentile(0.5), p95: await percentile(0.95), max: await percentile(1) },
    perMinute: minuteRows.map((r) => ({ minute: r.minute, bookings: num(r.bookings), attempts: num(r.attempts) })),
  };
}
