// Bookings as D1 records them (the outbox's copy of the StudentDOs, plus the day's attendance),
// in the contract's shapes.
import type { Booking, DeskBooking } from "../domain/contract.ts";
import type { bookings } from "../db/schema.ts";

export type BookingRecord = typeof bookings.$inferSelect;

export const toBooking = (r: BookingRecord): Booking => ({
  id: r.id,
  slotId: r.slotId,
  companyId: r.companyId,
  startsAt: r.startsAt,
  endsAt: r.endsAt,
  phase: r.phase === 1 ? 1 : 2,
  status: r.status,
  attendance: r.attendance,
  origin: r.origin,
});

export const toDeskBooking = (r: BookingRecord, companyName: string): DeskBooking => ({
  ...toBooking(r),
  studentId: r.studentId,
  companyName,
  cancelledAt: r.cancelledAt,
  cancelledBy: r.cancelledBy,
  cancelReason: r.cancelReason,
  checkedInAt: r.checkedInAt,
});
