// Slot generation (DESIGN.md "Data and the yearly cycle"): pure, shared by the admin route and
// the CLI. Times are epoch milliseconds; durations are real minutes, so a day that crosses a DST
// change gets the slots that truly fit between its start and its end.
import type { Break } from "./contract.ts";
import { overlaps } from "./rules.ts";
import { zonedToUtc } from "./timezone.ts";

export interface DayPlan {
  date: string;
  timeZone: string;
  dayStart: string;
  dayEnd: string;
  slotDurationMinutes: number;
  bufferMinutes: number;
  breaks: Break[];
}

export interface SlotTimes {
  startsAt: number;
  endsAt: number;
}

const MINUTE = 60_000;

/** `[t, t+duration)` from the day start, next `t += duration + buffer`; a slot never crosses a break. */
export function slotTimes(plan: DayPlan): SlotTimes[] {
  const dayStart = zonedToUtc(plan.date, plan.dayStart, plan.timeZone);
  const dayEnd = zonedToUtc(plan.date, plan.dayEnd, plan.timeZone);
  const breaks = plan.breaks
    .map((b) => ({
      startsAt: zonedToUtc(plan.date, b.start, plan.timeZone),
      endsAt: zonedToUtc(plan.date, b.end, plan.timeZone),
    }))
    .sort((a, b) => a.startsAt - b.startsAt);
  const duration = plan.slotDurationMinutes * MINUTE;
  const step = duration + plan.bufferMinutes * MINUTE;
  const out: SlotTimes[] = [];
  let t = dayStart;
  while (t + duration <= dayEnd) {
    const slot = { startsAt: t, endsAt: t + duration };
    const blocking = breaks.find((b) => overlaps(b, slot));
    if (blocking) {
      t = blocking.endsAt;
      continue;
    }
    out.push(slot);
    t += step;
  }
  return out;
}

export interface ExistingSlot extends SlotTimes {
  id: string;
  /** Seats taken, as far as anyone knows (D1 count, or SlotDO when checked). */
  booked: boolean;
}

export interface RegenerationPlan {
  create: SlotTimes[];
  /** Unbooked slots whose end moved (duration changed): updated in place, ids kept. */
  reshape: { id: string; endsAt: number }[];
  /** Unbooked slots that no longer fit the day. */
  remove: string[];
  /** Booked slots that no longer fit the day: kept, never dropped silently. */
  keptBooked: string[];
  /** Wanted slots not created because they would overlap a kept booked slot. */
  skipped: SlotTimes[];
}

/** What to do with one company's slots so they match `wanted`, without duplicating or dropping a booked one. */
export function planRegeneration(existing: readonly ExistingSlot[], wanted: readonly SlotTimes[]): RegenerationPlan {
  const plan: RegenerationPlan = { create: [], reshape: [], remove: [], keptBooked: [], skipped: [] };
  const exact = (s: SlotTimes, w: SlotTimes) => s.startsAt === w.startsAt && s.endsAt === w.endsAt;
  const kept = existing.filter((s) => s.booked && !wanted.some((w) => exact(s, w)));
  plan.keptBooked = kept.map((s) => s.id);
  const used = new Set<string>();

  for (const w of wanted) {
    const same = existing.find((s) => exact(s, w));
    if (same) {
      used.add(same.id);
      continue;
    }
    if (kept.some((k) => overlaps(k, w))) {
      plan.skipped.push(w);
      continue;
    }
    const movable = existing.find((s) => !s.booked && s.startsAt === w.startsAt);
    if (movable) {
      used.add(movable.id);
      plan.reshape.push({ id: movable.id, endsAt: w.endsAt });
    } else plan.create.push(w);
  }
  for (const s of existing) if (!s.booked && !used.has(s.id)) plan.remove.push(s.id);
  return plan;
}
