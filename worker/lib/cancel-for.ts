// A booking cancelled on its student's behalf (the office at the desk, the recruiter releasing a
// seat): through the student's StudentDO and its SlotDO like any cancellation, so the seat and the
// caps are freed exactly; then audited. The student is told by mail once D1 holds the cancellation
// (the recorder's mail hook, worker/mail/booking-mails.ts), with who cancelled and why.
//
// The office's desk and the recruiter's day read D1 again right after acting: the StudentDO
// delivers what it owes before the answer (`recordedNow`), so they see what they just did.
import type { Booking } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import type { AuthUser } from "../env.ts";
import { auditStmt } from "./audit.ts";
import type { BookingRecord } from "./booking-records.ts";
import { ApiError } from "./errors.ts";
import { errorFields, logLine } from "./log.ts";
import { callObject, objectFault, studentStub } from "./objects.ts";
import { forgetFull } from "./full-slots.ts";

/**
 * Has the student's object deliver what it owes D1 now, through its outbox. Best effort: the action
 * is done either way, and if D1 or the recorder is away, the object's alarm delivers it within seconds.
 */
export async function recordedNow(env: Env, eventId: string, studentId: string): Promise<void> {
  try {
    await studentStub(env, eventId, studentId).drain();
  } catch (err) {
    logLine("warn", "StudentDO.drain after an office action failed; the alarm delivers", { fault: objectFault(err), ...errorFields(err) });
  }
}

export async function cancelOnBehalf(
  db: Db,
  env: Env,
  actor: AuthUser,
  o: { booking: BookingRecord; by: "office" | "recruiter"; reason: string },
): Promise<Booking> {
  const b = o.booking;
  const out = await callObject(async () => await studentStub(env, b.eventId, b.studentId).cancelFor({ bookingId: b.id, by: o.by, reason: o.reason }));
  if (!out.ok) throw new ApiError(out.code, out.message, out.details, { retryAfter: out.retryAfter });
  forgetFull(b.slotId);
  await recordedNow(env, b.eventId, b.studentId);
  await auditStmt(db, actor, {
    action: o.by === "recruiter" ? "booking.release" : "booking.cancel",
    eventId: b.eventId,
    targetType: "booking",
    targetId: b.id,
    before: { status: b.status, slotId: b.slotId, studentId: b.studentId },
    after: { status: "cancelled", by: o.by, reason: o.reason },
  });
  return { ...out.booking, attendance: b.attendance };
}
