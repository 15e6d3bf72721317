// The fair opening's scenarios (issue #13), run after the phase-open workload on events of their
// own (each a fresh copy of the bench's event: same companies, slots and student count):
//
// drawOpening  3 000 students rank 10 wishes each with the herd's skew (80 % on 20 % of the
//              companies). The FCFS herd of the same demand (each student clicks their first
//              `perStudent` wishes at once) on one event, phase 1's draw on another: the
//              allocation's compute time (the same allocator, timed here on the published
//              export), the commit wall, and the students with at least one interview against
//              the most the seats allowed. The draw is then verified from its export and every
//              invariant checked on the stored state.
// latencySkew  Half the students wait 300 ms before each request. The popular companies' win
//              rate (popular interviews obtained per student who asked for one) of the slow half
//              ÷ the fast half, under FCFS (their clicks) and under the draw (their wishes, sent
//              through the API just as late; and the same snapshot drawn again with 20 seeds).
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import { Pool, request } from "undici";
import { type DrawSnapshot, newSeed, runDraw } from "../../worker/domain/allocator.ts";
import type { DrawSummary } from "../../worker/domain/contract.ts";
import { maxWithOneInterview } from "../../worker/domain/fairness.ts";
import { parseCsv } from "../../worker/domain/csv.ts";
import { exportCsv, exportQueries, parseExport, verifyExport } from "../../worker/lib/draw-export.ts";
import { signSession } from "../../worker/lib/jwt.ts";
import { insert } from "../../cli/lib/sql.ts";
import type { LoadReply } from "../load.ts";
import { type Loader, type Target, check } from "./scenarios.ts";
import { type Seeded, type SeedSize, seed } from "./seed.ts";
import { figures, round } from "./stats.ts";
import { type Demand, type Op, type Result, demandOf, pick, pickCompany, rng, shuffle } from "./workload.ts";

export const DRAW_SCENARIOS = ["drawOpening", "latencySkew"] as const;
export type DrawScenarioName = (typeof DRAW_SCENARIOS)[number];

const WISHES = 10;
const SLOW_MS = 300;
/** latencySkew's extra draws of the same snapshot with fresh seeds (computed here, nothing booked). */
const RESEEDS = 20;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

export interface DrawContext {
  url: string;
  target: Target;
  loader: Loader;
  jwtSecret: string;
  size: SeedSize;
  perStudent: number;
  seed: number;
  configTtlMs: number;
  /** How long a draw waits between closing the gates and reading its snapshot (CONFIG_TTL + DRAW_SETTLE_MS). */
  drawSettleMs: number;
  connections: number;
  timeoutMs: number;
  only: readonly string[];
  log: (s: string) => void;
}

export interface DrawScenarioRun {
  name: DrawScenarioName;
  figures: Record<string, number | null>;
  violations: string[];
}

/** A fresh copy of the bench's event (the others archived); with `draw`, phase 1 opens in an hour with a draw and wishes are open. */
async function freshEvent(c: DrawContext, draw: boolean): Promise<Seeded> {
  const d1 = await c.target.d1();
  const now = Date.now();
  // seed() names its students bench-student-<n>: the earlier events' students give their addresses
  // up (their sessions stay valid; nothing of theirs is used again).
  await d1.batch([
    d1.prepare("UPDATE events SET status = 'archived', archived_at = ? WHERE status = 'active'").bind(iso(now)),
    d1.prepare("UPDATE users SET email = 'done-' || id || '@example.com' WHERE email LIKE 'bench-student-%'"),
  ]);
  const seeded = await seed(d1, c.size, c.jwtSecret, () => undefined);
  if (draw)
    await d1
      .prepare("UPDATE events SET wishes_open = ?, phase1_start = ?, phase1_end = ?, phase2_start = ?, draw_phase1 = 1, draw_phase2 = 1 WHERE id = ?")
      .bind(iso(now - HOUR), iso(now + HOUR), iso(now + 2 * HOUR), iso(now + 2 * HOUR), seeded.eventId)
      .run();
  // Every isolate must see the new event (the configuration cache) before the load starts. Past
  // its TTL the cache is refreshed by one request while the others keep the old event: make that
  // request ours, not the herd's.
  await new Promise((r) => setTimeout(r, c.configTtlMs + 500));
  await (await request(`${c.url}/api/event`)).body.text();
  return seeded;
}

/** Each student's ranked wishes, company indices, with the herd's skew (the same lists serve every event of a run). */
function wishLists(students: number, d: Demand, r: () => number): number[][] {
  return Array.from({ length: students }, () => {
    const picked = new Set<number>();
    while (picked.size < Math.min(WISHES, d.companies)) picked.add(pickCompany(r, d));
    return [...picked];
  });
}

/** Every student clicks their first `perStudent` wishes at once, one slot each; the slow ones `delay` later. */
function fcfsOps(lists: number[][], d: Demand, perStudent: number, r: () => number, delay: (student: number) => number): Op[] {
  return shuffle(
    r,
    lists.flatMap((list, student) => list.slice(0, perStudent).map((c) => ({ kind: "book" as const, student, slotId: pick(r, d.slotsByCompany[c]!), delayMs: delay(student) }))),
  );
}

async function herd(c: DrawContext, seeded: Seeded, ops: Op[]): Promise<Result[]> {
  await c.loader.call({ type: "init", baseUrl: c.url, tokens: seeded.students.map((s) => s.token), connections: c.connections, timeoutMs: c.timeoutMs });
  const reply: LoadReply = await c.loader.call({ type: "burst", ops, deadlineMs: c.timeoutMs * 4 });
  if (reply.type !== "done") throw new Error("load process answered out of turn");
  // A herd cut off by its deadline leaves requests running in workerd: what comes next (the next
  // event's seed, the draw's commit) starts once workerd is idle, not measured against their tail.
  await c.target.cpu.settled(200, 120_000);
  return reply.results;
}

async function insertWishes(c: DrawContext, seeded: Seeded, lists: number[][]): Promise<void> {
  const d1 = await c.target.d1();
  const sql = lists.flatMap((list, i) =>
    list.map((co, k) => insert("wishes", { event_id: seeded.eventId, student_id: seeded.students[i]!.id, rank: k + 1, company_id: seeded.companyIds[co]! })),
  );
  for (let i = 0; i < sql.length; i += 1000) await d1.batch(sql.slice(i, i + 1000).map((s) => d1.prepare(s)));
}

/** The same lists through PUT /api/wishes, the slow students waiting before each request. */
async function putWishes(c: DrawContext, seeded: Seeded, lists: number[][], delay: (student: number) => number): Promise<void> {
  const pool = new Pool(c.url, { connections: 64 });
  try {
    const failed: string[] = [];
    await Promise.all(
      lists.map(async (list, i) => {
        await new Promise((r) => setTimeout(r, delay(i)));
        const res = await pool.request({
          method: "PUT",
          path: "/api/wishes",
          headers: { "content-type": "application/json", authorization: `Bearer ${seeded.students[i]!.token}` },
          body: JSON.stringify({ wishes: list.map((co) => ({ companyId: seeded.companyIds[co]! })) }),
          headersTimeout: c.timeoutMs,
        });
        const text = await res.body.text();
        if (res.statusCode !== 200) failed.push(`${res.statusCode} ${text.slice(0, 120)}`);
      }),
    );
    if (failed.length) throw new Error(`${failed.length} wish lists refused, e.g. ${failed[0]}`);
  } finally {
    await pool.close();
  }
}

/** The office's "run now" for phase 1, timed from the outside too. */
async function runDrawNow(c: DrawContext): Promise<{ summary: DrawSummary; httpMs: number }> {
  const token = await signSession({ id: randomUUID(), email: "bench-admin@example.com", role: "admin", fullName: "Bench admin", companyId: null, emailVerified: true, tokenVersion: 0 }, c.jwtSecret);
  const t0 = performance.now();
  const res = await request(`${c.url}/api/admin/draw/1/run`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: "{}",
    headersTimeout: 15 * 60_000,
    bodyTimeout: 15 * 60_000,
  });
  const body = (await res.body.json()) as { summary: DrawSummary; error?: { code: string; message: string } };
  if (res.statusCode !== 200) throw new Error(`draw run: ${res.statusCode} ${body.error?.code}: ${body.error?.message}`);
  return { summary: body.summary, httpMs: round(performance.now() - t0) };
}

/** The published export, read back and verified with the revealed seed; the allocation timed on it here (median of 3). */
async function verifyPublished(c: DrawContext, eventId: string): Promise<{ snapshot: DrawSnapshot; computeMs: number; mismatches: number; commitmentOk: boolean }> {
  const d1 = await c.target.d1();
  const rows = await Promise.all(exportQueries(`'${eventId}'`, 1).map(async (q) => (await d1.prepare(q).all<Record<string, unknown>>()).results));
  const seedHex = String(rows[0]?.[0]?.seed ?? "");
  const parsed = parseExport(parseCsv(exportCsv("bench", rows)!));
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await runDraw(parsed.snapshot, seedHex);
    times.push(performance.now() - t0);
  }
  const report = await verifyExport(parsed, seedHex);
  return { snapshot: parsed.snapshot, computeMs: round(times.sort((a, b) => a - b)[1]!), mismatches: report.mismatches.length, commitmentOk: report.commitmentOk };
}

/** Every invariant of the draw's event: the draw's bookings exactly, once each, in every store. */
async function drawInvariants(c: DrawContext, seeded: Seeded): Promise<string[]> {
  const d1 = await c.target.d1();
  const won = (await d1.prepare("SELECT booking_id FROM draw_entries WHERE event_id = ? AND outcome = 'won'").bind(seeded.eventId).all<{ booking_id: string }>()).results;
  const exp = { caps: seeded.caps, acknowledged: new Set(won.map((w) => w.booking_id)), uncertainBooks: new Set<string>(), uncertainCancels: new Set<string>() };
  return check(c.target, seeded, exp, new Set(seeded.students.map((_, i) => i)), new Set(seeded.slots.map((s) => s.id)));
}

const eligible = (seeded: Seeded) => seeded.students.map((s, i) => ({ s, i })).filter(({ s }) => !s.deprioritized);

async function drawOpening(c: DrawContext): Promise<DrawScenarioRun> {
  const r = rng(c.seed + 101);
  const fcfsEvent = await freshEvent(c, false);
  const demand = demandOf(fcfsEvent.slots, fcfsEvent.companyIds.length);
  const lists = wishLists(fcfsEvent.students.length, demand, r);
  const results = await herd(c, fcfsEvent, fcfsOps(lists, demand, c.perStudent, r, () => 0));
  const f = figures(results);
  const fcfsWins = new Map<number, number>();
  for (const x of results) if (x.kind === "book" && x.status === 201) fcfsWins.set(x.student, (fcfsWins.get(x.student) ?? 0) + 1);

  const drawEvent = await freshEvent(c, true);
  await insertWishes(c, drawEvent, lists);
  const { summary, httpMs } = await runDrawNow(c);
  const v = await verifyPublished(c, drawEvent.eventId);
  const violations = await drawInvariants(c, drawEvent);
  if (!v.commitmentOk) violations.push("drawOpening: the revealed seed is not the committed one");
  if (v.mismatches) violations.push(`drawOpening: ${v.mismatches} wishes differ between the export's recomputation and what was published`);
  // The FCFS students clicked their first perStudent wishes only: their bound is over those.
  const clicked = { ...v.snapshot, students: v.snapshot.students.map((st) => ({ ...st, wishes: st.wishes.filter((w) => w.rank <= c.perStudent) })) };
  const fcfsBound = maxWithOneInterview(clicked, v.snapshot.students.filter((st) => st.eligible).map((st) => st.id));
  const fcfsWith = eligible(fcfsEvent).filter(({ i }) => (fcfsWins.get(i) ?? 0) > 0).length;
  const s = summary.stats;
  return {
    name: "drawOpening",
    violations,
    figures: {
      students: drawEvent.students.length,
      drawn: summary.drawn,
      wishesPerStudent: WISHES,
      allocationComputeMs: v.computeMs,
      drawSealMs: summary.sealMs,
      drawCommitWallMs: summary.commitMs,
      drawRunHttpMs: httpMs,
      drawSettleMs: c.drawSettleMs,
      drawAllocated: summary.allocated,
      drawWithInterview: s.withInterview,
      drawMaxWithInterview: s.maxWithInterview,
      drawCoverage: s.maxWithInterview ? round(s.withInterview / s.maxWithInterview, 4) : null,
      drawFirstChoiceRate: s.firstChoiceRate === null ? null : round(s.firstChoiceRate, 4),
      drawGini: round(s.gini, 3),
      drawDiverged: summary.diverged,
      fcfsHerdWallMs: f.wallMs,
      fcfsAttempts: f.attempts,
      fcfsConfirmed: f.confirmed,
      // Requests the herd's deadline (4 × the request timeout) cut off: a slow machine's herd is truncated, not finished.
      fcfsUnanswered: results.filter((x) => x.status === 0).length,
      fcfsP50Ms: f.p50Ms,
      fcfsP99Ms: f.p99Ms,
      fcfsWithInterview: fcfsWith,
      fcfsMaxWithInterview: fcfsBound,
      fcfsCoverage: fcfsBound ? round(fcfsWith / fcfsBound, 4) : null,
      commitWallOverFcfsWall: f.wallMs && summary.commitMs !== null ? round(summary.commitMs / f.wallMs, 3) : null,
    },
  };
}

async function latencySkew(c: DrawContext): Promise<DrawScenarioRun> {
  const r = rng(c.seed + 202);
  const slow = (student: number) => (student % 2 === 1 ? SLOW_MS : 0);
  const fcfsEvent = await freshEvent(c, false);
  const demand = demandOf(fcfsEvent.slots, fcfsEvent.companyIds.length);
  const hot = new Set(fcfsEvent.companyIds.slice(0, demand.hotCompanies));
  const hotSlot = new Set(fcfsEvent.slots.filter((s) => s.companyIndex < demand.hotCompanies).map((s) => s.id));
  // Students 2k (fast) and 2k + 1 (slow) want the same: any gap between the halves is the delay's.
  const lists = wishLists(Math.ceil(fcfsEvent.students.length / 2), demand, r).flatMap((l) => [l, l]).slice(0, fcfsEvent.students.length);
  const results = await herd(c, fcfsEvent, fcfsOps(lists, demand, c.perStudent, r, slow));
  const ok = new Set(eligible(fcfsEvent).map(({ i }) => i));
  // Popular interviews obtained per student who asked for one: per student, so that how many
  // popular wishes each one listed (or clicked) does not weigh on the rate.
  const rate = (xs: { student: number; won: boolean }[]) => {
    const askers = new Set(xs.map((x) => x.student)).size;
    return askers ? xs.filter((x) => x.won).length / askers : 0;
  };
  const fcfsTries = results.flatMap((x) => (x.kind === "book" && ok.has(x.student) && hotSlot.has(x.slotId) ? [{ student: x.student, won: x.status === 201 }] : []));
  const fcfsSlow = rate(fcfsTries.filter((x) => slow(x.student)));
  const fcfsFast = rate(fcfsTries.filter((x) => !slow(x.student)));

  const drawEvent = await freshEvent(c, true);
  const hotDraw = new Set(drawEvent.companyIds.slice(0, demand.hotCompanies));
  await putWishes(c, drawEvent, lists, slow);
  const { summary } = await runDrawNow(c);
  const d1 = await c.target.d1();
  const entries = (
    await d1.prepare("SELECT student_id, company_id, outcome FROM draw_entries WHERE event_id = ? AND position IS NOT NULL").bind(drawEvent.eventId).all<{ student_id: string; company_id: string; outcome: string }>()
  ).results;
  const index = new Map(drawEvent.students.map((s, i) => [s.id, i]));
  const drawTries = entries.filter((e) => hotDraw.has(e.company_id)).map((e) => ({ student: index.get(e.student_id)!, won: e.outcome === "won" }));
  const drawSlow = rate(drawTries.filter((x) => slow(x.student)));
  const drawFast = rate(drawTries.filter((x) => !slow(x.student)));
  // One draw is one sample (a few hundred popular seats): the same snapshot drawn again with
  // other seeds shows the mechanism's own ratio, free of that luck.
  const v = await verifyPublished(c, drawEvent.eventId);
  const ratios: number[] = [];
  for (let k = 0; k < RESEEDS; k++) {
    const a = await runDraw(v.snapshot, newSeed());
    const drawn = new Set(a.order);
    const tries = a.outcomes.filter((o) => drawn.has(o.studentId) && hotDraw.has(o.companyId)).map((o) => ({ student: index.get(o.studentId)!, won: o.outcome === "won" }));
    const fast = rate(tries.filter((x) => !slow(x.student)));
    if (fast) ratios.push(rate(tries.filter((x) => slow(x.student))) / fast);
  }
  const violations = await drawInvariants(c, drawEvent);
  if (!v.commitmentOk || v.mismatches) violations.push(`latencySkew: the export does not reproduce the draw (${v.mismatches} wishes differ)`);
  return {
    name: "latencySkew",
    violations,
    figures: {
      students: drawEvent.students.length,
      slowDelayMs: SLOW_MS,
      hotCompanies: hot.size,
      fcfsHotRequests: fcfsTries.length,
      fcfsUnanswered: results.filter((x) => x.status === 0).length,
      fcfsHotWinRateSlow: round(fcfsSlow, 4),
      fcfsHotWinRateFast: round(fcfsFast, 4),
      fcfsSlowOverFast: fcfsFast ? round(fcfsSlow / fcfsFast, 3) : null,
      drawHotWishes: drawTries.length,
      drawHotWinRateSlow: round(drawSlow, 4),
      drawHotWinRateFast: round(drawFast, 4),
      drawSlowOverFast: drawFast ? round(drawSlow / drawFast, 3) : null,
      drawSlowOverFastMeanOfReseeds: ratios.length ? round(ratios.reduce((x, y) => x + y, 0) / ratios.length, 3) : null,
      drawSlowOverFastMinOfReseeds: ratios.length ? round(Math.min(...ratios), 3) : null,
      drawAllocated: summary.allocated,
    },
  };
}

const RUNNERS: Record<DrawScenarioName, (c: DrawContext) => Promise<DrawScenarioRun>> = { drawOpening, latencySkew };

/** The selected draw scenarios, in order, each on events of its own. */
export async function runDrawScenarios(c: DrawContext): Promise<DrawScenarioRun[]> {
  const out: DrawScenarioRun[] = [];
  for (const name of DRAW_SCENARIOS) {
    if (!c.only.includes(name)) continue;
    const run = await RUNNERS[name](c);
    out.push(run);
    c.log(`  ${name.padEnd(10)} ${Object.entries(run.figures).map(([k, v]) => `${k} ${v}`).join(", ")}; ${run.violations.length} violations`);
    for (const v of run.violations.slice(0, 10)) c.log(`    VIOLATION ${v}`);
  }
  return out;
}

/** Median and range of each figure over the runs, for the JSON. */
export function summarizeDraw(runs: DrawScenarioRun[][]): Record<string, Record<string, { median: number; min: number; max: number } | null>> {
  const out: Record<string, Record<string, { median: number; min: number; max: number } | null>> = {};
  for (const name of DRAW_SCENARIOS) {
    const per = runs.map((r) => r.find((x) => x.name === name)).filter((x): x is DrawScenarioRun => !!x);
    if (!per.length) continue;
    out[name] = {};
    for (const k of Object.keys(per[0]!.figures)) {
      const xs = per.map((p) => p.figures[k]).filter((x): x is number => typeof x === "number").sort((a, b) => a - b);
      out[name]![k] = xs.length ? { median: xs[Math.floor((xs.length - 1) / 2)]!, min: xs[0]!, max: xs[xs.length - 1]! } : null;
    }
  }
  return out;
}

/** The Markdown section of the report. */
export function drawMarkdown(runs: DrawScenarioRun[][]): string[] {
  const summary = summarizeDraw(runs);
  const names = Object.keys(summary);
  if (!names.length) return [];
  const fmt = (v: { median: number; min: number; max: number } | null | undefined) => (!v ? "n/a" : v.min === v.max ? `${v.median}` : `${v.median} (${v.min}–${v.max})`);
  return [
    "## The fair opening (issue #13)",
    "",
    "drawOpening: the FCFS herd of the same demand (each student clicks their first wishes at once) and phase 1's draw over 10 ranked wishes, each on a fresh copy of the event; the allocation's compute time is the same allocator timed on the draw's published export (Node), the commit wall is the DrawDO's (first booking to last). latencySkew: half the students wait 300 ms before each request; win rate on the popular companies, slow ÷ fast.",
    "",
    ...names.flatMap((n) => [`### ${n}`, "", "| figure | median (min–max) |", "|---|---|", ...Object.entries(summary[n]!).map(([k, v]) => `| ${k} | ${fmt(v)} |`), ""]),
  ];
}
