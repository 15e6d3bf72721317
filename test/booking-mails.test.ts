// Booking confirmed / cancelled mails (issue #12): queued from the recorder once the booking is in
// D1 (the recorder's sink), never on the booking path; one mail per booking state, however often
// the rows are rewritten.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type BookingRow, packBooking, unpackBookings } from "../durable-objects/d1-sink.ts";
import { bookingMailsEach } from "../worker/mail/booking-mails.ts";

/** The mails of one group of states (one queue message's). */
const bookingMails = async (d1: D1Database, appUrl: string, states: BookingRow[]) => (await bookingMailsEach(d1, appUrl, [states]))[0]!;
import { api, call, createCompany, createEvent, createSlots, createUser, drainAll, d1Bookings } from "./helpers.ts";
import { waitForMail } from "./mailbox.ts";

describe("booking mails", () => {
  it("a booking mails a confirmation with the .ics once it is in D1; a cancellation mails once more; nothing doubles", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId, { name: "Initech" });
    const [slot] = await createSlots(eventId, companyId, 1);
    const s = await createUser();
    const b = await api("POST", "/bookings", { token: s.token, body: { slotId: slot!.id } });
    expect(b.status).toBe(201);
    await drainAll(eventId, [s.id]);
    expect(await d1Bookings(eventId, "student_id = ?", s.id)).toHaveLength(1);
    const confirmed = await waitForMail(call, s.email, (m) => m.kind === "booking_confirmed");
    expect(confirmed.subject).toMatch(/Initech/);
    expect(confirmed.attachments).toEqual([{ filename: "interview.ics", type: "text/calendar", url: expect.stringMatching(/^\/api\/dev\/mail\/\d+\/attachments\/0$/) }]);
    const ics = await api("GET", confirmed.attachments[0]!.url.replace(/^\/api/, ""));
    expect(ics.status).toBe(200);
    expect(ics.headers.get("content-type")).toMatch(/^text\/calendar/);
    expect(ics.body).toContain(`UID:${b.body.booking.id}@inf-booking`);
    expect((await api("DELETE", `/bookings/${b.body.booking.id}`, { token: s.token })).status).toBe(200);
    await drainAll(eventId, [s.id]);
    await waitForMail(call, s.email, (m) => m.kind === "booking_cancelled");
    const all = (await api("GET", `/dev/mail?to=${encodeURIComponent(s.email)}`)).body.messages.map((m: { kind: string }) => m.kind);
    expect(all.sort()).toEqual(["booking_cancelled", "booking_confirmed"]);
  });

  it("one mail per booking's last state in a batch, in the student's language; the dedupe key is the booking and state", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId, { name: "Umbrella" });
    const [slot] = await createSlots(eventId, companyId, 1);
    const s = await createUser();
    await env.DB.prepare("UPDATE users SET lang = 'en' WHERE id = ?").bind(s.id).run();
    const row: BookingRow = { id: crypto.randomUUID(), eventId, slotId: slot!.id, studentId: s.id, companyId, startsAt: slot!.startsAt, endsAt: slot!.endsAt, phase: 2, status: "confirmed", createdAt: "", updatedAt: "", cancelledAt: null, cancelReason: null, cancelledBy: null, origin: "draw" };
    // The states as the recorder sees them: packed by the StudentDO, unpacked for the mails.
    const states = unpackBookings(JSON.stringify([row, { ...row, status: "cancelled" as const }].map(packBooking)));
    expect(states[1]).toEqual({ ...row, status: "cancelled" as const });
    const mails = await bookingMails(env.DB, "https://inf.example.org", states);
    expect(mails.map((m) => [m.kind, m.lang, m.to, m.dedupeKey])).toEqual([["booking_cancelled", "en", s.email, `booking:${row.id}:cancelled`]]);
  });

  it("a booking the draw made gets no mail of its own (the draw's results mail confirms it); a draw booking the office moved elsewhere does", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId, { name: "Hooli" });
    const [won, other] = await createSlots(eventId, companyId, 2);
    const s = await createUser();
    await env.DB.prepare("INSERT INTO draw_entries (event_id, phase, student_id, rank, company_id, eligible, position, outcome, slot_id) VALUES (?, 1, ?, 1, ?, 1, 1, 'won', ?)")
      .bind(eventId, s.id, companyId, won!.id)
      .run();
    const row = (slot: typeof won): BookingRow => ({ id: crypto.randomUUID(), eventId, slotId: slot!.id, studentId: s.id, companyId, startsAt: slot!.startsAt, endsAt: slot!.endsAt, phase: 1, status: "confirmed", createdAt: "", updatedAt: "", cancelledAt: null, cancelReason: null, cancelledBy: null, origin: "draw" });
    const drawn = row(won);
    const moved = row(other);
    const mails = await bookingMails(env.DB, "https://inf.example.org", [drawn, moved]);
    expect(mails.map((m) => m.dedupeKey)).toEqual([`booking:${moved.id}:confirmed`]);
    // Its cancellation is mailed like any other.
    const later = await bookingMails(env.DB, "https://inf.example.org", [{ ...drawn, status: "cancelled" }]);
    expect(later.map((m) => m.kind)).toEqual(["booking_cancelled"]);
  });
});
