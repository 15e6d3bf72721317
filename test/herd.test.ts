// A small phase-open herd: many students, six parallel bookings each, skewed toward a few
// companies, with cancellations racing the bookings. Acknowledged means kept, and nothing else is.
import { describe, expect, it } from "vitest";
import { api, countBy, createCompany, createEvent, createSlots, createUsers, type SlotFixture } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

const HOUR = 3_600_000;

describe("a phase-open herd", () => {
  it("200 students × 6 parallel bookings, then cancellations and rebookings: every 201 is kept everywhere, nothing else", async () => {
    const eventId = await createEvent({ phase: 2 });
    const day = Date.parse(`${new Date(Date.now() + 30 * 24 * HOUR).toISOString().slice(0, 10)}T07:00:00Z`);
    const slots: SlotFixture[] = [];
    for (let c = 0; c < 8; c++) slots.push(...(await createSlots(eventId, await createCompany(eventId), 6, { firstStart: day })));
    const students = await createUsers(200);
    // 80 % of the requests go to the first 2 companies (12 slots); the rest spread over the others.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = () => (rand() < 0.8 ? slots[Math.floor(rand() * 12)]! : slots[12 + Math.floor(rand() * (slots.length - 12))]!);

    const wave1 = await Promise.all(
      students.flatMap((s) => Array.from({ length: 6 }, () => api("POST", "/bookings", { token: s.token, body: { slotId: pick().id } }).then((r) => ({ s, r })))),
    );
    const codes = countBy(wave1, ({ r }) => (r.status === 201 ? "201" : r.body.error.code));
    expect(Object.keys(codes).every((c) => ["201", "slot_full", "already_booked", "company_already_booked", "time_conflict"].includes(c)), JSON.stringify(codes)).toBe(true);
    expect(codes["201"]).toBeGreaterThan(0);
    const acknowledged = new Map(wave1.filter(({ r }) => r.status === 201).map(({ s, r }) => [r.body.booking.id as string, s]));
    // Hot slots are full and never over capacity.
    expect(acknowledged.size).toBeLessThanOrEqual(slots.length * 2);

    // Wave 2: half of the winners cancel while everyone else tries again.
    const cancels = [...acknowledged.entries()].filter((_, i) => i % 2 === 0);
    const wave2 = await Promise.all([
      ...cancels.map(([id, s]) => api("DELETE", `/bookings/${id}`, { token: s.token }).then((r) => ({ kind: "cancel" as const, id, s, r }))),
      ...students.map((s) => api("POST", "/bookings", { token: s.token, body: { slotId: pick().id } }).then((r) => ({ kind: "book" as const, id: "", s, r }))),
    ]);
    for (const w of wave2) {
      if (w.kind === "cancel") {
        expect(w.r.status).toBe(200);
        acknowledged.delete(w.id);
      } else if (w.r.status === 201) acknowledged.set(w.r.body.booking.id, w.s);
    }

    await expectInvariants({
      eventId,
      studentIds: students.map((s) => s.id),
      slots: slots.map((s) => ({ id: s.id, capacity: 2 })),
      acknowledged: new Set(acknowledged.keys()),
      caps: { phase1: 3, total: 6, perCompany: 1 },
    });
  });
});
