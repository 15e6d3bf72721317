// `slots generate`: the admin route's generator (worker/domain/slot-generation.ts: slotTimes and
// planRegeneration), applied through wrangler. The CLI cannot reach the SlotDOs to retire them,
// so it never deletes a slot D1 knows any booking of, and while booking is live (seats may be
// landing faster than D1 hears of them) it deletes nothing at all: the admin route, which
// retires each SlotDO first, is the way to remove slots during the event.
import { randomUUID } from "node:crypto";
import { currentPhase } from "../../worker/domain/rules.ts";
import { planRegeneration, slotTimes } from "../../worker/domain/slot-generation.ts";
import { phaseWindows } from "../../worker/lib/events.ts";
import { hhmm as hhmmSchema } from "../../worker/domain/event-config.ts";
import { type Command, Refused, UsageError, note, print, printJson, progress, table } from "../lib/cli.ts";
import { auditSql, inList, readWithEvent } from "../lib/d1.ts";
import { insert, lit } from "../lib/sql.ts";
import { executeFile } from "../lib/wrangler.ts";

const iso = (t: number) => new Date(t).toISOString();
const hhmm = (t: number, timeZone: string) => new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(t);

/** --start/--end (a company's own day), --event-hours (null: the event's), or neither (undefined). */
function ownHours(values: Record<string, unknown>): { dayStart: string; dayEnd: string } | null | undefined {
  const [start, end] = [values.start as string | undefined, values.end as string | undefined];
  if (values["event-hours"] === true) {
    if (start !== undefined || end !== undefined) throw new UsageError("--event-hours goes without --start/--end");
    return null;
  }
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined) throw new UsageError("--start and --end go together");
  for (const [flag, v] of [["--start", start], ["--end", end]] as const) if (!hhmmSchema.safeParse(v).success) throw new UsageError(`${flag} must be HH:MM (24 h), not "${v}"`);
  if (start >= end) throw new UsageError("--end must be after --start");
  return { dayStart: start, dayEnd: end };
}

export const slotsGenerate: Command = {
  name: "slots generate",
  summary: "generate the active event's slots for its verified companies (preview with --dry-run)",
  usage: `npm run event -- slots generate [--company <name>]... [--start HH:MM --end HH:MM | --event-hours] [--dry-run]

For each verified company of the active event: slots of slotDurationMinutes from dayStart,
every slotDurationMinutes + bufferMinutes, ending by dayEnd, skipping breaks (in the event's
time zone, DST-safe). Running it again never duplicates a slot; a slot that no longer fits is
removed only if D1 knows no booking on it, and while booking is live nothing is removed (use
the admin page for that: it retires the slot's Durable Object first).

A company may keep its own hours (a recruiter who comes for the morning only): --start and
--end with --company set them (kept for later runs), --event-hours gives it the event's again.

Options:
  --company <name>   only this company (repeatable; exact name, case-insensitive)
  --start, --end     with --company: these companies' own day, "HH:MM" in the event's time zone
  --event-hours      with --company: back to the event's dayStart/dayEnd
  --dry-run          show the preview table, write nothing`,
  options: {
    company: { type: "string", multiple: true },
    start: { type: "string" },
    end: { type: "string" },
    "event-hours": { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
  },
  async run({ values }, ctx) {
    const dryRun = values["dry-run"] === true;
    const hours = ownHours(values);
    const {
      event,
      rows: [verified = [], existing = []],
    } = readWithEvent(ctx.target, undefined, (id) => [
      `SELECT c.id, c.name, ec.day_start AS dayStart, ec.day_end AS dayEnd FROM companies c JOIN event_companies ec ON ec.company_id = c.id
         WHERE ec.event_id = ${id} AND ec.verified_at IS NOT NULL ORDER BY c.name`,
      `SELECT s.id, s.company_id AS companyId, s.starts_at AS startsAt, s.ends_at AS endsAt, s.taken,
              (SELECT count(*) FROM bookings b WHERE b.slot_id = s.id) AS bookingRows
         FROM slots s WHERE s.event_id = ${id}`,
    ]);
    let targets = verified.map((v) => ({ id: String(v.id), name: String(v.name), dayStart: (v.dayStart as string | null) ?? null, dayEnd: (v.dayEnd as string | null) ?? null }));
    const asked = (values.company as string[] | undefined) ?? [];
    if (hours !== undefined && !asked.length) throw new UsageError("--start/--end and --event-hours apply to the companies named with --company");
    if (asked.length) {
      const unknown = asked.filter((n) => !targets.some((t) => t.name.toLowerCase() === n.toLowerCase()));
      if (unknown.length)
        throw new Refused(`Not a verified company of ${event.name}: ${unknown.join(", ")}. Verified: ${targets.map((t) => t.name).join(", ") || "none (run companies import)"}`);
      targets = targets.filter((t) => asked.some((n) => n.toLowerCase() === t.name.toLowerCase()));
    }
    if (!targets.length) throw new Refused(`${event.name} has no verified company yet: run \`npm run event -- companies import <file.csv>\` first.`);
    const sql: string[] = [];
    if (hours !== undefined) {
      targets = targets.map((t) => ({ ...t, dayStart: hours?.dayStart ?? null, dayEnd: hours?.dayEnd ?? null }));
      sql.push(`UPDATE event_companies SET day_start = ${lit(hours?.dayStart ?? null)}, day_end = ${lit(hours?.dayEnd ?? null)} WHERE event_id = ${lit(event.id)} AND company_id IN ${inList(targets.map((t) => t.id))};`);
      sql.push(auditSql(ctx.actor, { action: "companies.hours", eventId: event.id, targetType: "event", targetId: event.id, after: { companies: targets.map((t) => t.name), hours } }));
    }
    const live = event.bookingOpen && currentPhase(phaseWindows(event), Date.now()) !== 0;
    const wanted = slotTimes(event);
    const rows = targets.map((company) => {
      const day = { dayStart: company.dayStart ?? event.dayStart, dayEnd: company.dayEnd ?? event.dayEnd };
      const own = company.dayStart || company.dayEnd ? slotTimes({ ...event, ...day }) : wanted;
      const mine = existing.filter((s) => s.companyId === company.id);
      const plan = planRegeneration(
        mine.map((s) => ({
          id: String(s.id),
          startsAt: Date.parse(String(s.startsAt)),
          endsAt: Date.parse(String(s.endsAt)),
          booked: live || Number(s.taken) > 0 || Number(s.bookingRows) > 0,
        })),
        own,
      );
      for (const t of plan.create)
        sql.push(insert("slots", { id: randomUUID(), event_id: event.id, company_id: company.id, starts_at: iso(t.startsAt), ends_at: iso(t.endsAt), capacity: event.slotCapacity }));
      for (const r of plan.reshape) sql.push(`UPDATE slots SET ends_at = ${lit(iso(r.endsAt))} WHERE id = ${lit(r.id)};`);
      if (plan.remove.length) sql.push(`DELETE FROM slots WHERE id IN ${inList(plan.remove)};`);
      sql.push(`UPDATE slots SET capacity = ${event.slotCapacity} WHERE event_id = ${lit(event.id)} AND company_id = ${lit(company.id)} AND capacity <> ${event.slotCapacity} AND capacity_custom = 0;`);
      return {
        company: company.name,
        hours: `${day.dayStart}-${day.dayEnd}`,
        slots: mine.length - plan.remove.length + plan.create.length,
        create: plan.create.length,
        reshape: plan.reshape.length,
        remove: plan.remove.length,
        keptBooked: plan.keptBooked.length,
        skipped: plan.skipped.length,
      };
    });
    const sum = (k: keyof (typeof rows)[number]) => rows.reduce((a, r) => a + Number(r[k]), 0);
    const totals = { create: sum("create"), reshape: sum("reshape"), remove: sum("remove"), keptBooked: sum("keptBooked"), skipped: sum("skipped") };
    const changes = totals.create + totals.reshape + totals.remove;
    if (!dryRun && (changes || hours !== undefined || sql.some((s) => s.startsWith("UPDATE slots SET capacity")))) {
      sql.push(auditSql(ctx.actor, { action: "slots.generate", eventId: event.id, targetType: "event", targetId: event.id, after: { companies: targets.map((t) => t.name), ...totals } }));
      const done = progress(`writing ${changes} slot changes`);
      await executeFile(ctx.target, sql.join("\n"));
      done();
    }
    const day = wanted.length ? `${hhmm(wanted[0]!.startsAt, event.timeZone)}-${hhmm(wanted.at(-1)!.endsAt, event.timeZone)} ${event.timeZone}` : "no slot fits the day";
    if (ctx.json) return printJson({ event: event.name, dryRun, live, perCompanySlots: wanted.length, day, ...totals, companies: rows });
    print(`${event.name} (${event.date}): ${wanted.length} slots per company, ${day}${dryRun ? " (dry run: nothing written)" : ""}`);
    print(table(rows));
    if (live && !dryRun) note("Booking is live: no slot was removed (the admin page retires slots safely during the event).");
    if (totals.keptBooked) note(`${totals.keptBooked} booked slot(s) no longer fit the day and were kept; ${totals.skipped} wanted slot(s) overlap them and were skipped.`);
  },
};
