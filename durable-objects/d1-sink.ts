// Where StudentDO's outbox lands: D1, in one batch (one transaction) per flush. Every statement is
// idempotent (upsert by booking id, insert-or-ignore by attempt id), so a retried flush after a lost
// answer never doubles a row.
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { BatchItem } from "drizzle-orm/batch";
import { bookingAttempts, bookings, slots } from "../worker/db/schema.ts";

export type BookingRow = typeof bookings.$inferInsert;
export type AttemptRow = typeof bookingAttempts.$inferInsert;

export type OutboxRecord = { kind: "booking"; row: BookingRow } | { kind: "attempt"; row: AttemptRow };

export interface OutboxSink {
  write(records: readonly OutboxRecord[]): Promise<void>;
}

/** D1 binds at most 100 parameters per statement: rows per multi-row INSERT. */
const BOOKING_ROWS_PER_STMT = Math.floor(100 / 13);
const ATTEMPT_ROWS_PER_STMT = Math.floor(100 / 9);

export class D1Sink implements OutboxSink {
  private readonly db;

  constructor(d1: D1Database) {
    this.db = drizzle(d1);
  }

  /**
   * One D1 batch (one transaction) for any number of records: multi-row inserts, in order. The
   * same booking may appear twice (confirmed, then cancelled): only its last state is written.
   */
  async write(records: readonly OutboxRecord[]): Promise<void> {
    const db = this.db;
    const stmts: BatchItem<"sqlite">[] = [];
    const lastOf = new Map<string, BookingRow>();
    const attempts: AttemptRow[] = [];
    for (const r of records) {
      if (r.kind === "booking") {
        lastOf.delete(r.row.id);
        lastOf.set(r.row.id, r.row);
      } else attempts.push(r.row);
    }
    const bookingRows = [...lastOf.values()];
    for (let i = 0; i < bookingRows.length; i += BOOKING_ROWS_PER_STMT)
      stmts.push(
        db
          .insert(bookings)
          .values(bookingRows.slice(i, i + BOOKING_ROWS_PER_STMT))
          .onConflictDoUpdate({
            target: bookings.id,
            set: {
              status: sql`excluded.status`,
              updatedAt: sql`excluded.updated_at`,
              cancelledAt: sql`excluded.cancelled_at`,
              cancelReason: sql`excluded.cancel_reason`,
            },
          }),
      );
    for (let i = 0; i < attempts.length; i += ATTEMPT_ROWS_PER_STMT)
      stmts.push(db.insert(bookingAttempts).values(attempts.slice(i, i + ATTEMPT_ROWS_PER_STMT)).onConflictDoNothing());
    // The catalogue reads `taken` from the slot row (O(1)); recount it from the record it summarises.
    for (const slotId of new Set(bookingRows.map((b) => b.slotId)))
      stmts.push(
        db
          .update(slots)
          .set({
            taken: sql`(SELECT count(*) FROM ${bookings} WHERE ${bookings.slotId} = ${slotId} AND ${bookings.status} = 'confirmed')`,
          })
          .where(eq(slots.id, slotId)),
      );
    const [first, ...rest] = stmts;
    if (first) await db.batch([first, ...rest]);
  }
}
