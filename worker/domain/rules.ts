// The booking rules of DESIGN.md, as pure functions. StudentDO is their only caller on the
// booking path; tests call them directly. Times are epoch milliseconds.
import type { BookingRefusal, ErrorDetails, Phase } from "./contract.ts";

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

/** What the Worker passes from D1's configuration into a decision. */
export interface BookingPolicy {
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

const refuse = (code: BookingRefusal, message: string, details?: ErrorDetails): Refusal => ({
  ok: false,
  code,
  message,
  ...(details ? { details } : {}),
});

/**
 * Decides whether a student may take a seat on `slot`, given the bookings that still hold a
 * place. Checks run in the contract's order, so a request gets the most fundamental refusal.
 * The seat itself (slot_full) is SlotDO's decision, not this one.
 */
export function decideBooking(active: readonly ActiveBooking[], slot: SlotRef, p: BookingPolicy): Decision {
  if (!p.bookingOpen || p.phase === 0) return refuse("booking_closed", "Booking is closed right now.");
  if (p.phase === 1 && p.deprioritized)
    return refuse("phase_gate", "Phase 1 is reserved for priority students; you can book when phase 2 opens.");

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

  return { ok: true, phase: p.phase };
}

/** The deadline is the configured one, or the interview's start when none is set. */
export function decideCancel(
  booking: { startsAt: number },
  now: number,
  cancelDeadline: number | null,
): { ok: true } | Refusal {
  const deadline = cancelDeadline ?? booking.startsAt;
  if (now > deadline)
    return refuse("cancel_deadline_passed", "The cancellation deadline has passed.", {
      deadline: new Date(deadline).toISOString(),
    });
  return { ok: true };
}
