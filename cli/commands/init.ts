// `init <config-file>`: this year's event from a versioned config file. A new name creates a new
// event and archives the active one (its rows stay, read-only and exportable: the seed's DELETE
// script is what this replaces); the active event's own name updates its configuration in place.
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { EventConfig } from "../../worker/domain/contract.ts";
import { toConfig } from "../../worker/lib/events.ts";
import { events } from "../../worker/db/schema.ts";
import { type Command, Refused, UsageError, note, nowIso, pairs, print, printJson, progress, table } from "../lib/cli.ts";
import { ConfigFileError, loadConfigFile } from "../lib/config-file.ts";
import { auditSql, fromRow } from "../lib/d1.ts";
import { insert, lit } from "../lib/sql.ts";
import { ROOT, applyMigrations, executeFile, queryMany } from "../lib/wrangler.ts";

/** Settings that change the slots: after changing one, slots are generated again. */
const SHAPES_SLOTS: (keyof EventConfig)[] = ["date", "timeZone", "slotDurationMinutes", "bufferMinutes", "slotCapacity", "dayStart", "dayEnd", "breaks"];

export const eventColumns = (c: EventConfig) => ({
  name: c.name,
  date: c.date,
  time_zone: c.timeZone,
  slot_duration_minutes: c.slotDurationMinutes,
  buffer_minutes: c.bufferMinutes,
  slot_capacity: c.slotCapacity,
  day_start: c.dayStart,
  day_end: c.dayEnd,
  breaks: JSON.stringify(c.breaks),
  phase1_start: c.phase1Start,
  phase1_end: c.phase1End,
  phase2_start: c.phase2Start,
  phase2_end: c.phase2End,
  max_bookings_phase1: c.maxBookingsPhase1,
  max_bookings_total: c.maxBookingsTotal,
  max_bookings_per_company: c.maxBookingsPerCompany,
  cancel_deadline: c.cancelDeadline,
  booking_cutoff_minutes: c.bookingCutoffMinutes,
  contact_email: c.contactEmail,
  booking_open: c.bookingOpen,
  live_max_sockets: c.liveMaxSockets,
  draw_phase1: c.drawPhase1,
  draw_phase2: c.drawPhase2,
  wishes_open: c.wishesOpen,
  max_wishes: c.maxWishes,
  student_email_domains: JSON.stringify(c.studentEmailDomains),
});

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export const init: Command = {
  name: "init",
  summary: "create this year's event from a config file (archives last year's), or update it",
  usage: `npm run event -- init <config-file> [--dry-run]

Reads a TOML or JSON file (see cli/examples/inf-2027.toml), validates it with the admin API's
schema and reports every problem with its line. Then, after applying pending D1 migrations:
  - a new event name: archives the active event (its bookings, slots and offers stay, read-only
    and exportable), creates the new one with booking closed, and clears last year's
    deprioritized flags (import this year's list with \`students deprioritized\`);
  - the active event's name: updates its configuration and prints what changed.
Companies are verified per event: import this year's list with \`companies import\`.

Options:
  --dry-run    validate and show what would change, write nothing`,
  options: { "dry-run": { type: "boolean", default: false } },
  async run({ values, positionals }, ctx) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError("init takes exactly one config file");
    let config: EventConfig;
    try {
      config = loadConfigFile(file);
    } catch (err) {
      if (err instanceof ConfigFileError) throw new UsageError(err.message);
      throw err;
    }
    const dryRun = values["dry-run"] === true;
    const read = () =>
      queryMany(
        ctx.target,
        `SELECT name FROM d1_migrations;
         SELECT * FROM events ORDER BY date;
         SELECT s.event_id AS eventId, count(*) AS slots, coalesce(sum(s.taken), 0) AS seatsTaken,
                (SELECT count(*) FROM bookings b WHERE b.event_id = s.event_id) AS bookings
           FROM slots s GROUP BY s.event_id`,
      );
    let state: ReturnType<typeof read> | null = null;
    try {
      state = read();
    } catch (err) {
      if (!/no such table/.test(String(err))) throw err;
    }
    const wanted = readdirSync(join(ROOT, "migrations")).filter((f) => f.endsWith(".sql"));
    const pending = state ? wanted.filter((f) => !state![0]!.some((r) => r.name === f)) : wanted;
    if (pending.length) {
      if (dryRun) throw new Refused(`The D1 lacks ${pending.length} migration(s) (${pending.join(", ")}); run init without --dry-run to apply them.`);
      const done = progress(`applying ${pending.length} D1 migration(s): ${pending.join(", ")}`);
      await applyMigrations(ctx.target, { quiet: true });
      done();
      state = read();
    }
    const [, eventRows, counts] = state!;
    const all = (eventRows ?? []).map((r) => fromRow(events, r));
    const active = all.find((e) => e.status === "active") ?? null;
    const sameName = all.find((e) => e.name.toLowerCase() === config.name.toLowerCase());
    const now = nowIso();

    if (sameName && sameName.status === "archived")
      throw new Refused(`"${sameName.name}" (${sameName.date}) is archived; archived years are read-only. Give this year's event a new name.`);

    if (sameName && sameName.id === active?.id) {
      const before = toConfig(active);
      // Settings the file leaves out keep their current value (e.g. an open booking stays open).
      config = loadConfigFile(file, before);
      const changed = (Object.keys(config) as (keyof EventConfig)[]).filter((k) => !same(before[k], config[k]));
      const rows = changed.map((k) => ({ setting: k, before: before[k], after: config[k] }));
      if (!dryRun && changed.length)
        await executeFile(
          ctx.target,
          [
            `UPDATE events SET ${Object.entries(eventColumns(config))
              .map(([c, v]) => `${c} = ${lit(v)}`)
              .join(", ")}, updated_at = ${lit(now)} WHERE id = ${lit(active.id)};`,
            auditSql(ctx.actor, {
              action: "event.update",
              eventId: active.id,
              targetType: "event",
              targetId: active.id,
              before: Object.fromEntries(changed.map((k) => [k, before[k]])),
              after: Object.fromEntries(changed.map((k) => [k, config[k]])),
            }),
          ].join("\n"),
        );
      const slotsAffected = changed.some((k) => SHAPES_SLOTS.includes(k));
      if (ctx.json) return printJson({ action: changed.length ? "updated" : "unchanged", dryRun, eventId: active.id, changes: rows });
      print(changed.length ? `${dryRun ? "Would update" : "Updated"} ${active.name} (${active.id}):` : `${active.name} is already configured as in ${file}: nothing changed.`);
      if (changed.length) print(table(rows));
      if (slotsAffected) print("\nThese changes shape the slots: run `npm run event -- slots generate` to apply them.");
      return;
    }

    const id = randomUUID();
    const kept = (counts ?? []).find((c) => c.eventId === active?.id);
    const archived = active ? { id: active.id, name: active.name, date: active.date, slots: Number(kept?.slots ?? 0), bookings: Number(kept?.bookings ?? 0) } : null;
    if (!dryRun)
      await executeFile(
        ctx.target,
        [
          active ? `UPDATE events SET status = 'archived', archived_at = ${lit(now)}, booking_open = 0, updated_at = ${lit(now)} WHERE id = ${lit(active.id)};` : "",
          insert("events", { id, ...eventColumns(config), status: "active", created_at: now, updated_at: now }),
          // The flag mirrors the active event's list, which starts empty (seed 000's reset).
          "UPDATE users SET deprioritized = 0 WHERE role = 'student' AND deprioritized = 1;",
          active ? auditSql(ctx.actor, { action: "event.archive", eventId: active.id, targetType: "event", targetId: active.id, before: { status: "active" }, after: { status: "archived" } }) : "",
          auditSql(ctx.actor, { action: "event.create", eventId: id, targetType: "event", targetId: id, after: config }),
        ].join("\n"),
      );
    if (ctx.json) return printJson({ action: "created", dryRun, eventId: id, archived, config });
    print(dryRun ? `Would create ${config.name}, booking closed:` : `Created ${config.name} (${id}), booking closed:`);
    print(pairs({ ...config, breaks: config.breaks.map((b) => `${b.start}-${b.end}`).join(", ") || "none" }));
    if (archived) print(`\n${dryRun ? "Would archive" : "Archived"} ${archived.name} (${archived.date}): ${archived.slots} slots and ${archived.bookings} bookings kept, read-only (export them with --event ${archived.date.slice(0, 4)}).`);
    if (!dryRun) note("\nNext: companies import, students deprioritized, slots generate, open (see README \"Yearly checklist\").");
  },
};
