// `draw status|run|export|verify` (issue #13): the fair opening's draw from the command line.
// status and export read D1; run goes through the Worker (the DrawDO lives there); verify needs
// only the exported file and the revealed seed, and compares with D1's bookings unless --offline.
import { writeFileSync } from "node:fs";
import type { DrawSummary } from "../../worker/domain/contract.ts";
import { type DrawPhase, drawEnabled, wishesWindow } from "../../worker/domain/draw-schedule.ts";
import { CsvSyntaxError } from "../../worker/domain/csv.ts";
import { DrawExportError, bookedMismatches, exportCsv, exportQueries, parseExport, verifyExport } from "../../worker/lib/draw-export.ts";
import { type Command, Refused, UsageError, note, pairs, print, printJson, progress, table } from "../lib/cli.ts";
import { readCsv } from "../lib/csv.ts";
import { readWithEvent } from "../lib/d1.ts";
import { ADMIN_API_HELP, ADMIN_API_OPTIONS, adminApi } from "../lib/admin-api.ts";

function phaseOf(values: Record<string, unknown>): DrawPhase {
  const p = values.phase;
  if (p !== "1" && p !== "2") throw new UsageError("--phase must be 1 or 2");
  return Number(p) as DrawPhase;
}

const pct = (x: number | null) => (x === null ? "-" : `${(x * 100).toFixed(1)} %`);

function summaryLines(s: DrawSummary): string {
  return pairs({
    phase: s.phase,
    "dry run": s.dryRun ? "yes (a fresh seed: not the real order)" : "no",
    drawn: s.drawn,
    "interviews allocated": s.allocated,
    "students with ≥ 1": `${s.stats.withInterview} of ${s.drawn} (the seats allowed ${s.stats.maxWithInterview ?? "?"})`,
    "first choice": pct(s.stats.firstChoiceRate),
    gini: s.stats.gini.toFixed(3),
    "interviews per student": s.stats.distribution.map((n, k) => `${k}: ${n}`).join(", "),
    "lost wishes": Object.entries(s.lost).map(([r, n]) => `${r} ${n}`).join(", ") || "none",
    "refused by the live state": s.diverged,
    "commit (ms)": s.commitMs ?? "-",
  });
}

export const drawStatus: Command = {
  name: "draw status",
  summary: "each phase's draw: planned or not, commitment, seed, when it ran, what it allocated",
  usage: `npm run event -- draw status [--event <year|name|id>]

Reads D1: the configuration (which phases open with a draw, when wishes open and close), the
published commitments and seeds, and what each draw allocated.

Options:
  --event <ref>   another event than the active one (a year, a name or an id)`,
  options: { event: { type: "string" } },
  async run({ values }, ctx) {
    const {
      event,
      rows: [draws = [], wishers = []],
    } = readWithEvent(ctx.target, values.event as string | undefined, (id) => [
      `SELECT phase, status, commitment, seed, started_at, finished_at, allocated FROM draws WHERE event_id = ${id} ORDER BY phase`,
      `SELECT count(DISTINCT student_id) AS n FROM wishes WHERE event_id = ${id}`,
    ]);
    const statuses = Object.fromEntries(draws.map((d) => [Number(d.phase), d.status])) as Record<DrawPhase, "collecting" | "running" | "done">;
    const w = wishesWindow(event, statuses, Date.now());
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const phases = ([1, 2] as const).map((phase) => {
      const d = draws.find((x) => Number(x.phase) === phase);
      return {
        phase,
        draw: drawEnabled(event, phase) ? "yes" : "no (first come, first served)",
        status: (d?.status as string | undefined) ?? (drawEnabled(event, phase) ? "collecting (no seed yet)" : "-"),
        commitment: (d?.commitment as string | undefined) ?? null,
        seed: (d?.seed as string | null | undefined) ?? null,
        startedAt: (d?.started_at as string | null | undefined) ?? null,
        finishedAt: (d?.finished_at as string | null | undefined) ?? null,
        allocated: (d?.allocated as number | null | undefined) ?? null,
      };
    });
    const out = { event: event.name, wishes: { opensAt: iso(w.opensAt), closesAt: iso(w.closesAt), open: w.open, students: Number(wishers[0]?.n ?? 0), maxWishes: event.maxWishes }, phases };
    if (ctx.json) return printJson(out);
    print(`${event.name}: wishes ${w.open ? "OPEN" : "closed"} (${out.wishes.opensAt ?? "never"} → ${out.wishes.closesAt ?? "no draw ahead"}), ${out.wishes.students} students ranked some`);
    print(table(phases.map((p) => ({ ...p, commitment: p.commitment ? `${p.commitment.slice(0, 16)}…` : "", seed: p.seed ? `${p.seed.slice(0, 16)}…` : "" }))));
    if (phases.some((p) => p.seed)) note("Full seeds and commitments: --json. Check one with: npm run event -- draw verify --phase <n> --seed <hex> --wishes <export.csv>");
  },
};

export const drawRun: Command = {
  name: "draw run",
  summary: "run a phase's draw now (or --dry-run it on the current wishes), through the Worker",
  usage: `npm run event -- draw run --phase <1|2> [--dry-run] [--url <worker>] [--token <jwt> | --email <admin>]

A draw runs by itself when its phase starts. This runs it now (a rehearsal on a test event, or
a draw the office wants earlier): it seals the wishes, reveals the seed and books every
allocation. --dry-run computes an allocation on the current wishes with a throw-away seed and
books nothing. The summary is printed; running a finished draw again prints its summary.

Options:
  --phase <1|2>    the phase
  --dry-run        compute only, with a fresh seed (never the committed one)
${ADMIN_API_HELP}`,
  options: { phase: { type: "string" }, "dry-run": { type: "boolean", default: false }, ...ADMIN_API_OPTIONS },
  async run({ values }, ctx) {
    const phase = phaseOf(values);
    const { url, call } = await adminApi("draw run", values, ctx);
    const dryRun = values["dry-run"] === true;
    const done = progress(`${dryRun ? "dry-running" : "running"} phase ${phase}'s draw through ${url}`);
    const { summary } = await call<{ summary: DrawSummary }>("POST", `/admin/draw/${phase}/run`, { dryRun });
    done();
    if (ctx.json) return printJson(summary);
    print(summaryLines(summary));
  },
};

export const drawExport: Command = {
  name: "draw export",
  summary: "the published snapshot of a phase's draw as CSV (what `draw verify` checks)",
  usage: `npm run event -- draw export --phase <1|2> [--event <ref>] [--out <file.csv>]

One CSV row per fact (the kind column): meta (phase, time zone, caps, commitment), slot (seats at
the seal), holding (bookings the drawn students already had), wish (every sealed wish, by
student account id only, with its published outcome). Standard output unless --out.

Options:
  --phase <1|2>   the phase
  --event <ref>   another event than the active one (a year, a name or an id)
  --out <file>    write the CSV to this file`,
  options: { phase: { type: "string" }, event: { type: "string" }, out: { type: "string" } },
  async run({ values }, ctx) {
    const phase = phaseOf(values);
    const done = progress(`reading phase ${phase}'s draw`);
    const { event, rows } = readWithEvent(ctx.target, values.event as string | undefined, (id) => exportQueries(id, phase));
    const csv = exportCsv(event.name, rows);
    if (csv === null) throw new Refused(`Phase ${phase}'s draw of ${event.name} has not sealed its wishes yet: nothing to export.`);
    done(`${rows[1]?.length ?? 0} wishes, ${rows[2]?.length ?? 0} slots, ${rows[3]?.length ?? 0} bookings held`);
    const out = values.out as string | undefined;
    if (out) {
      writeFileSync(out, csv);
      note(`phase ${phase}'s draw of ${event.name} → ${out}`);
    } else process.stdout.write(csv);
  },
};

export const drawVerify: Command = {
  name: "draw verify",
  summary: "recompute a draw from its export and the revealed seed; compare with what was booked",
  usage: `npm run event -- draw verify --phase <1|2> --seed <hex> --wishes <export.csv> [--offline] [--event <ref>]

Checks that SHA-256 of the seed is the commitment published when wishes opened, recomputes the
order (HMAC-SHA256(seed, student id), ascending) and the allocation with the same allocator, and
compares them with the outcomes published in the file and, unless --offline, with the draw's
bookings in D1. Exit status 0 when everything matches, 1 otherwise.

Options:
  --phase <1|2>      the phase (must be the file's)
  --seed <hex>       the revealed seed (64 hex digits, GET /api/draw)
  --wishes <file>    the export (npm run event -- draw export)
  --offline          do not read D1 (anyone with the file and the seed)
  --event <ref>      the event whose bookings to compare (default: the active one)`,
  options: { phase: { type: "string" }, seed: { type: "string" }, wishes: { type: "string" }, offline: { type: "boolean", default: false }, event: { type: "string" } },
  async run({ values }, ctx) {
    const phase = phaseOf(values);
    const seed = String(values.seed ?? "").toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(seed)) throw new UsageError("--seed must be the 64 hex digits of the revealed seed");
    const file = values.wishes as string | undefined;
    if (!file) throw new UsageError("--wishes <export.csv> is required");
    let parsed;
    try {
      parsed = parseExport(readCsv(file));
    } catch (err) {
      if (err instanceof DrawExportError || err instanceof CsvSyntaxError) throw new UsageError(`${file}: ${err.message}`);
      throw err;
    }
    if (parsed.phase !== phase) throw new UsageError(`${file} is phase ${parsed.phase}'s export, not phase ${phase}'s`);
    const report = await verifyExport(parsed, seed);
    let booked: { missing: string[]; extra: string[] } | null = null;
    if (values.offline !== true) {
      const { rows } = readWithEvent(ctx.target, values.event as string | undefined, (id) => [
        `SELECT student_id, slot_id FROM bookings WHERE event_id = ${id} AND origin = 'draw' AND phase = ${phase} AND status = 'confirmed'`,
      ]);
      booked = bookedMismatches(report.allocation, (rows[0] ?? []).map((r) => ({ studentId: String(r.student_id), slotId: String(r.slot_id) })));
    }
    const ok = report.commitmentOk && !report.mismatches.length && (!booked || (!booked.missing.length && !booked.extra.length));
    if (ctx.json) printJson({ ok, commitmentOk: report.commitmentOk, drawn: report.allocation.order.length, allocated: report.allocation.won.length, mismatches: report.mismatches, booked });
    else {
      print(`${report.commitmentOk ? "✓" : "✗"} SHA-256 of the seed ${report.commitmentOk ? "is" : "is NOT"} the published commitment ${parsed.commitment}`);
      print(`${report.mismatches.length ? "✗" : "✓"} recomputed: ${report.allocation.order.length} students drawn, ${report.allocation.won.length} interviews; ${report.mismatches.length} wish(es) differ from the published outcomes`);
      if (report.mismatches.length) print(table(report.mismatches.map((m) => ({ student: m.studentId, rank: m.rank, recomputed: m.computed, published: m.published }))));
      if (booked) {
        const n = booked.missing.length + booked.extra.length;
        print(`${n ? "✗" : "✓"} D1's draw bookings: ${booked.missing.length} recomputed interview(s) not booked, ${booked.extra.length} booked but not recomputed`);
        for (const k of [...booked.missing.map((x) => `  not booked: ${x}`), ...booked.extra.map((x) => `  extra:      ${x}`)].slice(0, 50)) print(k);
      }
      print(ok ? "The draw is reproduced exactly." : "The draw does NOT match.");
    }
    if (!ok) process.exitCode = 1;
  },
};
