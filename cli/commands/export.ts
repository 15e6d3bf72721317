// `export <bookings|attempts|audit>`: CSV (the admin route's writer, worker/domain/csv.ts) of any
// event, archived ones included. Rows come out in a total order, so the same data gives the
// same file byte for byte (backup → restore is checked that way).
import { writeFileSync } from "node:fs";
import { toCsv } from "../../worker/domain/csv.ts";
import { NO_SHOW_COLUMNS, noShowsSql } from "../../worker/lib/day-metrics.ts";
import { type Command, UsageError, note, printJson, progress } from "../lib/cli.ts";
import { readWithEvent } from "../lib/d1.ts";

const KINDS = {
  bookings: {
    columns: ["booking_id", "status", "phase", "company", "student_name", "student_email", "starts_at", "ends_at", "created_at", "cancelled_at", "cancel_reason", "cancelled_by", "attendance", "checked_in_at"],
    sql: (eventId: string) => `SELECT b.id AS booking_id, b.status, b.phase, c.name AS company, u.full_name AS student_name, u.email AS student_email,
        b.starts_at, b.ends_at, b.created_at, b.cancelled_at, b.cancel_reason, b.cancelled_by, b.attendance, b.checked_in_at
      FROM bookings b JOIN companies c ON c.id = b.company_id JOIN users u ON u.id = b.student_id
      WHERE b.event_id = ${eventId} ORDER BY b.starts_at, c.name, u.full_name, b.id`,
  },
  attempts: {
    columns: ["attempt_id", "attempted_at", "student_email", "company", "slot_starts_at", "success", "error_code", "error_message", "response_time_ms"],
    sql: (eventId: string) => `SELECT a.id AS attempt_id, a.attempted_at, u.email AS student_email, c.name AS company, s.starts_at AS slot_starts_at,
        a.success, a.error_code, a.error_message, a.response_time_ms
      FROM booking_attempts a LEFT JOIN users u ON u.id = a.student_id LEFT JOIN slots s ON s.id = a.slot_id LEFT JOIN companies c ON c.id = s.company_id
      WHERE a.event_id = ${eventId} ORDER BY a.attempted_at, a.id`,
  },
  "no-shows": {
    columns: NO_SHOW_COLUMNS,
    sql: noShowsSql,
  },
  audit: {
    columns: ["id", "at", "actor_email", "action", "target_type", "target_id", "before", "after"],
    sql: (eventId: string) => `SELECT id, at, actor_email, action, target_type, target_id, before, after FROM audit_log
      WHERE event_id = ${eventId} ORDER BY id`,
  },
} as const;

type Kind = keyof typeof KINDS;

export const exportCmd: Command = {
  name: "export",
  summary: "export bookings, attempts, no-shows or the audit log of an event as CSV",
  usage: `npm run event -- export <bookings|attempts|no-shows|audit> [--event <year|name|id>] [--out <file.csv>]

no-shows: the students marked no_show, and those who cancelled after the deadline (themselves or
through the office), one line per booking; \`students deprioritized --from-no-shows <year>\` puts
them on this year's list.
Writes CSV to standard output, or to --out. Archived events stay exportable: --event 2026.
With --json, prints the rows as JSON instead.

Options:
  --event <ref>    the event (a year, a name or an id; default: the active event)
  --out <file>     write the CSV to this file`,
  options: { event: { type: "string" }, out: { type: "string" } },
  async run({ values, positionals }, ctx) {
    const kind = positionals[0] as Kind | undefined;
    if (!kind || !(kind in KINDS) || positionals.length > 1) throw new UsageError(`export what? one of: ${Object.keys(KINDS).join(", ")}`);
    const spec = KINDS[kind];
    const done = progress(`reading ${kind}`);
    const {
      event,
      rows: [rows = []],
    } = readWithEvent(ctx.target, values.event as string | undefined, (id) => [spec.sql(id)]);
    done(`${rows.length} rows of ${event.name}`);
    if (ctx.json) return printJson({ event: event.name, kind, rows });
    const csv = toCsv([...spec.columns], rows.map((r) => spec.columns.map((c) => r[c])));
    const out = values.out as string | undefined;
    if (out) {
      writeFileSync(out, csv);
      note(`${kind} of ${event.name}: ${rows.length} rows → ${out}`);
    } else process.stdout.write(csv);
  },
};

