// The moment that matters: hundreds of students click the same capacity-2 slot at once.
import { describe, expect, it } from "vitest";
import { api, countBy, createCompany, createEvent, createSlots, createUsers, d1Attempts, d1Bookings, slotState, together } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

describe("a hot slot", () => {
  it("seats exactly 2 of 500 students firing at once, refuses 498 with slot_full and records 500 attempts", async () => {
    const eventId = await createEvent({ phase: 1 });
    const companyId = await createCompany(eventId);
    const [slot] = await createSlots(eventId, companyId, 1, { capacity: 2 });
    const students = await createUsers(500);

    const answers = await together(500, (i) => api("POST", "/bookings", { token: students[i]!.token, body: { slotId: slot!.id } }));

    expect(countBy(answers, (a) => String(a.status))).toEqual({ 201: 2, 409: 498 });
    expect(countBy(answers.filter((a) => a.status === 409), (a) => a.body.error.code)).toEqual({ slot_full: 498 });
    const acknowledged = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.booking.id as string));

    const seats = await slotState(slot!.id);
    expect(seats.taken).toBe(2);
    expect(seats.seats.filter((s) => s.state === "seated").map((s) => s.bookingId).sort()).toEqual([...acknowledged].sort());

    await expectInvariants({ eventId, studentIds: students.map((s) => s.id), slots: [{ id: slot!.id, capacity: 2 }], acknowledged });
    expect(await d1Bookings(eventId, "status = 'confirmed'")).toHaveLength(2);
    const attempts = await d1Attempts(eventId);
    expect(attempts).toHaveLength(500);
    expect(countBy(attempts, (a) => a.error_code ?? "ok")).toEqual({ ok: 2, slot_full: 498 });
    expect(attempts.every((a) => a.response_time_ms >= 0)).toBe(true);

    // The catalogue shows the slot as full.
    const catalogue = await api("GET", `/companies/${companyId}`, { token: students[0]!.token });
    expect(catalogue.body.slots[0]).toMatchObject({ id: slot!.id, capacity: 2, taken: 2 });
  });
});
