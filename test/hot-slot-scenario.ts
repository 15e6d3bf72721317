// The hot-slot scenario and its checks, shared by hot-slot.test.ts and its negative control
// (hot-slot-negative-control.test.ts), so that the control runs exactly the checks the test runs.
import { expect } from "vitest";
import { api, countBy, createCompany, createEvent, createSlots, createUsers, d1Attempts, d1Bookings, slotState, together, type UserFixture } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

export interface HotSlot {
  eventId: string;
  companyId: string;
  slotId: string;
  students: UserFixture[];
}

export async function hotSlot(students: number, capacity = 2): Promise<HotSlot> {
  const eventId = await createEvent({ phase: 1 });
  const companyId = await createCompany(eventId);
  const [slot] = await createSlots(eventId, companyId, 1, { capacity });
  return { eventId, companyId, slotId: slot!.id, students: await createUsers(students) };
}

/** Everyone clicks at once; then every check of the hot-slot guarantee, on answers and stored state. */
export async function fireAndCheck(h: HotSlot, capacity = 2): Promise<void> {
  const n = h.students.length;
  const answers = await together(n, (i) => api("POST", "/bookings", { token: h.students[i]!.token, body: { slotId: h.slotId } }));

  expect(countBy(answers, (a) => String(a.status))).toEqual({ 201: capacity, 409: n - capacity });
  expect(countBy(answers.filter((a) => a.status === 409), (a) => a.body.error.code)).toEqual({ slot_full: n - capacity });
  const acknowledged = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.booking.id as string));

  const seats = await slotState(h.slotId);
  expect(seats.taken).toBe(capacity);
  expect(seats.seats.filter((s) => s.state === "seated").map((s) => s.bookingId).sort()).toEqual([...acknowledged].sort());

  await expectInvariants({ eventId: h.eventId, studentIds: h.students.map((s) => s.id), slots: [{ id: h.slotId, capacity }], acknowledged });
  expect(await d1Bookings(h.eventId, "status = 'confirmed'")).toHaveLength(capacity);
  const attempts = await d1Attempts(h.eventId);
  expect(attempts).toHaveLength(n);
  expect(countBy(attempts, (a) => a.error_code ?? "ok")).toEqual({ ok: capacity, slot_full: n - capacity });
  expect(attempts.every((a) => a.response_time_ms >= 0)).toBe(true);

  // The catalogue shows the slot as full.
  const catalogue = await api("GET", `/companies/${h.companyId}`, { token: h.students[0]!.token });
  expect(catalogue.body.slots[0]).toMatchObject({ id: h.slotId, capacity, taken: capacity });
}
