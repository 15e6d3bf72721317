// When the draws of a fair opening happen (issue #13), as pure functions of the event's
// configuration, the draws' statuses and the clock: which phases open with a draw, when wishes
// may change, and when the DrawDO has work. The Worker, the DrawDO and the site share them.
import type { DrawStatus, EventConfig } from "./contract.ts";

export type DrawPhase = 1 | 2;
export const DRAW_PHASES: readonly DrawPhase[] = [1, 2];

type Schedule = Pick<EventConfig, "phase1Start" | "phase2Start" | "drawPhase1" | "drawPhase2" | "wishesOpen">;
/** The status of each phase's draw; a phase without a row is still collecting. */
export type DrawStatuses = Partial<Record<DrawPhase, DrawStatus>>;

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
export const phaseStartOf = (e: Schedule, phase: DrawPhase) => ms(phase === 1 ? e.phase1Start : e.phase2Start);

/** A phase opens with a draw when the office says so and wishes open before it starts. */
export function drawEnabled(e: Schedule, phase: DrawPhase): boolean {
  const start = phaseStartOf(e, phase);
  const open = ms(e.wishesOpen);
  return (phase === 1 ? e.drawPhase1 : e.drawPhase2) && start !== null && open !== null && open < start;
}

/** The first phase whose draw has not finished: the one the current wishes are for. */
export function nextDraw(e: Schedule, statuses: DrawStatuses): DrawPhase | null {
  return DRAW_PHASES.find((p) => drawEnabled(e, p) && statuses[p] !== "done") ?? null;
}

export interface WishesWindow {
  opensAt: number | null;
  /** The start of the phase whose draw will seal the wishes; null when no draw is ahead. */
  closesAt: number | null;
  open: boolean;
}

/**
 * Wishes may change from `wishesOpen` until the next draw seals them: the start of its phase,
 * or earlier when the office runs it now. After a phase's draw they are open again for the next.
 */
export function wishesWindow(e: Schedule, statuses: DrawStatuses, now: number): WishesWindow {
  const opensAt = ms(e.wishesOpen);
  const next = nextDraw(e, statuses);
  const closesAt = next === null ? null : phaseStartOf(e, next);
  const open = opensAt !== null && closesAt !== null && now >= opensAt && now < closesAt && statuses[next!] !== "running";
  return { opensAt, closesAt, open };
}

export type DrawWork = { kind: "prepare" } | { kind: "run"; phase: DrawPhase };

/**
 * What the DrawDO has to do now, and when it must look again: make the seeds once wishes open,
 * run a phase's draw once the phase starts (and booking is open: the kill switch holds it), and
 * finish a draw that started and stopped (a crash), whatever the clock and the switch say.
 */
export function drawWork(e: Schedule & { bookingOpen: boolean }, statuses: DrawStatuses, prepared: boolean, now: number): { due: DrawWork[]; wakeAt: number | null } {
  const due: DrawWork[] = [];
  const later: number[] = [];
  const open = ms(e.wishesOpen);
  if (!prepared && open !== null) {
    if (open <= now) due.push({ kind: "prepare" });
    else later.push(open);
  }
  for (const p of DRAW_PHASES) {
    if (statuses[p] === "running") due.push({ kind: "run", phase: p });
    if (!drawEnabled(e, p) || statuses[p] === "done" || statuses[p] === "running") continue;
    const start = phaseStartOf(e, p)!;
    if (start > now) later.push(start);
    else if (e.bookingOpen) due.push({ kind: "run", phase: p });
  }
  return { due, wakeAt: later.length ? Math.min(...later) : null };
}
