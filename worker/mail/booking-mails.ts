// Booking confirmed / cancelled mails, triggered from the durable side once the booking is in D1
// (never on the booking path): the recorder's D1 write (`mailingSink`) queues the states it wrote
// as one message (`BookingStates`, the packed rows as they came), so a failure to queue them fails
// that write, which the students send again (the writes are idempotent, the mails deduplicated by
// `booking:<id>:<status>`). Nothing is lost, nothing doubled. The queue's consumer composes the
// mails (`bookingMailsEach`): one D1 read of the facts for its whole batch of messages, where
// composing them in the recorder read D1 once per write and queued one message per mail.
//
// A cancellation says who made it (`cancelled_by`, #15): the student's own gets the plain
// "cancelled" mail; the office's or a recruiter's, and an office move, the "changed" mail with the
// reason; a withdrawal the "company withdrawn" mail. Each is still the booking's one cancellation
// mail (same dedupe key), sent with the record, so it is as durable as the cancellation itself.
import { type BookingRow, type D1Writer, packBooking, unpackBookings } from "../../durable-objects/d1-sink.ts";
import type { Lang } from "../domain/contract.ts";
import { enqueueMail } from "./enqueue.ts";
import type { BookingStates, Interview, Mail, MailData } from "./types.ts";

const inList = (n: number) => Array.from({ length: n }, (_, i) => `?${i + 1}`).join(", ");

export interface Facts {
  users: Map<string, { email: string; fullName: string; lang: Lang }>;
  companies: Map<string, { name: string; booth: string | null }>;
  events: Map<string, { name: string; timeZone: string }>;
  /** The new interview of each booking the office moved, by the old booking's id (when D1 has it). */
  movedTo: Map<string, Interview>;
}

/**
 * The booking a move created, for the old one: the student's latest booking created before the old
 * one was cancelled (StudentDO.move takes the new seat, then cancels the old), within a minute of it.
 * The outbox delivers a student's records oldest change first, so D1 has it by now; if not, the
 * mail points to the schedule instead.
 */
const MOVED_TO = `SELECT b.starts_at, b.ends_at, c.name, c.booth FROM bookings b JOIN companies c ON c.id = b.company_id
  WHERE b.event_id = ?1 AND b.student_id = ?2 AND b.id <> ?3 AND b.created_at <= ?4 AND b.created_at >= ?5
  ORDER BY b.created_at DESC LIMIT 1`;
const MOVE_WINDOW_MS = 60_000;

/** An erased student has no address any more: nothing to tell them. */
export const erased = (email: string) => email.endsWith("@erased.invalid");

/**
 * Who and what the mails about these students, companies and events name (the booking mails', the
 * draw's); with `moves`, the new interview of each booking the office moved.
 */
export async function mailFacts(d1: D1Database, ids: { students: string[]; companies: string[]; events: string[] }, moves: BookingRow[] = []): Promise<Facts> {
  const [u, c, e] = [[...new Set(ids.students)], [...new Set(ids.companies)], [...new Set(ids.events)]];
  const [users, companies, events, ...moved] = await d1.batch<Record<string, string>>([
    d1.prepare(`SELECT id, email, full_name, lang FROM users WHERE id IN (SELECT value FROM json_each(?1))`).bind(JSON.stringify(u)),
    d1.prepare(`SELECT id, name, booth FROM companies WHERE id IN (SELECT value FROM json_each(?1))`).bind(JSON.stringify(c)),
    d1.prepare(`SELECT id, name, time_zone FROM events WHERE id IN (${inList(e.length)})`).bind(...e),
    ...moves.map((b) => d1.prepare(MOVED_TO).bind(b.eventId, b.studentId, b.id, b.cancelledAt, new Date(Date.parse(b.cancelledAt!) - MOVE_WINDOW_MS).toISOString())),
  ]);
  return {
    users: new Map((users?.results ?? []).map((r) => [r.id!, { email: r.email!, fullName: r.full_name!, lang: r.lang === "en" ? "en" : "fr" }])),
    companies: new Map((companies?.results ?? []).map((r) => [r.id!, { name: r.name!, booth: r.booth ?? null }])),
    events: new Map((events?.results ?? []).map((r) => [r.id!, { name: r.name!, timeZone: r.time_zone! }])),
    movedTo: new Map(
      moves.flatMap((b, i) => {
        const r = moved[i]?.results[0];
        return r ? [[b.id!, { companyName: r.name!, startsAt: r.starts_at!, endsAt: r.ends_at!, booth: r.booth ?? null }] as const] : [];
      }),
    ),
  };
}

/**
 * The bookings a draw made, among these: the draw's results mail confirms them all at once (one
 * mail and one .ics per student, worker/mail/draw-mails.ts), so they get no mail each. D1 has the
 * draw's entries before its bookings exist (the draw publishes, then books). A booking the office
 * later moves to another slot keeps its origin but is on no won entry: it is confirmed as usual.
 */
const MADE_BY_A_DRAW = `SELECT e.event_id, e.student_id, e.slot_id FROM json_each(?1) j
  JOIN draw_entries e ON e.event_id = json_extract(j.value, '$[0]') AND e.phase IN (1, 2) AND e.student_id = json_extract(j.value, '$[1]')
  WHERE e.outcome = 'won' AND e.slot_id = json_extract(j.value, '$[2]')`;
const drawKey = (eventId: string, studentId: string, slotId: string) => `${eventId} ${studentId} ${slotId}`;

/** Keys (drawKey) of the confirmed bookings here that a draw made: one indexed lookup each (the phases are 1 and 2). */
async function madeByADraw(d1: D1Database, rows: BookingRow[]): Promise<Set<string>> {
  const drawn = rows.filter((b) => b.status === "confirmed" && b.origin === "draw");
  if (!drawn.length) return new Set();
  const found = await d1
    .prepare(MADE_BY_A_DRAW)
    .bind(JSON.stringify(drawn.map((b) => [b.eventId, b.studentId, b.slotId])))
    .all<{ event_id: string; student_id: string; slot_id: string }>();
  return new Set(found.results.map((r) => drawKey(r.event_id, r.student_id, r.slot_id)));
}

/**
 * The mails for each group of booking states (a queue message's): one per booking's last state in
 * its group (a draw's bookings excepted), the facts of all groups read in one go.
 */
export async function bookingMailsEach(d1: D1Database, appUrl: string, groups: readonly (readonly BookingRow[])[]): Promise<Mail[][]> {
  const latest = groups.map((states) => {
    const last = new Map<string, BookingRow>();
    for (const r of states) last.set(r.id!, r);
    return [...last.values()];
  });
  const drawMade = await madeByADraw(d1, latest.flat());
  const mailed = latest.map((g) => g.filter((b) => b.status !== "confirmed" || !drawMade.has(drawKey(b.eventId, b.studentId, b.slotId))));
  const rows = mailed.flat();
  if (!rows.length) return groups.map(() => []);
  const moves = rows.filter((b) => b.status === "cancelled" && b.cancelledBy === "move" && b.cancelledAt);
  const f = await mailFacts(d1, { students: rows.map((b) => b.studentId), companies: rows.map((b) => b.companyId), events: rows.map((b) => b.eventId) }, moves);
  return mailed.map((g) => composeBookingMails(g, f, appUrl));
}

function composeBookingMails(rows: BookingRow[], f: Facts, appUrl: string): Mail[] {
  const mails: Mail[] = [];
  for (const b of rows) {
    const user = f.users.get(b.studentId);
    const company = f.companies.get(b.companyId);
    const event = f.events.get(b.eventId);
    if (!user || !company || !event || erased(user.email)) continue;
    const data = {
      name: user.fullName,
      eventName: event.name,
      timeZone: event.timeZone,
      bookingId: b.id,
      interview: { companyName: company.name, startsAt: b.startsAt, endsAt: b.endsAt, booth: company.booth },
      link: `${appUrl}/schedule`,
    };
    const to = { to: user.email, lang: user.lang };
    mails.push(
      b.status === "confirmed"
        ? { kind: "booking_confirmed", ...to, data, dedupeKey: `booking:${b.id}:confirmed` }
        : { ...noticeToStudent(b, data, f.movedTo.get(b.id!) ?? null), ...to, dedupeKey: `booking:${b.id}:cancelled` },
    );
  }
  return mails;
}

type BookingData = MailData["booking_cancelled"];
type Notice = { [K in "booking_cancelled" | "booking_changed" | "company_withdrawn"]: { kind: K; data: MailData[K] } }[
  "booking_cancelled" | "booking_changed" | "company_withdrawn"
];

/** The cancellation mail that tells the student who cancelled, and why when it was not them. */
function noticeToStudent(b: BookingRow, data: BookingData, movedTo: Interview | null): Notice {
  const reason = b.cancelReason ?? "";
  switch (b.cancelledBy) {
    case "office":
    case "recruiter":
      return { kind: "booking_changed", data: { ...data, change: "cancelled", by: b.cancelledBy, reason, movedTo: null } };
    case "move":
      return { kind: "booking_changed", data: { ...data, change: "moved", by: "office", reason, movedTo } };
    case "withdrawal": {
      const { bookingId: _, interview, ...rest } = data;
      return { kind: "company_withdrawn", data: { ...rest, companyName: interview.companyName, interviews: [interview] } };
    }
    default:
      return { kind: "booking_cancelled", data };
  }
}

/** A queue message carries at most 128 KB: states beyond this many characters go in several. */
const STATES_CHARS = 96 * 1024;

/** The queue messages these packed booking states travel in (one, unless they are many). */
export function bookingStatesMessages(bookingsJson: string): BookingStates[] {
  if (bookingsJson.length <= STATES_CHARS) return [{ kind: "booking_states", bookings: bookingsJson }];
  const rows = unpackBookings(bookingsJson);
  const per = Math.max(1, Math.floor((rows.length * STATES_CHARS) / bookingsJson.length));
  const out: BookingStates[] = [];
  for (let i = 0; i < rows.length; i += per) out.push({ kind: "booking_states", bookings: JSON.stringify(rows.slice(i, i + per).map(packBooking)) });
  return out;
}

/** The recorder's D1 writer, followed by the queue message of the booking states it wrote (their mails). */
export const mailingSink = (inner: D1Writer, env: Env): D1Writer => ({
  async write(bookingsJson, attemptsJson) {
    await inner.write(bookingsJson, attemptsJson);
    if (bookingsJson === "[]") return;
    for (const body of bookingStatesMessages(bookingsJson)) await enqueueMail(env, body);
  },
});
