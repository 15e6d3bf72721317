// Telling a student their booking was cancelled or moved by someone else. The accounts issue (#12)
// brings the mail queue; until it is merged this is the one call site its `enqueueMail` replaces,
// and the structured log line is what the office can see.
import type { CancelledBy } from "../domain/contract.ts";

export interface BookingNotice {
  studentId: string;
  bookingId: string;
  companyName: string;
  startsAt: string;
  by: CancelledBy;
  reason: string;
  /** The new booking, for a move. */
  movedTo?: { bookingId: string; startsAt: string; companyName: string };
}

export function noticeToStudent(n: BookingNotice): void {
  console.log(JSON.stringify({ level: "info", msg: n.movedTo ? "booking moved: student to be told" : "booking cancelled: student to be told", ...n }));
}
