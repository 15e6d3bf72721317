// The booking rules (worker/domain/rules.ts) against a simple independent model, on random
// booking histories (fast-check, shrunk to the smallest failing history): every decision equal,
// and whatever the history, what is held never breaks the caps, the per-company limit, the
// phase gate, or overlaps in time, and nothing is booked or student-cancelled once its slot has
// started (or is within the event's cutoff).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ActiveBooking, type BookingPolicy, currentPhase, decideBooking, decideCancel } from "../worker/domain/rules.ts";

const MIN = 60_000;
const T0 = Date.parse("2027-02-10T08:00:00Z");
const ORDER = ["booking_closed", "slot_started", "phase_gate", "already_booked", "company_already_booked", "time_conflict", "phase_cap", "total_cap"];

interface Slot {
  id: string;
  companyId: string;
  startsAt: number;
  endsAt: number;
}
interface Held {
  slot: Slot;
  phase: 1 | 2;
}
interface Caps {
  max1: number;
  maxTotal: number;
  maxPerCompany: number;
}

/** The model: every rule a request breaks, then the first of them in the contract's order. */
function modelDecision(held: Held[], slot: Slot, now: number, cutoff: number, phase: 0 | 1 | 2, open: boolean, deprioritized: boolean, caps: Caps): string {
  const broken = new Set<string>();
  if (!open || phase === 0) broken.add("booking_closed");
  if (now >= slot.startsAt - cutoff * MIN) broken.add("slot_started");
  if (phase === 1 && deprioritized) broken.add("phase_gate");
  if (held.some((h) => h.slot.id === slot.id)) broken.add("already_booked");
  if (held.filter((h) => h.slot.companyId === slot.companyId).length >= caps.maxPerCompany) broken.add("company_already_booked");
  if (held.some((h) => Math.max(h.slot.startsAt, slot.startsAt) < Math.min(h.slot.endsAt, slot.endsAt))) broken.add("time_conflict");
  if (phase === 1 && held.filter((h) => h.phase === 1).length >= caps.max1) broken.add("phase_cap");
  if (held.length >= caps.maxTotal) broken.add("total_cap");
  return ORDER.find((c) => broken.has(c)) ?? `ok:${phase}`;
}

const slotArb = fc.record({ company: fc.integer({ min: 0, max: 3 }), quarter: fc.integer({ min: 0, max: 12 }), tens: fc.integer({ min: 1, max: 3 }) });
const opArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("book" as const), slot: fc.nat(), minutesBefore: fc.integer({ min: -30, max: 120 }), phase: fc.constantFrom<0 | 1 | 2>(0, 1, 2, 2), open: fc.constantFrom(true, true, true, true, false), deprioritized: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), which: fc.nat(), minutesBefore: fc.integer({ min: -30, max: 30 }), deadline: fc.option(fc.integer({ min: -60, max: 60 })) }) },
);
const historyArb = fc.record({
  slots: fc.array(slotArb, { minLength: 1, maxLength: 14 }),
  cutoff: fc.constantFrom(0, 0, 5, 15),
  caps: fc.record({ max1: fc.integer({ min: 0, max: 4 }), maxTotal: fc.integer({ min: 1, max: 7 }), maxPerCompany: fc.integer({ min: 1, max: 2 }) }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 40 }),
});

describe("the rules against a model", () => {
  it("every booking and cancellation decision of random histories equals the model's; held bookings keep every invariant", () => {
    fc.assert(
      fc.property(historyArb, ({ slots: raw, cutoff, caps, ops }) => {
        const slots: Slot[] = raw.map((s, i) => ({ id: `s${i}`, companyId: `c${s.company}`, startsAt: T0 + s.quarter * 15 * MIN, endsAt: T0 + s.quarter * 15 * MIN + s.tens * 10 * MIN }));
        const held: Held[] = [];
        let deprioritizedEver = false;
        for (const op of ops) {
          if (op.kind === "book") {
            const slot = slots[op.slot % slots.length]!;
            const now = slot.startsAt - op.minutesBefore * MIN;
            const policy: BookingPolicy = { now, bookingCutoffMinutes: cutoff, phase: op.phase, bookingOpen: op.open, deprioritized: op.deprioritized, maxBookingsPhase1: caps.max1, maxBookingsTotal: caps.maxTotal, maxBookingsPerCompany: caps.maxPerCompany };
            const active: ActiveBooking[] = held.map((h, i) => ({ id: `b${i}`, slotId: h.slot.id, companyId: h.slot.companyId, startsAt: h.slot.startsAt, endsAt: h.slot.endsAt, phase: h.phase }));
            const d = decideBooking(active, slot, policy);
            const got = d.ok ? `ok:${d.phase}` : d.code;
            expect(got).toBe(modelDecision(held, slot, now, cutoff, op.phase, op.open, op.deprioritized, caps));
            if (d.ok) {
              held.push({ slot, phase: d.phase });
              if (op.deprioritized && d.phase === 1) deprioritizedEver = true;
            }
          } else if (held.length) {
            const i = op.which % held.length;
            const h = held[i]!;
            const now = h.slot.startsAt - op.minutesBefore * MIN;
            const deadline = op.deadline === null ? null : h.slot.startsAt + op.deadline * MIN;
            const d = decideCancel({ startsAt: h.slot.startsAt }, { now, cancelDeadline: deadline, bookingCutoffMinutes: cutoff });
            expect(d.ok).toBe(now < h.slot.startsAt - cutoff * MIN && (deadline === null || now <= deadline));
            if (d.ok) held.splice(i, 1);
          }
          // Whatever happened, what is held keeps the invariants of DESIGN.md.
          expect(held.length).toBeLessThanOrEqual(caps.maxTotal);
          expect(held.filter((h) => h.phase === 1).length).toBeLessThanOrEqual(caps.max1);
          for (const c of new Set(held.map((h) => h.slot.companyId))) expect(held.filter((h) => h.slot.companyId === c).length).toBeLessThanOrEqual(caps.maxPerCompany);
          for (const a of held) for (const b of held) if (a !== b) expect(a.slot.startsAt < b.slot.endsAt && b.slot.startsAt < a.slot.endsAt).toBe(false);
          expect(deprioritizedEver).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("the current phase is the window that contains now, phase 2 when both do, 0 when none", () => {
    const bound = fc.option(fc.integer({ min: 0, max: 100 }));
    fc.assert(
      fc.property(fc.record({ p1s: bound, p1e: bound, p2s: bound, p2e: bound }), fc.integer({ min: -5, max: 105 }), (w, now) => {
        const inside = (s: number | null, e: number | null) => s !== null && s <= now && (e === null || now < e);
        const expected = inside(w.p2s, w.p2e) ? 2 : inside(w.p1s, w.p1e) ? 1 : 0;
        expect(currentPhase({ phase1Start: w.p1s, phase1End: w.p1e, phase2Start: w.p2s, phase2End: w.p2e }, now)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
