// Each refusal of the booking path over HTTP, with the stored state checked after it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser, d1Attempts, refusalRowsWritten, slotState, studentDo, studentState, updateEvent } from "./helpers.ts";

const book = (token: string, slotId: string) => api("POST", "/bookings", { token, body: { slotId } });

describe("booking rules over HTTP", () => {
  it("phase gate: a deprioritized student is refused in phase 1 (409 phase_gate) and accepted in phase 2", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const late = await createUser({ deprioritized: true, eventId });
    const r1 = await book(late.token, slot!.id);
    expect(r1.status).toBe(409);
    expect(r1.body.error.code).toBe("phase_gate");
    expect((await slotState(slot!.id)).seats).toEqual([]);
    expect((await studentState(eventId, late.id)).bookings).toEqual([]);

    const now = Date.now();
    await updateEvent(eventId, { phase1_end: new Date(now - 1).toISOString(), phase2_start: new Date(now - 1).toISOString() });
    const r2 = await book(late.token, slot!.id);
    expect(r2.status).toBe(201);
    expect(r2.body.booking).toMatchObject({ slotId: slot!.id, phase: 2, status: "confirmed" });
  });

  it("closed: refused before phase 1, after phase 2 and whenever the kill switch is off", async () => {
    const me = await createUser();
    for (const opts of [{ phase: 0 as const }, { phase: "after" as const }, { phase: 1 as const, bookingOpen: false }, { phase: 2 as const, bookingOpen: false }]) {
      const eventId = await createEvent(opts);
      const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
      const r = await book(me.token, slot!.id);
      expect(r.status, JSON.stringify(opts)).toBe(409);
      expect(r.body.error.code).toBe("booking_closed");
      expect((await slotState(slot!.id)).seats).toEqual([]);
    }
  });

  it("the kill switch takes effect on the next request, without redeploying", async () => {
    const eventId = await createEvent({ phase: 1 });
    const slots = await createSlots(eventId, await createCompany(eventId), 1);
    const other = await createSlots(eventId, await createCompany(eventId), 1, { firstStart: Date.parse(slots[0]!.endsAt) + 3_600_000 });
    const me = await createUser();
    expect((await book(me.token, slots[0]!.id)).status).toBe(201);
    await updateEvent(eventId, { booking_open: 0 });
    expect((await book(me.token, other[0]!.id)).body.error.code).toBe("booking_closed");
  });

  it("time conflict: an overlapping slot of another company is refused, naming the colliding booking", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [a] = await createSlots(eventId, await createCompany(eventId), 1);
    const [b] = await createSlots(eventId, await createCompany(eventId), 1, { firstStart: Date.parse(a!.startsAt) + 5 * 60_000 });
    const me = await createUser();
    const first = await book(me.token, a!.id);
    expect(first.status).toBe(201);
    const clash = await book(me.token, b!.id);
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ code: "time_conflict", details: { bookingId: first.body.booking.id, slotId: a!.id } });
    expect((await slotState(b!.id)).seats).toEqual([]);
  });

  it("one slot per company: a second slot of the same company is refused with company_already_booked", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [s1, , s3] = await createSlots(eventId, await createCompany(eventId), 3);
    const me = await createUser();
    expect((await book(me.token, s1!.id)).status).toBe(201);
    const r = await book(me.token, s3!.id);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("company_already_booked");
  });

  it("already booked: the same slot twice is refused and leaves one seat", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [s] = await createSlots(eventId, await createCompany(eventId), 1);
    const me = await createUser();
    expect((await book(me.token, s!.id)).status).toBe(201);
    const r = await book(me.token, s!.id);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("already_booked");
    expect((await slotState(s!.id)).taken).toBe(1);
  });

  it("a slot that does not exist, or belongs to an unverified company, is 404 not_found", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [hidden] = await createSlots(eventId, await createCompany(eventId, { verified: false }), 1);
    const me = await createUser();
    const r1 = await book(me.token, crypto.randomUUID());
    expect(r1.status).toBe(404);
    expect(r1.body.error.code).toBe("not_found");
    const r2 = await book(me.token, hidden!.id);
    expect(r2.status).toBe(404);
    expect((await slotState(hidden!.id)).seats).toEqual([]);
  });

  it("a slot of last year's event cannot be booked this year", async () => {
    const old = await createEvent({ phase: 1 });
    const [oldSlot] = await createSlots(old, await createCompany(old), 1);
    await createEvent({ phase: 1 });
    const me = await createUser();
    expect((await book(me.token, oldSlot!.id)).status).toBe(404);
  });

  it("every refusal is recorded as an attempt with its code", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [s] = await createSlots(eventId, await createCompany(eventId), 1);
    const me = await createUser();
    await book(me.token, s!.id);
    await book(me.token, s!.id);
    await studentState(eventId, me.id);
    await studentDo(eventId, me.id).drain();
    await refusalRowsWritten();
    const attempts = await d1Attempts(eventId);
    expect(attempts.map((a) => a.error_code).sort()).toEqual(["already_booked", null].sort());
  });
});
