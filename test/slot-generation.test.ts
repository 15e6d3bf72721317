// DST-safe slot generation with breaks, and regeneration that never duplicates nor drops a booked slot.
import { describe, expect, it } from "vitest";
import { type ExistingSlot, planRegeneration, slotTimes } from "../worker/domain/slot-generation.ts";
import { localDate, zonedToUtc } from "../worker/domain/timezone.ts";

const base = { timeZone: "Europe/Brussels", slotDurationMinutes: 10, bufferMinutes: 5, breaks: [] as { start: string; end: string }[] };
const hhmm = (t: number, tz = "Europe/Brussels") =>
  new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(t);

describe("slot generation", () => {
  it("fills 09:00-13:00 with 16 slots of 10 min every 15 min, the last ending by the day end", () => {
    const s = slotTimes({ ...base, date: "2027-02-10", dayStart: "09:00", dayEnd: "13:00" });
    expect(s).toHaveLength(16);
    expect(hhmm(s[0]!.startsAt)).toBe("09:00");
    expect(new Date(s[0]!.startsAt).toISOString()).toBe("2027-02-10T08:00:00.000Z"); // CET = UTC+1
    expect(hhmm(s[15]!.startsAt)).toBe("12:45");
    expect(hhmm(s[15]!.endsAt)).toBe("12:55");
    expect(s.every((x) => x.endsAt - x.startsAt === 10 * 60_000)).toBe(true);
  });

  it("uses the summer offset after the spring change (UTC+2)", () => {
    const s = slotTimes({ ...base, date: "2027-06-10", dayStart: "09:00", dayEnd: "13:00" });
    expect(new Date(s[0]!.startsAt).toISOString()).toBe("2027-06-10T07:00:00.000Z");
  });

  it("on the night the clocks spring forward, slots are real 10-minute intervals and never duplicated", () => {
    // Europe/Brussels, 2027-03-28: 02:00 CET jumps to 03:00 CEST.
    const s = slotTimes({ ...base, date: "2027-03-28", dayStart: "01:00", dayEnd: "04:00" });
    // 01:00 → 04:00 local is only 2 real hours: 8 slots, not 12.
    expect(s).toHaveLength(8);
    expect(new Set(s.map((x) => x.startsAt)).size).toBe(s.length);
    expect(s.map((x) => hhmm(x.startsAt))).toEqual(["01:00", "01:15", "01:30", "01:45", "03:00", "03:15", "03:30", "03:45"]);
    for (let i = 1; i < s.length; i++) expect(s[i]!.startsAt - s[i - 1]!.startsAt).toBe(15 * 60_000);
  });

  it("on the night the clocks fall back, the repeated hour gets its own slots, none twice", () => {
    // 2027-10-31: 03:00 CEST falls back to 02:00 CET; 01:00 → 04:00 local lasts 4 real hours.
    const s = slotTimes({ ...base, date: "2027-10-31", dayStart: "01:00", dayEnd: "04:00" });
    expect(s).toHaveLength(16);
    expect(new Set(s.map((x) => x.startsAt)).size).toBe(16);
    expect(s.filter((x) => hhmm(x.startsAt) === "02:15")).toHaveLength(2);
  });

  it("a wall time inside the spring gap moves forward by the gap", () => {
    expect(new Date(zonedToUtc("2027-03-28", "02:30", "Europe/Brussels")).toISOString()).toBe("2027-03-28T01:30:00.000Z");
    expect(localDate(Date.parse("2027-03-27T23:30:00Z"), "Europe/Brussels")).toBe("2027-03-28");
  });

  it("skips breaks: no slot overlaps a break and the first slot after it starts at its end", () => {
    const s = slotTimes({ ...base, date: "2027-02-10", dayStart: "09:00", dayEnd: "13:00", breaks: [{ start: "10:30", end: "11:00" }] });
    const local = s.map((x) => hhmm(x.startsAt));
    expect(local).toContain("10:15");
    expect(local).not.toContain("10:30");
    expect(local).not.toContain("10:45");
    expect(local[local.indexOf("10:15") + 1]).toBe("11:00");
    expect(s.every((x) => hhmm(x.endsAt) <= "10:30" || hhmm(x.startsAt) >= "11:00")).toBe(true);
  });
});

describe("regeneration", () => {
  const wanted = slotTimes({ ...base, date: "2027-02-10", dayStart: "09:00", dayEnd: "10:00" }); // 4 slots
  const existing = (booked: number[]): ExistingSlot[] => wanted.map((w, i) => ({ ...w, id: `s${i}`, booked: booked.includes(i) }));

  it("is a no-op when the slots already match (never duplicates)", () => {
    expect(planRegeneration(existing([1]), wanted)).toEqual({ create: [], reshape: [], remove: [], keptBooked: [], skipped: [] });
  });

  it("keeps a booked slot that no longer fits, removes unbooked ones, skips what would overlap it", () => {
    // The day now starts at 09:20 with 20-minute slots: every old slot is off the grid.
    const next = slotTimes({ ...base, date: "2027-02-10", dayStart: "09:20", dayEnd: "10:30", slotDurationMinutes: 20 });
    const plan = planRegeneration(existing([1]), next);
    expect(plan.keptBooked).toEqual(["s1"]);
    expect(plan.remove.sort()).toEqual(["s0", "s2"]);
    // s3 (09:45) starts where a wanted slot starts: reshaped in place to 09:45-10:05, id kept.
    expect(plan.reshape.map((r) => [r.id, hhmm(r.endsAt)])).toEqual([["s3", "10:05"]]);
    // s1 is 09:15-09:25: the wanted 09:20-09:40 overlaps it and is skipped, not created beside it.
    expect(plan.skipped.map((x) => hhmm(x.startsAt))).toEqual(["09:20"]);
    expect(plan.create.map((x) => hhmm(x.startsAt))).toEqual(["10:10"]);
  });

  it("reshapes an unbooked slot in place when only its length changes, and never a booked one", () => {
    const longer = wanted.map((w) => ({ startsAt: w.startsAt, endsAt: w.endsAt + 2 * 60_000 }));
    const plan = planRegeneration(existing([0]), longer);
    expect(plan.reshape.map((r) => r.id)).toEqual(["s1", "s2", "s3"]);
    expect(plan.keptBooked).toEqual(["s0"]);
    expect(plan.skipped).toHaveLength(1);
    expect(plan.create).toEqual([]);
  });
});
