// The student's schedule as an iCalendar file (RFC 5545), built in the browser.
import type { ScheduleEntry } from "../../../worker/domain/contract.ts";

const stamp = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d+/, "");
const text = (s: string) => s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, "\\n");

export function scheduleIcs(list: ScheduleEntry[], eventName: string, title: (company: string) => string): string {
  const now = stamp(new Date().toISOString());
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//INF//Booking//FR", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", `X-WR-CALNAME:${text(eventName)}`];
  for (const b of list)
    lines.push(
      "BEGIN:VEVENT",
      `UID:${b.id}@inf-booking`,
      `DTSTAMP:${now}`,
      `DTSTART:${stamp(b.startsAt)}`,
      `DTEND:${stamp(b.endsAt)}`,
      `SUMMARY:${text(title(b.companyName))}`,
      ...(b.booth ? [`LOCATION:${text(`${b.booth} · ${eventName}`)}`] : []),
      `DESCRIPTION:${text(b.note ? `${eventName}\n${b.note}` : eventName)}`,
      "END:VEVENT",
    );
  lines.push("END:VCALENDAR");
  return lines.join("\r\n") + "\r\n";
}
