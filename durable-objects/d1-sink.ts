// Where the outbox lands: D1, in one batch (one transaction) for any number of records. Every
// statement is idempotent and the booking upsert is monotonic (a newer `updated_at` wins, and
// `cancelled` is final), so a batch written twice, or an older state arriving after a newer one,
// leaves D1 exactly as the newest states say (test/outbox-replay.test.ts). The row types come
// from the drizzle schema; the statements are hand-written SQL because they unpack a JSON array
// (json_each), which drizzle cannot express.
import type { bookings } from "../worker/db/schema.ts";

export type BookingRow = typeof bookings.$inferInsert;

/** A booking row in the packed form a Parcel carries (api.ts), D1's column order. */
export const packBooking = (b: BookingRow) => [
  b.id, b.eventId, b.slotId, b.studentId, b.companyId, b.startsAt, b.endsAt, b.phase, b.status, b.createdAt, b.updatedAt, b.cancelledAt ?? null, b.cancelReason ?? null,
  // #15: who cancelled (the student, the office, a recruiter, a withdrawal, a move).
  b.cancelledBy ?? null,
  // #13: how the booking was made (the draw or first come, first served).
  b.origin ?? "fcfs",
];

/** The booking rows of a packed JSON array (packBooking's inverse). */
export const unpackBookings = (json: string): BookingRow[] =>
  (JSON.parse(json) as (string | number | null)[][]).map(([id, eventId, slotId, studentId, companyId, startsAt, endsAt, phase, status, createdAt, updatedAt, cancelledAt, cancelReason, cancelledBy, origin]) => ({
    id: id as string,
    eventId: eventId as string,
    slotId: slotId as string,
    studentId: studentId as string,
    companyId: companyId as string,
    startsAt: startsAt as string,
    endsAt: endsAt as string,
    phase: phase as number,
    status: status as BookingRow["status"],
    createdAt: createdAt as string,
    updatedAt: updatedAt as string,
    cancelledAt: cancelledAt as string | null,
    cancelReason: cancelReason as BookingRow["cancelReason"],
    cancelledBy: (cancelledBy ?? null) as BookingRow["cancelledBy"],
    origin: (origin ?? "fcfs") as NonNullable<BookingRow["origin"]>,
  }));

/** Upper bounds (ms) of the response-time histogram's buckets; the last one is open. */
export const LATENCY_BUCKETS_MS = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 7000, 10000, 15000, 20000, 30000] as const;

export function latencyBucket(ms: number): number {
  let i = 0;
  while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
  return i;
}

/**
 * An attempt row in the packed form a Parcel carries (api.ts), D1's column order plus the latency
 * bucket: the StudentDO's rows and the Worker's (worker/lib/refusal-rows.ts) alike.
 */
export function packAttempt(a: { id: string; eventId: string; studentId: string; slotId: string; code: string; message: string | null; receivedAt: number; answeredAt: number }) {
  const ms = Math.max(0, a.answeredAt - a.receivedAt);
  const ok = a.code === "ok";
  return [a.id, a.eventId, a.studentId, a.slotId, ok ? 1 : 0, ok ? null : a.code, a.message, ms, new Date(a.receivedAt).toISOString(), latencyBucket(ms)];
}

export interface D1Writer {
  /** One transaction: JSON arrays of packed rows (Parcel's shapes; "[]" for none). */
  write(bookingsJson: string, attemptsJson: string): Promise<void>;
}

const cols = (n: number) => Array.from({ length: n }, (_, i) => `json_extract(value, '$[${i}]')`).join(", ");

// Rows travel as one JSON parameter per statement, unpacked by SQLite's json_each: a batch costs
// a few statements whatever its size (D1's 100-parameters-per-statement limit never applies).
// Attendance is never written here: it is the day's record (the recruiter's or the office's), kept
// through any later status change. `origin` is inserted, never updated: fixed when the booking is made.
const UPSERT = `INSERT INTO bookings (id, event_id, slot_id, student_id, company_id, starts_at, ends_at, phase, status, created_at, updated_at, cancelled_at, cancel_reason, cancelled_by, origin)
  SELECT ${cols(15)} FROM json_each(?1) WHERE true
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, cancelled_at = excluded.cancelled_at, cancel_reason = excluded.cancel_reason,
    cancelled_by = excluded.cancelled_by`;
const UPSERT_BOOKINGS = `${UPSERT} WHERE bookings.status <> 'cancelled' AND excluded.updated_at >= bookings.updated_at`;
// The catalogue reads `taken` from the slot row (O(1)); recount it from the record it summarises.
const RECOUNT_TAKEN = `UPDATE slots SET taken = (SELECT count(*) FROM bookings b WHERE b.slot_id = slots.id AND b.status = 'confirmed')
  WHERE id IN (SELECT json_extract(value, '$[2]') FROM json_each(?1))`;
// The monitor's aggregate (worker/lib/metrics.ts), counting only attempts D1 does not hold yet:
// it runs before their insert, in the same transaction, so a batch written twice counts once.
export const COUNT_ATTEMPTS = `INSERT INTO attempt_stats (event_id, minute, code, bucket, attempts, ms_max)
  SELECT json_extract(value, '$[1]'), substr(json_extract(value, '$[8]'), 1, 16), coalesce(json_extract(value, '$[5]'), 'ok'), json_extract(value, '$[9]'),
    count(*), max(json_extract(value, '$[7]'))
  FROM json_each(?1) WHERE NOT EXISTS (SELECT 1 FROM booking_attempts a WHERE a.id = json_extract(value, '$[0]'))
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (event_id, minute, code, bucket) DO UPDATE SET attempts = attempts + excluded.attempts, ms_max = max(ms_max, excluded.ms_max)`;
export const INSERT_ATTEMPTS = `INSERT INTO booking_attempts (id, event_id, student_id, slot_id, success, error_code, error_message, response_time_ms, attempted_at)
  SELECT ${cols(9)} FROM json_each(?1) WHERE true
  ON CONFLICT (id) DO NOTHING`;

// #15: the students of each event (the day's metrics), noted as their attempts arrive: idempotent,
// so a batch written twice changes nothing.
export const NOTE_STUDENTS = `INSERT INTO event_students (event_id, student_id)
  SELECT json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?1) WHERE true
  ON CONFLICT DO NOTHING`;

export class D1Sink implements D1Writer {
  private readonly d1: D1Database;
  constructor(d1: D1Database) {
    this.d1 = d1;
  }

  async write(bookingsJson: string, attemptsJson: string): Promise<void> {
    const stmts: D1PreparedStatement[] = [];
    if (bookingsJson !== "[]") stmts.push(this.d1.prepare(UPSERT_BOOKINGS).bind(bookingsJson), this.d1.prepare(RECOUNT_TAKEN).bind(bookingsJson));
    if (attemptsJson !== "[]")
      stmts.push(this.d1.prepare(COUNT_ATTEMPTS).bind(attemptsJson), this.d1.prepare(INSERT_ATTEMPTS).bind(attemptsJson), this.d1.prepare(NOTE_STUDENTS).bind(attemptsJson));
    if (stmts.length) await this.d1.batch(stmts);
  }

  /** Reconcile's repair: the objects' state wins over whatever D1 holds, even a cancellation. */
  async overwrite(rows: BookingRow[]): Promise<void> {
    if (!rows.length) return;
    const json = JSON.stringify(rows.map(packBooking));
    await this.d1.batch([this.d1.prepare(UPSERT).bind(json), this.d1.prepare(RECOUNT_TAKEN).bind(json)]);
  }
}
