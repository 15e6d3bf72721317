// When the draws happen (worker/domain/draw-schedule.ts, and the booking gate in rules.ts), pure:
// which phases are drawn, the wishes window through a year, the DrawDO's due work (the kill switch
// holds a draw due, never one already running), and when first come, first served is held.
import { describe, expect, it } from "vitest";
import { drawEnabled, drawWork, nextDraw, wishesWindow } from "../worker/domain/draw-schedule.ts";
import { drawHoldsBooking } from "../worker/domain/rules.ts";

const T = Date.parse("2027-11-02T08:00:00Z");
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const event = (o: Partial<{ drawPhase1: boolean; drawPhase2: boolean; wishesOpen: string | null; bookingOpen: boolean }> = {}) => ({
  phase1Start: iso(T),
  phase2Start: iso(T + 48 * HOUR),
  drawPhase1: true,
  drawPhase2: true,
  wishesOpen: iso(T - 7 * 24 * HOUR),
  bookingOpen: true,
  ...o,
});

describe("the draw's schedule", () => {
  it("draws a phase only when the office says so and wishes open before it starts", () => {
    expect([drawEnabled(event(), 1), drawEnabled(event(), 2)]).toEqual([true, true]);
    expect(drawEnabled(event({ drawPhase1: false }), 1)).toBe(false);
    expect(drawEnabled(event({ wishesOpen: null }), 1)).toBe(false);
    expect([drawEnabled(event({ wishesOpen: iso(T + HOUR) }), 1), drawEnabled(event({ wishesOpen: iso(T + HOUR) }), 2)]).toEqual([false, true]);
  });

  it("opens wishes at wishesOpen, seals them at phase 1 (or when its draw runs), reopens them for phase 2, and closes when no draw is ahead", () => {
    const e = event();
    const at = (now: number, statuses = {}) => wishesWindow(e, statuses, now);
    expect(at(T - 8 * 24 * HOUR)).toEqual({ opensAt: T - 7 * 24 * HOUR, closesAt: T, open: false });
    expect(at(T - HOUR).open).toBe(true);
    expect(at(T - HOUR, { 1: "running" }).open).toBe(false);
    expect(at(T + HOUR).open).toBe(false);
    expect(at(T + HOUR, { 1: "done" })).toEqual({ opensAt: T - 7 * 24 * HOUR, closesAt: T + 48 * HOUR, open: true });
    expect(at(T + 49 * HOUR, { 1: "done", 2: "done" })).toMatchObject({ closesAt: null, open: false });
    expect(nextDraw(event({ drawPhase1: false }), {})).toBe(2);
  });

  it("gives the DrawDO its work: seeds once wishes open, a draw at its phase's start unless the kill switch holds it, a running draw always", () => {
    const e = event();
    expect(drawWork(e, {}, false, T - 8 * 24 * HOUR)).toEqual({ due: [], wakeAt: T - 7 * 24 * HOUR });
    expect(drawWork(e, {}, false, T - HOUR)).toEqual({ due: [{ kind: "prepare" }], wakeAt: T });
    expect(drawWork(e, {}, true, T + 1)).toEqual({ due: [{ kind: "run", phase: 1 }], wakeAt: T + 48 * HOUR });
    expect(drawWork(event({ bookingOpen: false }), {}, true, T + 1)).toEqual({ due: [], wakeAt: T + 48 * HOUR });
    expect(drawWork(event({ bookingOpen: false }), { 1: "running" }, true, T + 1).due).toEqual([{ kind: "run", phase: 1 }]);
    expect(drawWork(e, { 1: "done", 2: "done" }, true, T + 49 * HOUR)).toEqual({ due: [], wakeAt: null });
  });

  it("holds first come, first served from a drawn phase's start until its draw is done, and everywhere while a draw runs", () => {
    const e = event();
    expect(drawHoldsBooking(e, {}, 0)).toBe(false);
    expect(drawHoldsBooking(e, {}, 1)).toBe(true);
    expect(drawHoldsBooking(e, { 1: "running" }, 1)).toBe(true);
    expect(drawHoldsBooking(e, { 1: "done" }, 1)).toBe(false);
    expect(drawHoldsBooking(e, { 1: "done", 2: "running" }, 1)).toBe(true);
    expect(drawHoldsBooking(event({ drawPhase1: false }), {}, 1)).toBe(false);
  });
});
