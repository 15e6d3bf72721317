// The kill switch (`open`, `close`) and the view a person reads at a glance during the event.
import { currentPhase } from "../../worker/domain/rules.ts";
import type { DayMetrics } from "../../worker/domain/contract.ts";
import { dayMetricsOf, dayMetricsSql } from "../../worker/lib/day-metrics.ts";
import { phaseWindows, publicEvent } from "../../worker/lib/events.ts";
import type { EventRow } from "../../worker/lib/events.ts";
import { type Command, type Ctx, UsageError, nowIso, print, printJson, table } from "../lib/cli.ts";
import { auditSql, findEvent, readWithEvent } from "../lib/d1.ts";
import { lit } from "../lib/sql.ts";
import { executeFile } from "../lib/wrangler.ts";

function phaseLine(e: EventRow, now = Date.now()): string {
  if (e.status === "archived") return `archived ${e.archivedAt ?? ""}: read-only, nobody can book`.replace(" :", ":");
  const phase = currentPhase(phaseWindows(e), now);
  const until = phase === 1 ? e.phase1End : phase === 2 ? e.phase2End : null;
  const next = [e.phase1Start, e.phase2Start].filter((t): t is string => !!t && Date.parse(t) > now).sort()[0];
  if (phase) return `phase ${phase}${until ? ` until ${until}` : ""}`;
  return next ? `no phase now; next opens ${next}` : "no phase now (both are over or unset)";
}

function toggle(open: boolean): Command {
  return {
    name: open ? "open" : "close",
    summary: open ? "turn booking on (the kill switch; phases still apply)" : "turn booking off at once (the kill switch)",
    usage: `npm run event -- ${open ? "open" : "close"}

Sets bookingOpen of the active event to ${open}. ${open ? "Students can book only inside a phase window." : "Bookings in flight finish; new ones get booking_closed."}
Workers pick the change up within CONFIG_TTL_SECONDS (2 s).`,
    options: {},
    async run(_args, ctx) {
      const event = findEvent(ctx.target);
      const changed = event.bookingOpen !== open;
      if (changed)
        await executeFile(
          ctx.target,
          [
            `UPDATE events SET booking_open = ${open ? 1 : 0}, updated_at = ${lit(nowIso())} WHERE id = ${lit(event.id)};`,
            auditSql(ctx.actor, { action: open ? "booking.open" : "booking.close", eventId: event.id, targetType: "event", targetId: event.id, before: { bookingOpen: event.bookingOpen }, after: { bookingOpen: open } }),
          ].join("\n"),
        );
      if (ctx.json) return printJson({ event: event.name, bookingOpen: open, changed, currentPhase: currentPhase(phaseWindows(event), Date.now()) });
      print(`${event.name}: booking ${open ? "open" : "closed"}${changed ? "" : " (it already was)"}; ${phaseLine(event)}.`);
    },
  };
}

export const open = toggle(true);
export const close = toggle(false);

interface Status extends DayMetrics {
  event: ReturnType<typeof publicEvent>;
  phase: string;
  bookings: { confirmed: number; cancelled: number };
  slots: { count: number; seats: number; taken: number; full: number };
  fillRate: number;
  companies: { verified: number; withSlots: number };
  attempts: { total: number; byCode: Record<string, number>; last10Minutes: Record<string, number> };
  lastAttemptAt: string | null;
}

function readStatus(ctx: Ctx, ref?: string): Status {
  const since = lit(new Date(Date.now() - 10 * 60_000).toISOString());
  const {
    event,
    rows: [b = [], s = [], c = [], codes = [], recent = [], last = [], ...day],
  } = readWithEvent(ctx.target, ref, (id) => [
    `SELECT status, count(*) AS n FROM bookings WHERE event_id = ${id} GROUP BY status`,
    `SELECT count(*) AS count, coalesce(sum(capacity), 0) AS seats, coalesce(sum(min(taken, capacity)), 0) AS taken,
            coalesce(sum(taken >= capacity), 0) AS full FROM slots WHERE event_id = ${id}`,
    `SELECT (SELECT count(*) FROM event_companies WHERE event_id = ${id} AND verified_at IS NOT NULL) AS verified,
            (SELECT count(DISTINCT company_id) FROM slots WHERE event_id = ${id}) AS withSlots`,
    `SELECT coalesce(error_code, 'ok') AS code, count(*) AS n FROM booking_attempts WHERE event_id = ${id} GROUP BY 1 ORDER BY 2 DESC`,
    `SELECT coalesce(error_code, 'ok') AS code, count(*) AS n FROM booking_attempts WHERE event_id = ${id} AND attempted_at >= ${since} GROUP BY 1 ORDER BY 2 DESC`,
    `SELECT max(attempted_at) AS at FROM booking_attempts WHERE event_id = ${id}`,
    ...dayMetricsSql(id),
  ]);
  const n = (v: unknown) => Number(v ?? 0);
  const byCode = Object.fromEntries(codes.map((r) => [String(r.code), n(r.n)]));
  const slots = { count: n(s[0]?.count), seats: n(s[0]?.seats), taken: n(s[0]?.taken), full: n(s[0]?.full) };
  return {
    event: publicEvent(event),
    phase: phaseLine(event),
    bookings: { confirmed: n(b.find((r) => r.status === "confirmed")?.n), cancelled: n(b.find((r) => r.status === "cancelled")?.n) },
    slots,
    fillRate: slots.seats ? slots.taken / slots.seats : 0,
    companies: { verified: n(c[0]?.verified), withSlots: n(c[0]?.withSlots) },
    attempts: { total: Object.values(byCode).reduce((a, x) => a + x, 0), byCode, last10Minutes: Object.fromEntries(recent.map((r) => [String(r.code), n(r.n)])) },
    lastAttemptAt: (last[0]?.at as string | null) ?? null,
    ...dayMetricsOf(day),
  };
}

function render(s: Status): string {
  const e = s.event;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const codes = Object.keys({ ...s.attempts.byCode, ...s.attempts.last10Minutes });
  return [
    `${e.name} — ${e.date} ${e.dayStart}-${e.dayEnd} ${e.timeZone} — ${e.status.toUpperCase()}`,
    `booking ${e.bookingOpen && e.status === "active" ? "OPEN" : "CLOSED"} (kill switch); ${s.phase}`,
    "",
    `bookings   ${s.bookings.confirmed} confirmed, ${s.bookings.cancelled} cancelled`,
    `seats      ${s.slots.taken} / ${s.slots.seats} taken (fill rate ${pct(s.fillRate)}); ${s.slots.full} of ${s.slots.count} slots full`,
    `companies  ${s.companies.verified} verified, ${s.companies.withSlots} with slots`,
    `students   ${s.students.withBooking} of the event's ${s.students.ofEvent} with a booking (${pct(s.students.withBookingRate)}), ${s.interviewsPerStudent.mean.toFixed(2)} interviews each; ${s.students.deprioritized} on the deprioritized list`,
    `attendance ${s.attendance.present} present, ${s.attendance.late} late, ${s.attendance.noShow} no-show (attendance ${pct(s.attendance.attendanceRate)}, no-show ${pct(s.attendance.noShowRate)}); ${s.attendance.unmarked} past unmarked, ${s.attendance.upcoming} upcoming`,
    `cancelled  ${s.cancellations.total}, ${s.cancellations.late} late${Object.keys(s.cancellations.byWho).length ? ` (${Object.entries(s.cancellations.byWho).map(([who, x]) => `${who} ${x.total}/${x.late} late`).join(", ")})` : ""}`,
    `attempts   ${s.attempts.total} in all${s.lastAttemptAt ? `, last at ${s.lastAttemptAt}` : ""}`,
    codes.length ? `\n${table(codes.map((code) => ({ code, "last 10 min": s.attempts.last10Minutes[code] ?? 0, total: s.attempts.byCode[code] ?? 0 })))}` : "",
    s.fillByCompany.length ? `\n${table(s.fillByCompany.map((c) => ({ company: c.name, slots: c.slots, taken: c.taken, seats: c.seats, fill: pct(c.fillRate) })))}` : "",
  ].join("\n");
}

export const status: Command = {
  name: "status",
  summary: "the event at a glance: phase, bookings, fill rate, attempts by code (--watch refreshes)",
  usage: `npm run event -- status [--event <year|name|id>] [--watch] [--interval <seconds>]

Options:
  --event <ref>        another event than the active one (a year, a name or an id)
  --watch              refresh until Ctrl+C
  --interval <s>       seconds between refreshes (default 5)
  --times <n>          with --watch: stop after n refreshes`,
  options: { event: { type: "string" }, watch: { type: "boolean", default: false }, interval: { type: "string" }, times: { type: "string" } },
  async run({ values }, ctx) {
    const ref = values.event as string | undefined;
    const interval = Number(values.interval ?? 5);
    const times = values.times === undefined ? Infinity : Number(values.times);
    if (!Number.isFinite(interval) || interval < 1) throw new UsageError("--interval must be a number of seconds ≥ 1");
    if (!(times >= 1)) throw new UsageError("--times must be ≥ 1");
    for (let i = 0; ; i++) {
      const s = readStatus(ctx, ref);
      if (ctx.json) print(JSON.stringify(s, null, values.watch ? undefined : 2));
      else {
        if (values.watch && process.stdout.isTTY) process.stdout.write("\x1b[2J\x1b[H");
        print(render(s));
        if (values.watch) print(`\n(refreshed ${new Date().toLocaleTimeString()}, every ${interval} s; Ctrl+C to stop)`);
      }
      if (!values.watch || i + 1 >= times) return;
      await new Promise((r) => setTimeout(r, interval * 1000));
    }
  },
};

