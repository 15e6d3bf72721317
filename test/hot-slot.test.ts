// The moment that matters: hundreds of students click the same capacity-2 slot at once.
import { describe, it } from "vitest";
import { fireAndCheck, hotSlot } from "./hot-slot-scenario.ts";

describe("a hot slot", () => {
  it("seats exactly 2 of 500 students firing at once, refuses 498 with slot_full and records 500 attempts", async () => {
    await fireAndCheck(await hotSlot(500));
  });
});
