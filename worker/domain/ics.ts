// iCalendar files (RFC 5545): the student's schedule downloaded from the site, and the invitation
// attached to a booking-confirmed mail. Pure, imported by worker/ and web/.

export interface IcsEntry {
  uid: string;
  startsAt: string;
  endsAt: string;
  summary: string;
  description?: string;
  /** The booth or room, when the company has one. */
  location?: string | null;
}

const stamp = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d+/, "");
const text = (s: string) => s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, "\\n");

export function icsCalendar(calendarName: string, entries: readonly IcsEntry[], now = new Date().toISOString()): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//INF//Booking//FR", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", `X-WR-CALNAME:${text(calendarName)}`];
  for (const e of entries)
    lines.push(
      "BEGIN:VEVENT",
      `UID:${e.uid}@inf-booking`,
      `DTSTAMP:${stamp(now)}`,
      `DTSTART:${stamp(e.startsAt)}`,
      `DTEND:${stamp(e.endsAt)}`,
      `SUMMARY:${text(e.summary)}`,
      `DESCRIPTION:${text(e.description ?? calendarName)}`,
      ...(e.location ? [`LOCATION:${text(e.location)}`] : []),
      "END:VEVENT",
    );
  lines.push("END:VCALENDAR");
  return lines.join("\r\n") + "\r\n";
}
