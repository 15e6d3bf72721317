// Time-aware rules over HTTP: a slot that has started, or starts within bookingCutoffMinutes, can
// be neither booked nor cancelled by its student (409 slot_started), and nothing is stored.
import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser, d1Attempts, drainAll, slotState, studentState, updateEvent } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

const MIN = 60_000;
const book = (token: string, slotId: string) => api("POST", "/bookings", { token, body: { slotId } });

describe("slots that have started", () => {
  it("a slot that started a minute ago is refused with slot_started: no seat, no hold, one attempt row", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId);
    const [running] = await createSlots(eventId, companyId, 1, { firstStart: Date.now() - MIN });
    const me = await createUser();
    const r = await book(me.token, running!.id);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: "slot_started", details: { startsAt: running!.startsAt } });
    expect((await slotState(running!.id)).seats).toEqual([]);
    expect((await studentState(eventId, me.id)).bookings).toEqual([]);
    await drainAll(eventId, [me.id]);
    expect((await d1Attempts(eventId)).map((a) => a.error_code)).toEqual(["slot_started"]);
  });

  it("bookingCutoffMinutes moves the line: a slot 10 minutes ahead is refused with a 15-minute cutoff, accepted with none", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId);
    const [soon] = await createSlots(eventId, companyId, 1, { firstStart: Date.now() + 10 * MIN });
    const me = await createUser();
    await updateEvent(eventId, { booking_cutoff_minutes: 15 });
    expect((await book(me.token, soon!.id)).body.error.code).toBe("slot_started");
    await updateEvent(eventId, { booking_cutoff_minutes: 0 });
    expect((await book(me.token, soon!.id)).status).toBe(201);
  });

  it("the student can no longer cancel once the slot is within the cutoff; the booking and its seat stay", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId);
    const slots = await createSlots(eventId, companyId, 1, { firstStart: Date.now() + 10 * MIN });
    const me = await createUser();
    const b = await book(me.token, slots[0]!.id);
    expect(b.status).toBe(201);
    await updateEvent(eventId, { booking_cutoff_minutes: 30 });
    const r = await api("DELETE", `/bookings/${b.body.booking.id}`, { token: me.token });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("slot_started");
    await expectInvariants({ eventId, studentIds: [me.id], slots: slots.map((s) => ({ id: s.id, capacity: 2 })), acknowledged: new Set([b.body.booking.id]) });
  });

  it("the public event carries the cutoff, and the catalogue no longer counts a started slot's seats as free", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId);
    await createSlots(eventId, companyId, 1, { firstStart: Date.now() - MIN });
    await createSlots(eventId, companyId, 1, { firstStart: Date.now() + 60 * MIN });
    await updateEvent(eventId, { booking_cutoff_minutes: 5 });
    expect((await api("GET", "/event")).body.event.bookingCutoffMinutes).toBe(5);
    const listed = (await api("GET", "/companies")).body.companies.find((c: { id: string }) => c.id === companyId);
    expect(listed).toMatchObject({ slotCount: 2, freeSeats: 2 });
  });
});
