// KeepWarm (durable-objects/keep-warm.ts): one pending timer while calls keep coming, armed by
// calls only (never by its own callback: costly in workerd), none once the object has been idle
// for the period (then the runtime may put it to sleep).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { KeepWarm } from "../durable-objects/keep-warm.ts";

describe("KeepWarm", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("holds at least half the period after the last call, with one timer at a time, re-armed by calls only", () => {
    const warm = new KeepWarm(60_000);
    expect(warm.holding).toBe(false);
    warm.touch();
    expect(vi.getTimerCount()).toBe(1);
    // Within the first half period: the same timer.
    vi.advanceTimersByTime(20_000);
    warm.touch();
    expect(vi.getTimerCount()).toBe(1);
    // Past it: a fresh timer for a whole period from this call.
    vi.advanceTimersByTime(20_000);
    warm.touch();
    warm.touch();
    expect(vi.getTimerCount()).toBe(1);
    // 60 s after the first call, but 20 s after the last: still held.
    vi.advanceTimersByTime(20_000);
    expect(warm.holding).toBe(true);
    vi.advanceTimersByTime(39_000);
    expect(warm.holding).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(warm.holding).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    // A later call starts over.
    warm.touch();
    expect(warm.holding).toBe(true);
  });
});
