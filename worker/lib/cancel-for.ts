// A booking cancelled on its student's behalf (the office at the desk, the recruiter releasing a
// seat, a withdrawal): through the student's StudentDO and its SlotDO like any cancellation, so
// the seat and the caps are freed exactly; then audited and the student told.
import type { Booking, CancelledBy } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import type { AuthUser } from "../env.ts";
import { auditStmt } from "./audit.ts";
import type { BookingRecord } from "./booking-records.ts";
import { ApiError } from "./errors.ts";
import { noticeToStudent } from "./notify.ts";
import { callDo, studentStub } from "./student-stub.ts";

export async function cancelOnBehalf(
  db: Db,
  env: Env,
  actor: AuthUser,
  o: { booking: BookingRecord; companyName: string; by: Exclude<CancelledBy, "student" | "move">; reason: string },
): Promise<Booking> {
  const b = o.booking;
  const out = await callDo(async () => await studentStub(env, b.eventId, b.studentId).cancelFor({ eventId: b.eventId, studentId: b.studentId, bookingId: b.id, by: o.by, reason: o.reason }));
  if (!out.ok) throw new ApiError(out.code, out.message, out.details);
  await auditStmt(db, actor, {
    action: o.by === "recruiter" ? "booking.release" : "booking.cancel",
    eventId: b.eventId,
    targetType: "booking",
    targetId: b.id,
    before: { status: b.status, slotId: b.slotId, studentId: b.studentId },
    after: { status: "cancelled", by: o.by, reason: o.reason },
  });
  noticeToStudent({ studentId: b.studentId, bookingId: b.id, companyName: o.companyName, startsAt: b.startsAt, by: o.by, reason: o.reason });
  return { ...out.booking, attendance: b.attendance };
}
