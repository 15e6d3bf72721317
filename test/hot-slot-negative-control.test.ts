// The negative control of hot-slot.test.ts (issue #11, item 9): the same scenario and the same
// checks against a SlotDO whose seat check is deliberately racy (the test-only `raceWindow` opens
// an await between the check and the write, as a naive implementation would). The checks must
// catch the overbooking: a hot-slot test that passed here would prove nothing.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SlotDO } from "../durable-objects/slot-do.ts";
import { slotDo, slotState } from "./helpers.ts";
import { fireAndCheck, hotSlot } from "./hot-slot-scenario.ts";

describe("the hot-slot test's negative control", () => {
  it("against a racy seat check, the hot-slot checks fail: more seats than the capacity are found and reported", async () => {
    const h = await hotSlot(30);
    await runInDurableObject(slotDo(h.slotId), (o: SlotDO) => {
      o.raceWindow = () => new Promise((resolve) => setTimeout(resolve, 20));
    });
    await expect(fireAndCheck(h)).rejects.toThrow();
    // The failure is the one the test exists for: the slot holds more seats than it has.
    expect((await slotState(h.slotId)).taken).toBeGreaterThan(2);
  });
});
