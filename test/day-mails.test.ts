// A student whose booking someone else cancelled or moved is told by mail, with who and why: the
// office's cancel, a recruiter's release, an office move (with the new time), a withdrawal. The
// mail leaves with the cancellation's record (the recorder, once D1 holds it): one cancellation
// mail per booking, never the plain "cancelled" one besides it. Read through the dev inbox.
import { describe, expect, it } from "vitest";
import { api, call, createCompany, createEvent, createSlots, createUser, createUsers, drainAll } from "./helpers.ts";
import { type InboxMessage, waitForMail } from "./mailbox.ts";

const HOUR = 3_600_000;
const inbox = async (email: string): Promise<InboxMessage[]> => (await api("GET", `/dev/mail?to=${encodeURIComponent(email)}`)).body.messages;
const kinds = async (email: string) => (await inbox(email)).map((m) => m.kind).sort();

describe("the day's mails", () => {
  it("the office's cancel, a recruiter's release, a move and a withdrawal each tell the student once, with who and why", async () => {
    const eventId = await createEvent({ phase: 2 });
    const admin = await createUser({ role: "admin" });
    const acme = await createCompany(eventId, { name: "Acme" });
    const globex = await createCompany(eventId, { name: "Globex" });
    const acmeSlots = await createSlots(eventId, acme, 4);
    const [globexSlot] = await createSlots(eventId, globex, 1, { firstStart: Date.parse(acmeSlots[3]!.endsAt) + HOUR });
    const recruiter = await createUser({ role: "company", companyId: acme });
    const [cancelled, released, moved, withdrawn] = await createUsers(4);
    const book = async (token: string, slotId: string) => (await api("POST", "/bookings", { token, body: { slotId } })).body.booking;
    const b1 = await book(cancelled!.token, acmeSlots[0]!.id);
    const b2 = await book(released!.token, acmeSlots[0]!.id);
    const b3 = await book(moved!.token, acmeSlots[1]!.id);
    const b4 = await book(withdrawn!.token, globexSlot!.id);
    await drainAll(eventId, [cancelled!, released!, moved!, withdrawn!].map((u) => u.id));

    expect((await api("POST", `/admin/bookings/${b1.id}/cancel`, { token: admin.token, body: { reason: "sick, called the desk" } })).status).toBe(200);
    expect((await api("POST", `/company/bookings/${b2.id}/release`, { token: recruiter.token, body: { reason: "our interviewer is ill" } })).status).toBe(200);
    const to = await api("POST", `/admin/bookings/${b3.id}/move`, { token: admin.token, body: { slotId: acmeSlots[3]!.id, reason: "train late" } });
    expect(to.status).toBe(200);
    expect((await api("POST", `/admin/companies/${globex}/withdraw`, { token: admin.token, body: { reason: "left the fair" } })).body).toEqual({ cancelled: 1 });
    await drainAll(eventId, [cancelled!, released!, moved!, withdrawn!].map((u) => u.id));

    const byOffice = await waitForMail(call, cancelled!.email, (m) => m.kind === "booking_changed");
    expect(byOffice.subject).toMatch(/service carrières|career office/);
    expect(byOffice.text).toContain("sick, called the desk");
    expect(byOffice.text).toContain("Acme");

    const byRecruiter = await waitForMail(call, released!.email, (m) => m.kind === "booking_changed");
    expect(byRecruiter.subject).toContain("Acme");
    expect(byRecruiter.text).toContain("our interviewer is ill");

    const move = await waitForMail(call, moved!.email, (m) => m.kind === "booking_changed");
    expect(move.subject).toMatch(/déplacé|moved/);
    expect(move.text).toContain("train late");
    // The new time, as the student's time zone reads it (the event's: Europe/Brussels).
    const newTime = new Intl.DateTimeFormat("fr-BE", { timeZone: "Europe/Brussels", hour: "2-digit", minute: "2-digit" }).format(new Date(to.body.booking.startsAt));
    expect(move.text).toMatch(/nouvel entretien|new interview/);
    expect(move.text).toContain(newTime);
    // The new booking's own confirmation (with its .ics) comes too.
    await waitForMail(call, moved!.email, (m) => m.kind === "booking_confirmed" && m.text.includes(newTime));

    const gone = await waitForMail(call, withdrawn!.email, (m) => m.kind === "company_withdrawn");
    expect(gone.subject).toContain("Globex");

    // One cancellation mail per booking: the plain "cancelled" one is never sent besides it.
    expect(await kinds(cancelled!.email)).toEqual(["booking_changed", "booking_confirmed"]);
    expect(await kinds(released!.email)).toEqual(["booking_changed", "booking_confirmed"]);
    expect(await kinds(moved!.email)).toEqual(["booking_changed", "booking_confirmed", "booking_confirmed"]);
    expect(await kinds(withdrawn!.email)).toEqual(["booking_confirmed", "company_withdrawn"]);
  });

  it("the student's own cancellation still gets the plain mail", async () => {
    const eventId = await createEvent({ phase: 2 });
    const [slot] = await createSlots(eventId, await createCompany(eventId, { name: "Initech" }), 1);
    const [me] = await createUsers(1);
    const b = (await api("POST", "/bookings", { token: me!.token, body: { slotId: slot!.id } })).body.booking;
    await drainAll(eventId, [me!.id]);
    expect((await api("DELETE", `/bookings/${b.id}`, { token: me!.token })).status).toBe(200);
    await drainAll(eventId, [me!.id]);
    await waitForMail(call, me!.email, (m) => m.kind === "booking_cancelled");
    expect(await kinds(me!.email)).toEqual(["booking_cancelled", "booking_confirmed"]);
  });
});
