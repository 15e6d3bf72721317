// The StudentDO's booking rate limit (durable-objects/token-bucket.ts): a burst, then a steady
// rate, and a refusal that says how long to wait (the 429's Retry-After).
import { describe, expect, it } from "vitest";
import { TokenBucket } from "../durable-objects/token-bucket.ts";

describe("the token bucket", () => {
  it("grants a burst of its size, then refuses with the seconds until the next token", () => {
    const b = new TokenBucket(3, 1);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([0, 0, 0]);
    expect(b.take(0)).toBe(1);
    expect(b.take(400)).toBe(1);
    expect(b.take(1000)).toBe(0);
  });

  it("refills at its rate, never above its size, and a slow rate asks for a longer wait", () => {
    const b = new TokenBucket(2, 0.25);
    expect([b.take(0), b.take(0)]).toEqual([0, 0]);
    expect(b.take(0)).toBe(4);
    expect(b.take(3000)).toBe(1);
    expect(b.take(4000)).toBe(0);
    const full = new TokenBucket(2, 1);
    expect([full.take(1e9), full.take(1e9), full.take(1e9)]).toEqual([0, 0, 1]);
  });
});
