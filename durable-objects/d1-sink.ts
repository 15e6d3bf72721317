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

export class D1Sink implements OutboxSink {
  constructor(private readonly d1: D1Database) {}

  async write(records: readonly OutboxRecord[]): Promise<void> {
    const db = drizzle(this.d1);
    const stmts: BatchItem<"sqlite">[] = [];
    const touchedSlots = new Set<string>();
    for (const r of records) {
      if (r.kind === "booking") {
        touchedSlots.add(r.row.slotId);
        stmts.push(
          db
            .insert(bookings)
            .values(r.row)
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
      } else stmts.push(db.insert(bookingAttempts).values(r.row).onConflictDoNothing());
    }
    // The catalogue reads `taken` from the slot row (O(1)); recount it from the record it summarises.
    for (const slotId of touchedSlots)
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
