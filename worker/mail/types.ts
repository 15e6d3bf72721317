// What travels on the mail queue: the kind of message, who gets it, in which language, the facts
// the template needs, and a dedupe key (one send per key, ever: worker/mail/consumer.ts).
import type { Lang } from "../domain/contract.ts";

export interface Interview {
  companyName: string;
  startsAt: string;
  endsAt: string;
  /** The company's booth or room, when it has one. */
  booth?: string | null;
  /** The booking, when the mail carries its calendar entry (the .ics UID, the same in every mail). */
  bookingId?: string;
}

export interface MailData {
  verify: { name: string; link: string };
  account_exists: { name: string; loginLink: string; resetLink: string };
  reset: { name: string; link: string };
  invitation: { companyName: string; link: string; expiresAt: string };
  booking_confirmed: { name: string; eventName: string; timeZone: string; bookingId: string; interview: Interview; link: string };
  booking_cancelled: { name: string; eventName: string; timeZone: string; bookingId: string; interview: Interview; link: string };
  draw_results: { name: string; eventName: string; timeZone: string; interviews: Interview[]; unmatched: number; link: string };
  phase_reminder: { name: string; eventName: string; timeZone: string; phase: 1 | 2; opensAt: string; link: string };
  interview_reminder: { name: string; eventName: string; timeZone: string; interviews: Interview[]; link: string };
  company_withdrawn: { name: string; eventName: string; timeZone: string; companyName: string; interviews: Interview[]; link: string };
  /** A booking cancelled by the career office or the company's recruiter, or moved by the office (`movedTo`: the new interview, when known). */
  booking_changed: {
    name: string;
    eventName: string;
    timeZone: string;
    bookingId: string;
    interview: Interview;
    change: "cancelled" | "moved";
    by: "office" | "recruiter";
    reason: string;
    movedTo: Interview | null;
    link: string;
  };
}

export type MailKind = keyof MailData;

export type Mail = { [K in MailKind]: { kind: K; to: string; lang: Lang; data: MailData[K]; dedupeKey: string } }[MailKind];

/**
 * Booking states the recorder wrote to D1 (a packed JSON array, d1-sink.ts), whose mails the
 * consumer composes (worker/mail/booking-mails.ts): one message for all of a write's states.
 */
export interface BookingStates {
  kind: "booking_states";
  bookings: string;
}

/** What travels on the mail queue: a mail, or booking states to mail about. */
export type QueuedMail = Mail | BookingStates;

export interface Attachment {
  filename: string;
  type: string;
  content: string;
}

export interface Rendered {
  subject: string;
  text: string;
  links: string[];
  attachments: Attachment[];
}
