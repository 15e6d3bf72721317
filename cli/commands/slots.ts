// `slots generate`: the admin route's generator (worker/domain/slot-generation.ts: slotTimes and
// planRegeneration), applied through wrangler. The CLI cannot reach the SlotDOs to retire them,
// so it never deletes a slot D1 knows any booking of, and while booking is live (seats may be
// landing faster than D1 hears of them) it deletes nothing at all: the admin route, which
// retires each SlotDO first, is the way to remove slots during the event.
import { randomUUID } from "node:crypto";
import { currentPhase } from "../../worker/domain/rules.ts";
import { planRegeneration, slotTimes } from "../../worker/domain/slot-generation.ts";
import { phaseWindows } from "../../worker/lib/events.ts";
import { type Command, Refused, note, print, printJson, progress, table } from "../lib/cli.ts";
import { auditSql, inList, readWithEvent } from "../lib/d1.ts";
import { insert, lit } from "../lib/sql.ts";
import { executeFile } from "../lib/wrangler.ts";

const iso = (t: number) => new Date(t).toISOString();
const hhmm = (t: number, timeZone: string) => new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(t);

export const slotsGenerate: Command = {
  name: "slots generate",
  summary: "generate the active event's slots for its verified companies (preview with --dry-run)",
  usage: `npm run event -- slots generate [--company <name>]... [--dry-run]

For each verified company of the active event: slots of slotDurationMinutes from dayStart,
every slotDurationMinutes + bufferMinutes, ending by dayEnd, skipping breaks (in the event's
time zone, DST-safe). Running it again never duplicates a slot; a slot that no longer fits is
removed only if D1 knows no booking on it, and while booking is live nothing is removed (use
the admin page for that: it retires the slot's Durable Object first).

Options:
  --company <name>   only this company (repeatable; exact name, case-insensitive)
  --dry-run          show the preview table, write nothing`,
  options: { company: { type: "string", multiple: true }, "dry-run": { type: "boolean", default: false } },
  async run({ values }, ctx) {
    const dryRun = values["dry-run"] === true;
    const {
      event,
      rows: [verified = [], existing = []],
    } = readWithEvent(ctx.target, undefined, (id) => [
      `SELECT c.id, c.name FROM companies c JOIN event_companies ec ON ec.company_id = c.id
         WHERE ec.event_id = ${id} AND ec.verified_at IS NOT NULL ORDER BY c.name`,
      `SELECT s.id, s.company_id AS companyId, s.starts_at AS startsAt, s.ends_at AS endsAt, s.taken,
              (SELECT count(*) FROM bookings b WHERE b.slot_id = s.id) AS bookingRows
         FROM slots s WHERE s.event_id = ${id}`,
    ]);
    let targets = verified.map((v) => ({ id: String(v.id), name: String(v.name) }));
    const asked = (values.company as string[] | undefined) ?? [];
    if (asked.length) {
      const unknown = asked.filter((n) => !targets.some((t) => t.name.toLowerCase() === n.toLowerCase()));
      if (unknown.length)
        throw new Refused(`Not a verified company of ${event.name}: ${unknown.join(", ")}. Verified: ${targets.map((t) => t.name).join(", ") || "none (run companies import)"}`);
      targets = targets.filter((t) => asked.some((n) => n.toLowerCase() === t.name.toLowerCase()));
    }
    if (!targets.length) throw new Refused(`${event.name} has no verified company yet: run \`npm run event -- companies import <file.csv>\` first.`);
    const live = event.bookingOpen && currentPhase(phaseWindows(event), Date.now()) !== 0;
    const wanted = slotTimes(event);
    const sql: string[] = [];
    const rows = targets.map((company) => {
      const mine = existing.filter((s) => s.companyId === company.id);
      const plan = planRegeneration(
        mine.map((s) => ({
          id: String(s.id),
          startsAt: Date.parse(String(s.startsAt)),
          endsAt: Date.parse(String(s.endsAt)),
          booked: live || Number(s.taken) > 0 || Number(s.bookingRows) > 0,
        })),
        wanted,
      );
      for (const t of plan.create)
        sql.push(insert("slots", { id: randomUUID(), event_id: event.id, company_id: company.id, starts_at: iso(t.startsAt), ends_at: iso(t.endsAt), capacity: event.slotCapacity }));
      for (const r of plan.reshape) sql.push(`UPDATE slots SET ends_at = ${lit(iso(r.endsAt))} WHERE id = ${lit(r.id)};`);
      if (plan.remove.length) sql.push(`DELETE FROM slots WHERE id IN ${inList(plan.remove)};`);
      sql.push(`UPDATE slots SET capacity = ${event.slotCapacity} WHERE event_id = ${lit(event.id)} AND company_id = ${lit(company.id)} AND capacity <> ${event.slotCapacity};`);
      return {
        company: company.name,
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
    if (!dryRun && (changes || sql.some((s) => s.startsWith("UPDATE slots SET capacity")))) {
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
