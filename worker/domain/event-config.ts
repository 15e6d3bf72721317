// The yearly configuration's schema: one zod definition for the admin API and the CLI.
import { z } from "zod";
import type { EventConfig } from "./contract.ts";
import { isValidTimeZone } from "./timezone.ts";

export const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM (24 h)");
const isoUtc = z.iso.datetime({ message: "expected an ISO-8601 UTC date-time, e.g. 2027-01-15T08:00:00Z" });
const dateOnly = z.iso.date({ message: "expected a date YYYY-MM-DD" });
const emailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "expected an e-mail domain, e.g. student.school.be");
const count = (min: number, max: number) => z.number().int().min(min).max(max);
/** A slot's seats, event-wide or set on one slot by its recruiter. */
export const MAX_SLOT_CAPACITY = 100;

export const breakSchema = z.strictObject({ start: hhmm, end: hhmm });

/** Every field of the configuration, unrefined (so the PATCH schema can be its partial). */
export const eventConfigFields = z.strictObject({
  name: z.string().trim().min(1).max(120),
  date: dateOnly,
  timeZone: z.string().refine(isValidTimeZone, "unknown IANA time zone"),
  slotDurationMinutes: count(1, 240),
  bufferMinutes: count(0, 240),
  slotCapacity: count(1, MAX_SLOT_CAPACITY),
  dayStart: hhmm,
  dayEnd: hhmm,
  breaks: z.array(breakSchema).max(20),
  phase1Start: isoUtc.nullable(),
  phase1End: isoUtc.nullable(),
  phase2Start: isoUtc.nullable(),
  phase2End: isoUtc.nullable(),
  maxBookingsPhase1: count(0, 100),
  maxBookingsTotal: count(1, 100),
  maxBookingsPerCompany: count(1, 100),
  cancelDeadline: isoUtc.nullable(),
  bookingCutoffMinutes: count(0, 24 * 60),
  contactEmail: z.email({ message: "expected an e-mail address" }).max(254).nullable(),
  bookingOpen: z.boolean(),
  liveMaxSockets: count(1, 32_000),
  drawPhase1: z.boolean(),
  drawPhase2: z.boolean(),
  wishesOpen: isoUtc.nullable(),
  maxWishes: count(1, 50),
  studentEmailDomains: z.array(emailDomain).max(20),
});

export const eventConfigPatch = eventConfigFields.partial();

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** Cross-field rules, each reported on the field a person would fix. */
export function checkEventConfig(c: EventConfig, ctx: z.RefinementCtx): void {
  const issue = (path: keyof EventConfig | (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path: Array.isArray(path) ? path : [path], message });
  if (c.dayStart >= c.dayEnd) issue("dayEnd", "dayEnd must be after dayStart");
  c.breaks.forEach((b, i) => {
    if (b.start >= b.end) issue(["breaks", i, "end"], "a break must end after it starts");
    else if (b.start < c.dayStart || b.end > c.dayEnd) issue(["breaks", i], "a break must lie within the day");
  });
  const sorted = c.breaks.map((b, i) => ({ ...b, i })).sort((a, b) => a.start.localeCompare(b.start));
  sorted.forEach((b, j) => {
    const prev = sorted[j - 1];
    if (prev && b.start < prev.end) issue(["breaks", b.i], "breaks must not overlap");
  });
  const [p1s, p1e, p2s, p2e] = [ms(c.phase1Start), ms(c.phase1End), ms(c.phase2Start), ms(c.phase2End)];
  if (p1s !== null && p1e !== null && p1s >= p1e) issue("phase1End", "phase 1 must end after it starts");
  if (p2s !== null && p2e !== null && p2s >= p2e) issue("phase2End", "phase 2 must end after it starts");
  if (p1s !== null && p2s !== null && p2s <= p1s) issue("phase2Start", "phase 2 must start after phase 1 starts");
  if (p1e !== null && p2s !== null && p2s < p1e) issue("phase2Start", "phase 2 must not start before phase 1 ends");
  if (c.maxBookingsPhase1 > c.maxBookingsTotal)
    issue("maxBookingsPhase1", "the phase-1 cap cannot exceed the total cap");
  if (c.maxBookingsPerCompany > c.maxBookingsTotal)
    issue("maxBookingsPerCompany", "the per-company cap cannot exceed the total cap");
  // Wishes must open before the first draw they feed, or that draw would seal an empty list.
  const wo = ms(c.wishesOpen);
  const firstDraw = c.drawPhase1 ? p1s : c.drawPhase2 ? p2s : null;
  if (wo !== null && firstDraw !== null && wo >= firstDraw)
    issue("wishesOpen", `wishes must open before phase ${c.drawPhase1 ? 1 : 2} starts (its draw seals them)`);
}

export const eventConfigSchema = eventConfigFields.superRefine(checkEventConfig);

/** Defaults of seed 000's event_config, for a new event. */
export const DEFAULT_EVENT_CONFIG: Omit<EventConfig, "name" | "date"> = {
  timeZone: "Europe/Brussels",
  slotDurationMinutes: 10,
  bufferMinutes: 5,
  slotCapacity: 2,
  dayStart: "09:00",
  dayEnd: "13:00",
  breaks: [],
  phase1Start: null,
  phase1End: null,
  phase2Start: null,
  phase2End: null,
  maxBookingsPhase1: 3,
  maxBookingsTotal: 6,
  maxBookingsPerCompany: 1,
  cancelDeadline: null,
  bookingCutoffMinutes: 0,
  contactEmail: null,
  bookingOpen: false,
  liveMaxSockets: 5000,
  drawPhase1: true,
  drawPhase2: true,
  wishesOpen: null,
  maxWishes: 10,
  studentEmailDomains: [],
};
