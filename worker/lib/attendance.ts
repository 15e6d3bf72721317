// Attendance on the day: recorded on the booking's D1 row by a recruiter (their company's bookings
// only) or the office, audited with before/after. The outbox never writes these columns, so a
// later status change of the booking keeps them.
import { and, eq } from "drizzle-orm";
import type { Attendance, Booking } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import { bookings } from "../db/schema.ts";
import type { AuthUser } from "../env.ts";
import { auditStmt } from "./audit.ts";
import { toBooking } from "./booking-records.ts";
import { notFound } from "./errors.ts";

export async function recordAttendance(
  db: Db,
  actor: AuthUser,
  o: { eventId: string; bookingId: string; status: Attendance; companyId: string | null; via: "qr" | "list" | "desk" },
): Promise<Booking> {
  const where = and(
    eq(bookings.id, o.bookingId),
    eq(bookings.eventId, o.eventId),
    eq(bookings.status, "confirmed"),
    o.companyId === null ? undefined : eq(bookings.companyId, o.companyId),
  );
  const row = await db.query.bookings.findFirst({ where });
  // Another company's booking is as unknown as a missing one.
  if (!row) throw notFound("No confirmed booking with this id for you at this event.");
  const checkedInAt = new Date().toISOString();
  const [[after]] = await db.batch([
    db.update(bookings).set({ attendance: o.status, checkedInAt, checkedInBy: actor.id }).where(where).returning(),
    auditStmt(db, actor, {
      action: "booking.attendance",
      eventId: o.eventId,
      targetType: "booking",
      targetId: o.bookingId,
      before: { attendance: row.attendance, checkedInAt: row.checkedInAt },
      after: { attendance: o.status, checkedInAt, via: o.via },
    }),
  ]);
  if (!after) throw notFound("No confirmed booking with this id for you at this event.");
  return toBooking(after);
}
