// D1 as the CLI sees it: rows through wrangler, mapped to the Worker's own types with drizzle's
// column definitions (so JSON and boolean columns read exactly as the Worker reads them).
import { getTableColumns, type Table } from "drizzle-orm";
import { events } from "../../worker/db/schema.ts";
import type { EventRow } from "../../worker/lib/events.ts";
import { Refused } from "./cli.ts";
import { insert, lit } from "./sql.ts";
import { type Target, queryMany } from "./wrangler.ts";

/** A raw D1 row (snake_case, JSON as text, booleans as 0/1) as drizzle would return it. */
export function fromRow<T extends Table>(table: T, row: Record<string, unknown>): T["$inferSelect"] {
  const out: Record<string, unknown> = {};
  for (const [key, col] of Object.entries(getTableColumns(table))) {
    const raw = row[col.name];
    out[key] = raw === null || raw === undefined ? null : col.mapFromDriverValue(raw);
  }
  return out as T["$inferSelect"];
}


/** The event a command acts on: `ref` is an id, a name or a year ("2026"); none = the active one. */
function pickEvent(rows: EventRow[], ref?: string): EventRow {
  if (!ref) {
    const active = rows.find((e) => e.status === "active");
    if (!active) throw new Refused("No event is active: create this year's with `npm run event -- init <config-file>`.");
    return active;
  }
  const byId = rows.find((e) => e.id === ref);
  if (byId) return byId;
  const byName = rows.filter((e) => e.name.toLowerCase() === ref.toLowerCase());
  const byYear = /^\d{4}$/.test(ref) ? rows.filter((e) => e.date.startsWith(ref)) : [];
  const found = byName.length ? byName : byYear;
  if (found.length === 1) return found[0]!;
  const known = rows.map((e) => `${e.name} (${e.date}, ${e.status})`).join(", ") || "none";
  if (found.length > 1) throw new Refused(`"${ref}" matches ${found.length} events; give its name or id. Events: ${known}`);
  throw new Refused(`No event matches "${ref}". Events: ${known}`);
}

/** The same choice as pickEvent, as a SQL expression, so dependent reads share one wrangler call. */
function eventIdSql(ref?: string): string {
  if (!ref) return "(SELECT id FROM events WHERE status = 'active')";
  const r = lit(ref);
  const year = /^\d{4}$/.test(ref) ? `OR substr(date, 1, 4) = ${r}` : "";
  return `(SELECT id FROM events WHERE id = ${r} OR lower(name) = lower(${r}) ${year} ORDER BY id = ${r} DESC, lower(name) = lower(${r}) DESC LIMIT 1)`;
}

/**
 * The event, plus the rows of `dependent(eventIdSql)` statements, in one wrangler call. The
 * statements name the event by a SQL expression; if that expression and the careful choice in
 * JS disagree (an ambiguous reference), the JS one refuses before anything is used.
 */
export function readWithEvent(t: Target, ref: string | undefined, dependent: (eventId: string) => string[]): { event: EventRow; rows: Record<string, unknown>[][] } {
  const stmts = dependent(eventIdSql(ref));
  const [events_, chosen, ...rows] = queryMany(t, ["SELECT * FROM events ORDER BY date DESC, created_at DESC", `SELECT ${eventIdSql(ref)} AS id`, ...stmts].join(";\n"));
  const event = pickEvent((events_ ?? []).map((r) => fromRow(events, r)), ref);
  if (chosen?.[0]?.id !== event.id) throw new Refused(`"${ref}" is ambiguous; give the event's id.`);
  return { event, rows };
}

export function findEvent(t: Target, ref?: string): EventRow {
  return readWithEvent(t, ref, () => []).event;
}

/** One audit_log row, in the same script as the write it records. */
export function auditSql(
  actor: string,
  e: { action: string; eventId?: string | null; targetType?: string; targetId?: string; before?: unknown; after?: unknown },
): string {
  return insert("audit_log", {
    event_id: e.eventId ?? null,
    actor_email: actor,
    action: e.action,
    target_type: e.targetType ?? null,
    target_id: e.targetId ?? null,
    before: e.before === undefined ? null : JSON.stringify(e.before),
    after: e.after === undefined ? null : JSON.stringify(e.after),
  });
}

/** `IN (...)` list of literals. */
export { inList } from "./sql.ts";
