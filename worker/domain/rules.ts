// The booking rules of DESIGN.md, as pure functions. StudentDO is their only caller on the
// booking path; tests call them directly. Times are epoch milliseconds.
import type { BookingRefusal, ErrorDetails, Phase } from "./contract.ts";
import { DRAW_PHASES, type DrawStatuses, drawEnabled } from "./draw-schedule.ts";

/** A booking that still holds its place: pending (hold), confirmed or being cancelled. */
export interface ActiveBooking {
  id: string;
  slotId: string;
  companyId: string;
  startsAt: number;
  endsAt: number;
  phase: 1 | 2;
}

export interface SlotRef {
  id: string;
  companyId: string;
  startsAt: number;
  endsAt: number;
}

/** What the Worker passes from D1's configuration into a decision, with its clock. */
export interface BookingPolicy {
  /** The Worker's clock at the request (epoch ms): injected, so the decision is a pure function of it. */
  now: number;
  bookingCutoffMinutes: number;
  phase: Phase;
  bookingOpen: boolean;
  deprioritized: boolean;
  maxBookingsPhase1: number;
  maxBookingsTotal: number;
  maxBookingsPerCompany: number;
}

export type Refusal = {
  ok: false;
  code: BookingRefusal;
  message: string;
  details?: ErrorDetails;
};
export type Decision = { ok: true; phase: 1 | 2 } | Refusal;

export interface PhaseWindows {
  phase1Start: number | null;
  phase1End: number | null;
  phase2Start: number | null;
  phase2End: number | null;
}

const within = (now: number, start: number | null, end: number | null) =>
  start !== null && now >= start && (end === null || now < end);

/** 0 when no phase window contains `now`; phase 2 wins if windows overlap. */
export function currentPhase(w: PhaseWindows, now: number): Phase {
  if (within(now, w.phase2Start, w.phase2End)) return 2;
  if (within(now, w.phase1Start, w.phase1End)) return 1;
  return 0;
}

/** The next moment the phase changes after `now`, and what it becomes; null when it never does. */
export function nextPhaseChange(w: PhaseWindows, now: number): { at: number; to: Phase } | null {
  const marks = [w.phase1Start, w.phase1End, w.phase2Start, w.phase2End].filter((t): t is number => t !== null && t > now).sort((a, b) => a - b);
  for (const at of marks) {
    const to = currentPhase(w, at);
    if (to !== currentPhase(w, now)) return { at, to };
  }
  return null;
}

export const overlaps = (a: { startsAt: number; endsAt: number }, b: { startsAt: number; endsAt: number }) =>
  a.startsAt < b.endsAt && b.startsAt < a.endsAt;

const MINUTE = 60_000;

/** A slot that has started, or starts within the cutoff, is past for booking and student cancels. */
export const slotStarted = (startsAt: number, now: number, cutoffMinutes: number) => now >= startsAt - cutoffMinutes * MINUTE;

/**
 * The seats a slot still offers students: none when it is blocked or has started (within the
 * cutoff), else the free ones. The catalogue's totals, the live hub's and the polling fallback's.
 */
export const seatsOnOffer = (s: { capacity: number; taken: number; blocked: boolean; startsAt: number }, now: number, cutoffMinutes: number) =>
  s.blocked || slotStarted(s.startsAt, now, cutoffMinutes) ? 0 : Math.max(0, s.capacity - s.taken);

const refuse = (code: BookingRefusal, message: string, details?: ErrorDetails): Refusal => ({
  ok: false,
  code,
  message,
  ...(details ? { details } : {}),
});

/** The slot's own refusal (SlotDO's decision, or the Worker's note of it): one wording. */
export const SLOT_FULL_MESSAGE = "This slot is full.";

/**
 * The refusals that need nothing of the student's own bookings (the clock, the event, the student's
 * flag): the first of decideBooking's checks. The booking route runs it too and answers these
 * itself, before the objects and before its note of full slots (worker/lib/full-slots.ts), so a
 * click gets the same refusal, in the same order, as from the student's object. Null: open.
 */
export function decideGate(slot: Pick<SlotRef, "startsAt">, p: BookingPolicy): Refusal | null {
  if (!p.bookingOpen || p.phase === 0) return refuse("booking_closed", "Booking is closed right now.");
  if (slotStarted(slot.startsAt, p.now, p.bookingCutoffMinutes))
    return refuse("slot_started", "This slot has started (or is about to): it can no longer be booked.", { startsAt: new Date(slot.startsAt).toISOString() });
  if (p.phase === 1 && p.deprioritized)
    return refuse("phase_gate", "Phase 1 is reserved for priority students; you can book when phase 2 opens.");
  return null;
}

/**
 * Decides whether a student may take a seat on `slot`, given the bookings that still hold a
 * place. Checks run in the contract's order, so a request gets the most fundamental refusal.
 * The seat itself (slot_full) is SlotDO's decision, not this one.
 */
export function decideBooking(active: readonly ActiveBooking[], slot: SlotRef, p: BookingPolicy): Decision {
  const gate = decideGate(slot, p);
  if (gate) return gate;

  const same = active.find((b) => b.slotId === slot.id);
  if (same) return refuse("already_booked", "You already hold a seat on this slot.", { bookingId: same.id });

  const withCompany = active.filter((b) => b.companyId === slot.companyId);
  if (withCompany.length >= p.maxBookingsPerCompany)
    return refuse("company_already_booked", "You already have an interview with this company.", {
      bookingId: withCompany[0]?.id ?? null,
      max: p.maxBookingsPerCompany,
    });

  const clash = active.find((b) => overlaps(b, slot));
  if (clash)
    return refuse("time_conflict", "This slot overlaps another interview of yours.", {
      bookingId: clash.id,
      slotId: clash.slotId,
      companyId: clash.companyId,
      startsAt: new Date(clash.startsAt).toISOString(),
      endsAt: new Date(clash.endsAt).toISOString(),
    });

  if (p.phase === 1) {
    const used = active.filter((b) => b.phase === 1).length;
    if (used >= p.maxBookingsPhase1)
      return refuse("phase_cap", `You have used all ${p.maxBookingsPhase1} phase-1 bookings.`, {
        used,
        max: p.maxBookingsPhase1,
      });
  }
  if (active.length >= p.maxBookingsTotal)
    return refuse("total_cap", `You have used all ${p.maxBookingsTotal} bookings.`, {
      used: active.length,
      max: p.maxBookingsTotal,
    });

  // Phase 0 never gets here: decideGate refuses it (booking_closed).
  return { ok: true, phase: p.phase as 1 | 2 };
}

export interface CancelPolicy {
  now: number;
  cancelDeadline: number | null;
  bookingCutoffMinutes: number;
}

/**
 * A student may cancel until the configured deadline, and never once the slot has started (or is
 * within the cutoff): from then on only the office or the recruiter can.
 */
export function decideCancel(booking: { startsAt: number }, p: CancelPolicy): { ok: true } | Refusal {
  if (slotStarted(booking.startsAt, p.now, p.bookingCutoffMinutes))
    return refuse("slot_started", "This interview has started (or is about to): ask the career office.", { startsAt: new Date(booking.startsAt).toISOString() });
  if (p.cancelDeadline !== null && p.now > p.cancelDeadline)
    return refuse("cancel_deadline_passed", "The cancellation deadline has passed.", { deadline: new Date(p.cancelDeadline).toISOString() });
  return { ok: true };
}

/** What the office's move decides with: the event's caps, and whether the office overrides them. */
export interface OfficePolicy {
  maxBookingsTotal: number;
  maxBookingsPerCompany: number;
  /** Explicit: the office books beyond the caps (and onto a blocked slot). */
  override: boolean;
}

/**
 * The office books on a student's behalf (a move), at any time: no phase, no deadline, no cutoff.
 * The same slot and an overlapping interview are always refused (nobody is in two places); the
 * caps are refused unless the office overrides them. `active` excludes the booking being moved.
 */
export function decideOfficeBooking(active: readonly ActiveBooking[], slot: SlotRef, p: OfficePolicy): { ok: true } | Refusal {
  const same = active.find((b) => b.slotId === slot.id);
  if (same) return refuse("already_booked", "The student already holds a seat on this slot.", { bookingId: same.id });
  const clash = active.find((b) => overlaps(b, slot));
  if (clash)
    return refuse("time_conflict", "This slot overlaps another interview of the student.", { bookingId: clash.id, slotId: clash.slotId, companyId: clash.companyId });
  if (p.override) return { ok: true };
  const withCompany = active.filter((b) => b.companyId === slot.companyId);
  if (withCompany.length >= p.maxBookingsPerCompany)
    return refuse("company_already_booked", "The student already has an interview with this company.", { bookingId: withCompany[0]?.id ?? null, max: p.maxBookingsPerCompany });
  if (active.length >= p.maxBookingsTotal)
    return refuse("total_cap", `The student already holds ${active.length} bookings.`, { used: active.length, max: p.maxBookingsTotal });
  return { ok: true };
}

/**
 * The gate of the booking path while a draw decides a phase (issue #13): once a phase that opens
 * with a draw has started, nobody books first come, first served until its draw is done; and
 * nobody books at all while a draw commits (one the office ran early included). The Worker
 * decides it before StudentDO; the draw itself calls StudentDO directly, past it.
 */
export function drawHoldsBooking(e: Parameters<typeof drawEnabled>[0], statuses: DrawStatuses, phase: Phase): boolean {
  if (DRAW_PHASES.some((p) => statuses[p] === "running")) return true;
  return phase !== 0 && drawEnabled(e, phase) && statuses[phase] !== "done";
}
