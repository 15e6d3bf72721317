// First come, first served waits for the draw (issue #13): from the start of a phase that opens
// with a draw, POST /api/bookings answers 409 draw_running, during the draw too, and books as
// before once it is done. A phase without a draw is not held.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DrawDO } from "../durable-objects/draw-do.ts";
import { api, createCompany, createEvent, createSlots, createUser, d1Attempts, d1Bookings, studentState } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";
import { createDrawEvent, drawDo, drawRows, drawnEvent, entries } from "./draw-fixtures.ts";

const book = (token: string, slotId: string) => api("POST", "/bookings", { token, body: { slotId } });

describe("the booking gate of a drawn phase", () => {
  it("refuses with draw_running until the phase's draw is done (during it too), then books first come, first served", async () => {
    const ev = await drawnEvent(30);
    const outsider = await createUser();
    const free = ev.slots.find((s) => s.companyId === ev.unwished[0])!;

    const before = await book(outsider.token, free.id);
    expect([before.status, before.body.error.code, before.body.error.details]).toEqual([409, "draw_running", { phase: 1 }]);
    expect((await studentState(ev.eventId, outsider.id)).bookings).toEqual([]);

    // The DrawDO runs it from its alarm; stopped right after publishing, the draw is running.
    await drawDo(ev.eventId).sync(ev.eventId);
    await runInDurableObject(drawDo(ev.eventId), (o: DrawDO, state) => {
      o.faultHook = (s) => {
        if (s !== "published") return;
        o.faultHook = undefined;
        state.abort("injected crash at published");
      };
    });
    await runDurableObjectAlarm(drawDo(ev.eventId)).catch(() => undefined);
    expect((await drawRows(ev.eventId)).find((d) => d.phase === 1)?.status).toBe("running");
    const during = await book(outsider.token, free.id);
    expect([during.status, during.body.error.code]).toEqual([409, "draw_running"]);

    // Resumed by the watchdog alarm: done, and the phase goes on first come, first served.
    expect(await runDurableObjectAlarm(drawDo(ev.eventId))).toBe(true);
    expect((await drawRows(ev.eventId)).find((d) => d.phase === 1)?.status).toBe("done");
    const after = await book(outsider.token, free.id);
    expect(after.status).toBe(201);
    expect(after.body.booking).toMatchObject({ slotId: free.id, phase: 1, origin: "fcfs" });

    const won = (await entries(ev.eventId, 1)).filter((r) => r.outcome === "won");
    await expectInvariants({
      eventId: ev.eventId,
      studentIds: [...ev.students.map((s) => s.id), outsider.id],
      slots: ev.slots.map((s) => ({ id: s.id, capacity: 2 })),
      acknowledged: new Set([...won.map((r) => r.booking_id!), after.body.booking.id]),
      caps: { phase1: 3, total: 6, perCompany: 1 },
    });
    expect((await d1Bookings(ev.eventId, "student_id = ?", outsider.id)).map((b) => b.id)).toEqual([after.body.booking.id]);
    // The refusals were the Worker's: only the booking reached the outsider's StudentDO.
    expect((await d1Attempts(ev.eventId)).filter((a) => a.student_id === outsider.id).map((a) => a.error_code)).toEqual([null]);
  });

  it("a phase whose draw is off, or an event without wishes, books first come, first served from its start", async () => {
    for (const make of [() => createDrawEvent({ phase: 1, drawPhase1: false }), () => createEvent({ phase: 1 })]) {
      const eventId = await make();
      const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
      const r = await book((await createUser()).token, slot!.id);
      expect(r.status).toBe(201);
      expect(r.body.booking.origin).toBe("fcfs");
    }
  });
});
