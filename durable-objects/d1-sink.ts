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

/** An attempt row as D1 takes it (a Parcel's `attempts` holds a JSON array of these). */
export type PackedAttempt = ReturnType<typeof packAttempt>;

export interface D1Writer {
  /** One transaction: JSON arrays of packed rows (Parcel's shapes; "[]" for none). */
  write(bookingsJson: string, attemptsJson: string): Promise<void>;
}

const cols = (n: number) => Array.from({ length: n }, (_, i) => `json_extract(value, '$[${i}]')`).join(", ");

// Rows travel as one JSON parameter per kind, unpacked once by SQLite's json_each into a staging
// table (staged_bookings, staged_attempts: worker/db/schema.ts) that the batch's other statements
// read and its last statement empties, all in the batch's one transaction. A batch costs a few
// statements whatever its size (D1's 100-parameters-per-statement limit never applies), and the
// array crosses D1's wire and parser once, not once per statement (it was bound three times for
// attempts; measured in bench/README.md, "The herd's pace, D1 statements").
// Attendance is never written here: it is the day's record (the recruiter's or the office's), kept
// through any later status change. `origin` is inserted, never updated: fixed when the booking is made.
const BOOKING_COLUMNS = "id, event_id, slot_id, student_id, company_id, starts_at, ends_at, phase, status, created_at, updated_at, cancelled_at, cancel_reason, cancelled_by, origin";
const STAGE_BOOKINGS = `INSERT INTO staged_bookings (${BOOKING_COLUMNS}) SELECT ${cols(15)} FROM json_each(?1)`;
const UPSERT = `INSERT INTO bookings (${BOOKING_COLUMNS})
  SELECT ${BOOKING_COLUMNS} FROM staged_bookings WHERE true ORDER BY rowid
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, cancelled_at = excluded.cancelled_at, cancel_reason = excluded.cancel_reason,
    cancelled_by = excluded.cancelled_by`;
const UPSERT_BOOKINGS = `${UPSERT} WHERE bookings.status <> 'cancelled' AND excluded.updated_at >= bookings.updated_at`;
// The catalogue reads `taken` from the slot row (O(1)); recount it from the record it summarises.
const RECOUNT_TAKEN = `UPDATE slots SET taken = (SELECT count(*) FROM bookings b WHERE b.slot_id = slots.id AND b.status = 'confirmed')
  WHERE id IN (SELECT slot_id FROM staged_bookings)`;
const CLEAR_BOOKINGS = "DELETE FROM staged_bookings";

const ATTEMPT_COLUMNS = "id, event_id, student_id, slot_id, success, error_code, error_message, response_time_ms, attempted_at";
export const STAGE_ATTEMPTS = `INSERT INTO staged_attempts (${ATTEMPT_COLUMNS}, bucket) SELECT ${cols(10)} FROM json_each(?1)`;
// The monitor's aggregate (worker/lib/metrics.ts), counting only attempts D1 does not hold yet:
// it runs before their insert, in the same transaction, so a batch written twice counts once.
export const COUNT_ATTEMPTS = `INSERT INTO attempt_stats (event_id, minute, code, bucket, attempts, ms_max)
  SELECT event_id, substr(attempted_at, 1, 16), coalesce(error_code, 'ok'), bucket, count(*), max(response_time_ms)
  FROM staged_attempts s WHERE NOT EXISTS (SELECT 1 FROM booking_attempts a WHERE a.id = s.id)
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (event_id, minute, code, bucket) DO UPDATE SET attempts = attempts + excluded.attempts, ms_max = max(ms_max, excluded.ms_max)`;
export const INSERT_ATTEMPTS = `INSERT INTO booking_attempts (${ATTEMPT_COLUMNS})
  SELECT ${ATTEMPT_COLUMNS} FROM staged_attempts WHERE true
  ON CONFLICT (id) DO NOTHING`;
// #15: the students of each event (the day's metrics), noted as their attempts arrive: idempotent,
// so a batch written twice changes nothing.
export const NOTE_STUDENTS = `INSERT INTO event_students (event_id, student_id)
  SELECT event_id, student_id FROM staged_attempts WHERE true
  ON CONFLICT DO NOTHING`;
export const CLEAR_ATTEMPTS = "DELETE FROM staged_attempts";

export class D1Sink implements D1Writer {
  private readonly d1: D1Database;
  constructor(d1: D1Database) {
    this.d1 = d1;
  }

  async write(bookingsJson: string, attemptsJson: string): Promise<void> {
    const stmts: D1PreparedStatement[] = [];
    if (bookingsJson !== "[]") stmts.push(...this.staged(STAGE_BOOKINGS, bookingsJson, [UPSERT_BOOKINGS, RECOUNT_TAKEN], CLEAR_BOOKINGS));
    if (attemptsJson !== "[]") stmts.push(...this.staged(STAGE_ATTEMPTS, attemptsJson, [COUNT_ATTEMPTS, INSERT_ATTEMPTS, NOTE_STUDENTS], CLEAR_ATTEMPTS));
    if (stmts.length) await this.d1.batch(stmts);
  }

  /** Reconcile's repair: the objects' state wins over whatever D1 holds, even a cancellation. */
  async overwrite(rows: BookingRow[]): Promise<void> {
    if (!rows.length) return;
    await this.d1.batch(this.staged(STAGE_BOOKINGS, JSON.stringify(rows.map(packBooking)), [UPSERT, RECOUNT_TAKEN], CLEAR_BOOKINGS));
  }

  /** The JSON staged once, the statements reading the staged rows, the staging emptied: one batch's part. */
  private staged(stage: string, json: string, reads: string[], clear: string): D1PreparedStatement[] {
    return [this.d1.prepare(stage).bind(json), ...reads.map((q) => this.d1.prepare(q)), this.d1.prepare(clear)];
  }
}
