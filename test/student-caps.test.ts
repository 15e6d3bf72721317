// One student firing many bookings at once: the per-student caps hold under their own race
// (the seed's PostgreSQL function broke exactly this).
import { describe, expect, it } from "vitest";
import { api, countBy, createCompany, createEvent, createSlots, createUser, studentState, together } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";
import type { SlotFixture } from "./helpers.ts";

const HOUR = 3_600_000;

/** 20 companies, one slot each, all at distinct non-overlapping times. */
async function twentyCompanies(eventId: string): Promise<SlotFixture[]> {
  const first = Date.parse(`${new Date(Date.now() + 30 * 24 * HOUR).toISOString().slice(0, 10)}T07:00:00Z`);
  const out: SlotFixture[] = [];
  for (let i = 0; i < 20; i++) {
    const companyId = await createCompany(eventId);
    out.push(...(await createSlots(eventId, companyId, 1, { firstStart: first + i * 15 * 60_000 })));
  }
  return out;
}

describe("one student, twenty parallel bookings", () => {
  for (const { phase, confirmed, refusal } of [
    { phase: 1 as const, confirmed: 3, refusal: "phase_cap" },
    { phase: 2 as const, confirmed: 6, refusal: "total_cap" },
  ])
    it(`confirms exactly ${confirmed} in phase ${phase}; the ${20 - confirmed} others are refused with ${refusal}`, async () => {
      const eventId = await createEvent({ phase });
      const slots = await twentyCompanies(eventId);
      const me = await createUser();
      const answers = await together(20, (i) => api("POST", "/bookings", { token: me.token, body: { slotId: slots[i]!.id } }));
      expect(countBy(answers, (a) => (a.status === 201 ? "201" : a.body.error.code))).toEqual({ 201: confirmed, [refusal]: 20 - confirmed });
      expect(answers.filter((a) => a.status === 201).every((a) => a.body.booking.phase === phase)).toBe(true);
      const st = await studentState(eventId, me.id);
      expect(st.bookings.filter((b) => b.status === "confirmed")).toHaveLength(confirmed);
      await expectInvariants({
        eventId,
        studentIds: [me.id],
        slots: slots.map((s) => ({ id: s.id, capacity: 2 })),
        acknowledged: new Set(answers.filter((a) => a.status === 201).map((a) => a.body.booking.id)),
        caps: { phase1: 3, total: 6, perCompany: 1 },
      });
    });

  it("counts phase-1 bookings against the total in phase 2 (3 + 3 = 6)", async () => {
    const eventId = await createEvent({ phase: 1 });
    const slots = await twentyCompanies(eventId);
    const me = await createUser();
    const first = await together(5, (i) => api("POST", "/bookings", { token: me.token, body: { slotId: slots[i]!.id } }));
    expect(first.filter((a) => a.status === 201)).toHaveLength(3);
    // Phase 2 opens (the CLI or another admin wrote D1).
    const now = Date.now();
    const { env } = await import("cloudflare:workers");
    await env.DB.prepare("UPDATE events SET phase1_end = ?, phase2_start = ? WHERE id = ?")
      .bind(new Date(now - 1000).toISOString(), new Date(now - 1000).toISOString(), eventId)
      .run();
    const second = await together(10, (i) => api("POST", "/bookings", { token: me.token, body: { slotId: slots[5 + i]!.id } }));
    expect(countBy(second, (a) => (a.status === 201 ? "201" : a.body.error.code))).toEqual({ 201: 3, total_cap: 7 });
    const mine = await api("GET", "/bookings", { token: me.token });
    expect(countBy(mine.body.bookings, (b: { phase: number }) => String(b.phase))).toEqual({ 1: 3, 2: 3 });
  });

  it("a student hammering the API is rate-limited per account (429 with Retry-After), and the caps still hold", async () => {
    const eventId = await createEvent({ phase: 2 });
    const slots = await twentyCompanies(eventId);
    const me = await createUser();
    const answers = await together(45, (i) => api("POST", "/bookings", { token: me.token, body: { slotId: slots[i % 20]!.id } }));
    const codes = countBy(answers, (a) => (a.status === 201 ? "201" : a.body.error.code));
    expect(codes["rate_limited"]).toBeGreaterThanOrEqual(10);
    expect(answers.filter((a) => a.status === 429).every((a) => a.body.error.code === "rate_limited")).toBe(true);
    // Retry-After says when the bucket will hold a token again (one a second).
    expect(new Set(answers.filter((a) => a.status === 429).map((a) => a.headers.get("retry-after")))).toEqual(new Set(["1"]));
    expect(codes["201"]).toBe(6);
    // Another student is not slowed down by it.
    const other = await createUser();
    expect((await api("POST", "/bookings", { token: other.token, body: { slotId: slots[0]!.id } })).status).not.toBe(429);
  });
});

