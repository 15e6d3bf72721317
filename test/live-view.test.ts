// The clients' view of the live seats (worker/domain/live-view.ts), as a pure function: a seat
// message applies only on top of its company's previous one, a missed one is a gap (the client
// re-reads a snapshot), anything not newer is ignored, a snapshot replaces the view.
import { describe, expect, it } from "vitest";
import type { LiveSeatMessage } from "../worker/domain/contract.ts";
import { applyLive, emptyView } from "../worker/domain/live-view.ts";

const A = "company-a";
const seat = (seq: number, prevSeq: number, taken: number, slotId = "s1", blocked = false): LiveSeatMessage => ({ type: "seat", seq, prevSeq, slotId, companyId: A, taken, capacity: 2, blocked, free: blocked ? 0 : 2 - taken, at: 0, sentAt: 0 });
const snapshot = (seq: number, companySeq: number, taken = 0) => ({
  type: "snapshot" as const,
  seq,
  slots: [{ slotId: "s1", companyId: A, taken, capacity: 2 }],
  companies: [{ companyId: A, free: 2 - taken, seq: companySeq }],
  event: { currentPhase: 1 as const, bookingOpen: true },
});

describe("the live view", () => {
  it("applies a company's changes in order and reports a missed one as a gap", () => {
    const v = emptyView();
    expect(applyLive(v, snapshot(10, 7))).toBe("applied");
    expect(applyLive(v, seat(11, 7, 1))).toBe("applied");
    expect(v.slots.get("s1")?.taken).toBe(1);
    expect(applyLive(v, seat(14, 12, 2))).toBe("gap");
    expect(v.slots.get("s1")?.taken, "a gap changes nothing").toBe(1);
    expect(applyLive(v, seat(11, 7, 1)), "twice").toBe("stale");
    expect(applyLive(v, seat(9, 5, 0)), "older than the snapshot").toBe("stale");
  });

  it("a blocked slot comes with its seat message and shows no free seats in its company's total", () => {
    const v = emptyView();
    applyLive(v, snapshot(10, 7));
    expect(applyLive(v, seat(11, 7, 1, "s1", true))).toBe("applied");
    expect(v.slots.get("s1")).toMatchObject({ taken: 1, blocked: true });
    expect(v.companies.get(A)?.free).toBe(0);
  });

  it("a seat message for a company the view has no base for is a gap", () => {
    const v = emptyView();
    expect(applyLive(v, seat(3, 0, 1))).toBe("gap");
  });

  it("a snapshot replaces the whole view, and event messages apply only when newer", () => {
    const v = emptyView();
    applyLive(v, snapshot(5, 5, 1));
    applyLive(v, { type: "event", seq: 6, currentPhase: 2, bookingOpen: false });
    expect(v.phase).toEqual({ currentPhase: 2, bookingOpen: false, seq: 6 });
    expect(applyLive(v, { type: "event", seq: 4, currentPhase: 1, bookingOpen: true })).toBe("stale");
    applyLive(v, { ...snapshot(20, 18, 2), slots: [], companies: [] });
    expect(v.slots.size).toBe(0);
    expect(v.companies.size).toBe(0);
    expect(v.seq).toBe(20);
  });
});
