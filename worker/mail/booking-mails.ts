// Booking confirmed / cancelled mails, triggered from the durable side once the booking is in D1
// (never on the booking path): `notifyBookings` runs inside the recorder's D1 write (`mailingSink`),
// so a failure to queue them fails that write, which the students send again (the writes are
// idempotent, the mails deduplicated by `booking:<id>:<status>`). Nothing is lost, nothing doubled.
import { type BookingRow, type D1Writer, unpackBookings } from "../../durable-objects/d1-sink.ts";
import type { Lang } from "../domain/contract.ts";
import { enqueueMails } from "./enqueue.ts";
import type { Mail } from "./types.ts";

const inList = (n: number) => Array.from({ length: n }, (_, i) => `?${i + 1}`).join(", ");

interface Facts {
  users: Map<string, { email: string; fullName: string; lang: Lang }>;
  companies: Map<string, { name: string; booth: string | null }>;
  events: Map<string, { name: string; timeZone: string }>;
}

async function factsOf(d1: D1Database, rows: BookingRow[]): Promise<Facts> {
  const ids = (f: (b: BookingRow) => string) => [...new Set(rows.map(f))];
  const [u, c, e] = [ids((b) => b.studentId), ids((b) => b.companyId), ids((b) => b.eventId)];
  const [users, companies, events] = await d1.batch<Record<string, string>>([
    d1.prepare(`SELECT id, email, full_name, lang FROM users WHERE id IN (SELECT value FROM json_each(?1))`).bind(JSON.stringify(u)),
    // The booth (#15) joins here when companies have one.
    d1.prepare(`SELECT id, name FROM companies WHERE id IN (SELECT value FROM json_each(?1))`).bind(JSON.stringify(c)),
    d1.prepare(`SELECT id, name, time_zone FROM events WHERE id IN (${inList(e.length)})`).bind(...e),
  ]);
  return {
    users: new Map((users?.results ?? []).map((r) => [r.id!, { email: r.email!, fullName: r.full_name!, lang: r.lang === "en" ? "en" : "fr" }])),
    companies: new Map((companies?.results ?? []).map((r) => [r.id!, { name: r.name!, booth: r.booth ?? null }])),
    events: new Map((events?.results ?? []).map((r) => [r.id!, { name: r.name!, timeZone: r.time_zone! }])),
  };
}

/** The mails for these booking states: one per booking's last state in the batch. */
export async function bookingMails(d1: D1Database, appUrl: string, states: readonly BookingRow[]): Promise<Mail[]> {
  const last = new Map<string, BookingRow>();
  for (const r of states) last.set(r.id!, r);
  const rows = [...last.values()];
  if (!rows.length) return [];
  const f = await factsOf(d1, rows);
  const mails: Mail[] = [];
  for (const b of rows) {
    const user = f.users.get(b.studentId);
    const company = f.companies.get(b.companyId);
    const event = f.events.get(b.eventId);
    // An erased student has no address any more; nothing to tell.
    if (!user || !company || !event || user.email.endsWith("@erased.invalid")) continue;
    const data = {
      name: user.fullName,
      eventName: event.name,
      timeZone: event.timeZone,
      bookingId: b.id,
      interview: { companyName: company.name, startsAt: b.startsAt, endsAt: b.endsAt, booth: company.booth },
      link: `${appUrl}/schedule`,
    };
    mails.push(
      b.status === "confirmed"
        ? { kind: "booking_confirmed", to: user.email, lang: user.lang, data, dedupeKey: `booking:${b.id}:confirmed` }
        : { kind: "booking_cancelled", to: user.email, lang: user.lang, data, dedupeKey: `booking:${b.id}:cancelled` },
    );
  }
  return mails;
}

export async function notifyBookings(env: Env, states: readonly BookingRow[]): Promise<void> {
  await enqueueMails(env, await bookingMails(env.DB, env.APP_URL, states));
}

/** The recorder's D1 writer, followed by the booking mails of what it wrote. */
export const mailingSink = (inner: D1Writer, env: Env): D1Writer => ({
  async write(bookingsJson, attemptsJson) {
    await inner.write(bookingsJson, attemptsJson);
    if (bookingsJson !== "[]") await notifyBookings(env, unpackBookings(bookingsJson));
  },
});
