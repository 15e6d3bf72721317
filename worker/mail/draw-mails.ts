// The "draw results" mail (issue #13): when a phase's draw is done, each student it drew gets one
// mail with the interviews it booked for them (and one .ics with all of them) and how many of their
// wishes it could not meet. It is those bookings' confirmation: they get no mail each
// (booking-mails.ts), so a student the draw gave six interviews gets one mail, not seven. The
// DrawDO queues them before it records the draw as done, so a crash queues them again when the draw
// resumes; the dedupe key `draw:<eventId>:<phase>:<studentId>` (a draw is an event's phase) makes
// that, and every queue retry, one mail per student and draw.
import { enqueueMails } from "./enqueue.ts";
import { erased, mailFacts } from "./booking-mails.ts";
import type { Mail } from "./types.ts";

export interface DrawResult {
  studentId: string;
  /** The bookings the draw made, in time order. */
  won: { bookingId?: string; companyId: string; startsAt: string; endsAt: string }[];
  /** Wishes not met (lost at the draw's turn, or refused when booked). */
  unmatched: number;
}

export const drawMailKey = (eventId: string, phase: 1 | 2, studentId: string) => `draw:${eventId}:${phase}:${studentId}`;

export async function drawResultMails(d1: D1Database, appUrl: string, eventId: string, phase: 1 | 2, results: readonly DrawResult[]): Promise<Mail[]> {
  if (!results.length) return [];
  const f = await mailFacts(d1, { students: results.map((r) => r.studentId), companies: results.flatMap((r) => r.won.map((w) => w.companyId)), events: [eventId] });
  const event = f.events.get(eventId);
  if (!event) return [];
  const mails: Mail[] = [];
  for (const r of results) {
    const user = f.users.get(r.studentId);
    if (!user || erased(user.email)) continue;
    const interviews = r.won.map((w) => {
      const company = f.companies.get(w.companyId);
      return { companyName: company?.name ?? "", startsAt: w.startsAt, endsAt: w.endsAt, booth: company?.booth ?? null, ...(w.bookingId ? { bookingId: w.bookingId } : {}) };
    });
    mails.push({
      kind: "draw_results",
      to: user.email,
      lang: user.lang,
      data: { name: user.fullName, eventName: event.name, timeZone: event.timeZone, interviews, unmatched: r.unmatched, link: `${appUrl}/schedule` },
      dedupeKey: drawMailKey(eventId, phase, r.studentId),
    });
  }
  return mails;
}

export async function notifyDrawResults(env: Env, eventId: string, phase: 1 | 2, results: readonly DrawResult[]): Promise<void> {
  await enqueueMails(env, await drawResultMails(env.DB, env.APP_URL, eventId, phase, results));
}
