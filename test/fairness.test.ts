// The career office's fairness figures (issue #13): GET /api/admin/fairness per phase, the draw's
// summary beside first come, first served; a dry run computes and books nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createUser, d1Bookings, drainAll } from "./helpers.ts";
import { drawRows, drawnEvent, entries } from "./draw-fixtures.ts";

describe("fairness", () => {
  it("a dry run books nothing; after the draw the figures are the draw's, first come, first served beside them", async () => {
    const ev = await drawnEvent(30);
    const admin = await createUser({ role: "admin" });
    const before = await api("GET", "/admin/fairness", { token: admin.token });
    expect(before.status).toBe(200);
    expect(before.body.phases.map((p: { phase: number; drawEnabled: boolean; drawSummary: unknown }) => [p.phase, p.drawEnabled, p.drawSummary])).toEqual([
      [1, true, null],
      [2, true, null],
    ]);
    // Phase 1's draw is next: the 24 eligible students who wished are counted, none has anything yet.
    expect(before.body.phases[0].fcfsStats).toMatchObject({ students: 24, wished: 24, withInterview: 0, interviews: 0, distribution: [24], firstChoiceRate: 0 });
    expect(before.body.companies).toHaveLength(8);

    const dry = await api("POST", "/admin/draw/1/run", { token: admin.token, body: { dryRun: true } });
    expect(dry.body.summary).toMatchObject({ phase: 1, dryRun: true, commitMs: null, drawn: 24 });
    expect(dry.body.summary.allocated).toBeGreaterThan(0);
    expect(await d1Bookings(ev.eventId)).toEqual([]);
    expect((await drawRows(ev.eventId)).find((d) => d.phase === 1)?.status ?? "collecting").toBe("collecting");

    const run = await api("POST", "/admin/draw/1/run", { token: admin.token, body: {} });
    const won = (await entries(ev.eventId, 1)).filter((r) => r.outcome === "won");
    expect(run.body.summary.stats.withInterview).toBe(new Set(won.map((r) => r.student_id)).size);
    expect(run.body.summary.stats.interviews).toBe(won.length);
    // Then two students book first come, first served at a company nobody wished: two with room
    // left under the phase-1 cap, each at a time the draw left free for them.
    const wonBy = (id: string) => won.filter((r) => r.student_id === id).map((r) => ev.slots.find((x) => x.id === r.slot_id)!.startsAt);
    const [a, b] = ev.students.filter((s) => !ev.deprioritized.includes(s) && wonBy(s.id).length < 3);
    for (const s of [a!, b!]) {
      const slot = ev.slots.find((x) => x.companyId === ev.unwished[0] && !wonBy(s.id).includes(x.startsAt))!;
      expect((await api("POST", "/bookings", { token: s.token, body: { slotId: slot.id } })).status).toBe(201);
    }
    await drainAll(ev.eventId, ev.students.map((s) => s.id));

    const after = await api("GET", "/admin/fairness", { token: admin.token });
    const p1 = after.body.phases[0];
    expect(p1.draw).toMatchObject({ phase: 1, status: "done", allocated: won.length });
    expect(p1.drawSummary).toEqual(run.body.summary);
    expect(p1.fcfsStats).toMatchObject({ students: 24, wished: 24, interviews: 2, withInterview: 2 });
    expect(p1.fcfsStats.perCompany.find((c: { companyId: string }) => c.companyId === ev.unwished[0])).toEqual({ companyId: ev.unwished[0], seats: 8, taken: 2 });
    expect(p1.fcfsStats.firstChoiceRate).toBe(0);
    const origins = (await env.DB.prepare("SELECT origin, count(*) AS n FROM bookings WHERE event_id = ? GROUP BY origin ORDER BY origin").bind(ev.eventId).all()).results;
    expect(origins).toEqual([
      { origin: "draw", n: won.length },
      { origin: "fcfs", n: 2 },
    ]);
  });
});
