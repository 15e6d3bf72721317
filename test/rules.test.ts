// The booking rules as pure functions (worker/domain/rules.ts): every refusal, in contract order.
import { describe, expect, it } from "vitest";
import { type ActiveBooking, type BookingPolicy, type CancelPolicy, currentPhase, decideBooking, decideCancel, overlaps, slotStarted } from "../worker/domain/rules.ts";

const MIN = 60_000;
const T0 = Date.parse("2027-02-10T08:00:00Z");
const slot = (i: number, companyId = `c${i}`) => ({ id: `s${i}`, companyId, startsAt: T0 + i * 15 * MIN, endsAt: T0 + i * 15 * MIN + 10 * MIN });
const held = (i: number, phase: 1 | 2 = 1, companyId = `c${i}`): ActiveBooking => ({ ...slot(i, companyId), id: `b${i}`, slotId: `s${i}`, phase });
const policy = (p: Partial<BookingPolicy> = {}): BookingPolicy => ({
  now: T0 - 24 * 60 * MIN,
  bookingCutoffMinutes: 0,
  phase: 1,
  bookingOpen: true,
  deprioritized: false,
  maxBookingsPhase1: 3,
  maxBookingsTotal: 6,
  maxBookingsPerCompany: 1,
  ...p,
});
const code = (d: ReturnType<typeof decideBooking>) => (d.ok ? `ok:${d.phase}` : d.code);

describe("decideBooking", () => {
  it("accepts a free student in the current phase and stamps the phase", () => {
    expect(code(decideBooking([], slot(1), policy()))).toBe("ok:1");
    expect(code(decideBooking([], slot(1), policy({ phase: 2 })))).toBe("ok:2");
  });

  it("refuses with booking_closed outside the phases and when the kill switch is off", () => {
    expect(code(decideBooking([], slot(1), policy({ phase: 0 })))).toBe("booking_closed");
    expect(code(decideBooking([], slot(1), policy({ bookingOpen: false })))).toBe("booking_closed");
    expect(code(decideBooking([], slot(1), policy({ bookingOpen: false, phase: 2 })))).toBe("booking_closed");
  });

  it("keeps deprioritized students out of phase 1 only", () => {
    expect(code(decideBooking([], slot(1), policy({ deprioritized: true })))).toBe("phase_gate");
    expect(code(decideBooking([], slot(1), policy({ deprioritized: true, phase: 2 })))).toBe("ok:2");
  });

  it("refuses the same slot twice with already_booked, naming the booking", () => {
    const d = decideBooking([held(1)], slot(1), policy());
    expect(d).toMatchObject({ ok: false, code: "already_booked", details: { bookingId: "b1" } });
  });

  it("allows one booking per company by default and honours a larger per-company cap", () => {
    const other = slot(3, "c1");
    expect(code(decideBooking([held(1)], other, policy()))).toBe("company_already_booked");
    expect(code(decideBooking([held(1)], other, policy({ maxBookingsPerCompany: 2 })))).toBe("ok:1");
  });

  it("refuses an overlapping slot with time_conflict and says which booking collides", () => {
    const overlapping = { id: "x", companyId: "other", startsAt: T0 + 15 * MIN + 5 * MIN, endsAt: T0 + 15 * MIN + 15 * MIN };
    const d = decideBooking([held(1)], overlapping, policy());
    expect(d).toMatchObject({ ok: false, code: "time_conflict", details: { bookingId: "b1", slotId: "s1", companyId: "c1" } });
    // Touching ends do not overlap: [08:15, 08:25) then [08:25, 08:35).
    const touching = { id: "y", companyId: "other", startsAt: T0 + 25 * MIN, endsAt: T0 + 35 * MIN };
    expect(code(decideBooking([held(1)], touching, policy()))).toBe("ok:1");
  });

  it("caps phase 1 at 3 and counts only phase-1 bookings against it", () => {
    const three = [held(1), held(2), held(3)];
    expect(decideBooking(three, slot(4), policy())).toMatchObject({ code: "phase_cap", details: { used: 3, max: 3 } });
    // In phase 2 the same three count only against the total.
    expect(code(decideBooking(three, slot(4), policy({ phase: 2 })))).toBe("ok:2");
  });

  it("caps the total at 6 across both phases", () => {
    const six = [held(1), held(2), held(3), held(4, 2), held(5, 2), held(6, 2)];
    expect(decideBooking(six, slot(7), policy({ phase: 2 }))).toMatchObject({ code: "total_cap", details: { used: 6, max: 6 } });
    expect(code(decideBooking(six.slice(0, 5), slot(7), policy({ phase: 2 })))).toBe("ok:2");
  });

  it("answers the most fundamental refusal first (contract order)", () => {
    const full = [held(1), held(2), held(3)];
    // Closed beats everything; the gate beats the caps; the same slot beats the company and the time.
    expect(code(decideBooking(full, slot(1), policy({ bookingOpen: false, deprioritized: true })))).toBe("booking_closed");
    expect(code(decideBooking(full, slot(4), policy({ deprioritized: true })))).toBe("phase_gate");
    expect(code(decideBooking(full, slot(1), policy()))).toBe("already_booked");
    expect(code(decideBooking(full, { ...slot(1), id: "other-slot-same-time" }, policy()))).toBe("company_already_booked");
    expect(code(decideBooking(full, { ...slot(2), id: "z", companyId: "cz" }, policy()))).toBe("time_conflict");
  });
});

describe("currentPhase", () => {
  const w = { phase1Start: 100, phase1End: 200, phase2Start: 200, phase2End: 300 };
  it("is 0 before, 1 then 2 inside their half-open windows, 0 after", () => {
    expect([99, 100, 199, 200, 299, 300].map((t) => currentPhase(w, t))).toEqual([0, 1, 1, 2, 2, 0]);
  });
  it("is 0 when no window is configured, and an open-ended phase 2 stays open", () => {
    expect(currentPhase({ phase1Start: null, phase1End: null, phase2Start: null, phase2End: null }, 150)).toBe(0);
    expect(currentPhase({ ...w, phase2End: null }, 10_000)).toBe(2);
  });
});

describe("the clock: slots that have started", () => {
  it("refuses a slot from its start (or from the cutoff before it) with slot_started, the clock injected", () => {
    const s = slot(1);
    expect(code(decideBooking([], s, policy({ now: s.startsAt - 1 })))).toBe("ok:1");
    expect(decideBooking([], s, policy({ now: s.startsAt }))).toMatchObject({ ok: false, code: "slot_started", details: { startsAt: new Date(s.startsAt).toISOString() } });
    expect(code(decideBooking([], s, policy({ now: s.endsAt + MIN })))).toBe("slot_started");
    expect(code(decideBooking([], s, policy({ now: s.startsAt - 5 * MIN, bookingCutoffMinutes: 10 })))).toBe("slot_started");
    expect(code(decideBooking([], s, policy({ now: s.startsAt - 11 * MIN, bookingCutoffMinutes: 10 })))).toBe("ok:1");
  });

  it("answers booking_closed before slot_started, and slot_started before the student's own refusals", () => {
    const s = slot(1);
    const started = { now: s.startsAt + MIN };
    expect(code(decideBooking([], s, policy({ ...started, bookingOpen: false })))).toBe("booking_closed");
    expect(code(decideBooking([held(1)], s, policy({ ...started, deprioritized: true })))).toBe("slot_started");
  });

  it("slotStarted is the same rule the pages use", () => {
    expect([slotStarted(1000, 999, 0), slotStarted(1000, 1000, 0), slotStarted(10 * MIN, 5 * MIN, 5)]).toEqual([false, true, true]);
  });
});

describe("decideCancel and overlaps", () => {
  const cancel = (startsAt: number, now: number, cancelDeadline: number | null, bookingCutoffMinutes = 0) =>
    decideCancel({ startsAt }, { now, cancelDeadline, bookingCutoffMinutes } satisfies CancelPolicy);
  it("allows cancelling until the configured deadline, then refuses with cancel_deadline_passed", () => {
    expect(cancel(10 * MIN, 500, 600)).toEqual({ ok: true });
    expect(cancel(10 * MIN, 601, 600)).toMatchObject({ ok: false, code: "cancel_deadline_passed" });
  });
  it("without a deadline, allows cancelling until the slot starts; from then on it is slot_started", () => {
    expect(cancel(1000, 999, null)).toEqual({ ok: true });
    expect(cancel(1000, 1000, null)).toMatchObject({ code: "slot_started" });
    expect(cancel(10 * MIN, 6 * MIN, null, 5)).toMatchObject({ code: "slot_started" });
  });
  it("a started slot answers slot_started even when the deadline has passed too", () => {
    expect(cancel(1000, 2000, 500)).toMatchObject({ code: "slot_started" });
  });
  it("treats intervals as half-open", () => {
    expect(overlaps({ startsAt: 0, endsAt: 10 }, { startsAt: 10, endsAt: 20 })).toBe(false);
    expect(overlaps({ startsAt: 0, endsAt: 11 }, { startsAt: 10, endsAt: 20 })).toBe(true);
  });
});
