// A full draw through the real booking path (issue #13): 500 students rank wishes over the API,
// the office runs phase 1's draw, and then every store agrees (test/invariants.ts), the order is
// the published seed's, each student sees their position and why each wish was won or lost.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drawOrder } from "../worker/domain/allocator.ts";
import { api, createUser, createUsers, d1Bookings } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";
import { companiesWithSlots, createDrawEvent, entries, insertWishes, putWishes, sha256Hex } from "./draw-fixtures.ts";

describe("a draw over 500 students", () => {
  it("allocates through StudentDO and SlotDO within every cap, keeps every invariant, and publishes what anyone can check", async () => {
    const eventId = await createDrawEvent({ phase: 0 });
    const { companies, slots } = await companiesWithSlots(eventId, 20, 8);
    const deprioritized = await createUsers(100, { deprioritized: true, eventId, prefix: "dep" });
    const priority = await createUsers(400);
    const students = [...priority, ...deprioritized];
    // Six wishes each, 80 % of them on the first four companies (the herd's skew); a tenth of the
    // wishes keep to the morning (Brussels), ending by 10:30. A sample through the API (the route
    // has its own tests), the rest straight into D1.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const lists = students.map((s) => {
      const picked = new Set<string>();
      while (picked.size < 6) picked.add(rand() < 0.8 ? companies[Math.floor(rand() * 4)]! : companies[4 + Math.floor(rand() * 16)]!);
      return { studentId: s.id, token: s.token, wishes: [...picked].map((companyId) => (rand() < 0.1 ? { companyId, notAfter: "10:30" } : { companyId })) };
    });
    const answers = await Promise.all(lists.filter((_, i) => i % 25 === 0).map((l) => putWishes(l.token, l.wishes)));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    await insertWishes(eventId, lists.filter((_, i) => i % 25 !== 0));

    const admin = await createUser({ role: "admin" });
    const run = await api("POST", "/admin/draw/1/run", { token: admin.token, body: {} });
    expect(run.status).toBe(200);
    const { summary } = run.body;
    expect(summary).toMatchObject({ phase: 1, dryRun: false, drawn: 400, diverged: 0 });

    const rows = await entries(eventId, 1);
    const won = rows.filter((r) => r.outcome === "won");
    expect(won.length).toBe(summary.allocated);
    expect(won.every((r) => r.booking_id !== null)).toBe(true);
    // 320 seats for 400 priority students: round 1 seats as many as it can before anyone gets a second.
    expect(summary.stats.withInterview).toBeLessThanOrEqual(summary.stats.maxWithInterview);
    expect(2 * summary.stats.withInterview).toBeGreaterThanOrEqual(summary.stats.maxWithInterview);
    expect(summary.stats.distribution.reduce((a: number, b: number) => a + b, 0)).toBe(400);

    await expectInvariants({
      eventId,
      studentIds: students.map((s) => s.id),
      slots: slots.map((s) => ({ id: s.id, capacity: 2 })),
      acknowledged: new Set(won.map((r) => r.booking_id!)),
      caps: { phase1: 3, total: 6, perCompany: 1 },
      deprioritized: new Set(deprioritized.map((s) => s.id)),
    });
    // D1's bookings (drained above) are exactly the won entries, each once, made by the draw in phase 1.
    const booked = await d1Bookings(eventId, "status = 'confirmed'");
    expect(new Set(booked.map((b) => `${b.student_id} ${b.slot_id}`))).toEqual(new Set(won.map((r) => `${r.student_id} ${r.slot_id}`)));
    const origins = (await env.DB.prepare("SELECT origin, phase, count(*) AS n FROM bookings WHERE event_id = ? GROUP BY origin, phase").bind(eventId).all()).results;
    expect(origins).toEqual([{ origin: "draw", phase: 1, n: won.length }]);

    // Public: the seed is revealed, it is the one committed to, and it gives the order published.
    const pub = await api("GET", "/draw");
    const d1 = pub.body.draws.find((d: { phase: number }) => d.phase === 1);
    expect(d1).toMatchObject({ status: "done", allocated: won.length });
    expect(await sha256Hex(d1.seed)).toBe(d1.commitment);
    const positions = [...new Map(rows.filter((r) => r.position !== null).map((r) => [r.student_id, r.position!])).entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    expect(positions).toEqual(await drawOrder(d1.seed, priority.map((s) => s.id)));
    expect(pub.body.draws.find((d: { phase: number }) => d.phase === 2)).toMatchObject({ status: "collecting", seed: null });

    // A student sees their place and why; the booking is in their schedule, marked as the draw's.
    const someone = priority.find((s) => won.some((r) => r.student_id === s.id))!;
    const me = await api("GET", "/draw/me", { token: someone.token });
    const mine = rows.filter((r) => r.student_id === someone.id);
    expect(me.body.draws).toEqual([
      {
        phase: 1,
        position: mine[0]!.position,
        drawn: 400,
        results: mine.map((r) => ({ companyId: r.company_id, rank: r.rank, outcome: r.outcome, bookingId: r.booking_id, reason: r.reason })),
      },
    ]);
    const schedule = await api("GET", "/bookings", { token: someone.token });
    expect(schedule.body.bookings.map((b: { id: string; origin: string }) => [b.id, b.origin]).sort()).toEqual(
      mine.filter((r) => r.outcome === "won").map((r) => [r.booking_id, "draw"]).sort(),
    );
    const dep = await api("GET", "/draw/me", { token: deprioritized[0]!.token });
    expect(dep.body.draws[0]).toMatchObject({ phase: 1, position: null });
    expect(dep.body.draws[0].results.every((r: { outcome: string; reason: string }) => r.outcome === "lost" && r.reason === "not_eligible")).toBe(true);
    // Every loss says why, with one of the contract's reasons.
    expect(rows.filter((r) => r.outcome === "lost").every((r) => ["company_full", "phase_cap", "total_cap", "time_conflict", "no_slot_in_window", "not_eligible", "company_already_booked"].includes(r.reason!))).toBe(true);

    // Running it again changes nothing: the same summary, no new booking.
    const again = await api("POST", "/admin/draw/1/run", { token: admin.token, body: {} });
    expect(again.body.summary).toEqual(summary);
    expect((await d1Bookings(eventId, "status = 'confirmed'")).length).toBe(won.length);
  });
});
