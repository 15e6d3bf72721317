// The benchmark's outputs: bench/results/<timestamp>.json (every figure named with its unit, as
// the median plus every run), a Markdown summary, two SVG charts drawn here (no browser), and
// the table printed at the end.
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { CapViolations, ReferenceScenarioRun, Variant } from "../reference/driver.ts";
import type { StageCosts } from "./probe.ts";
import type { ScenarioName, ScenarioRun } from "./scenarios.ts";
import { SCENARIOS } from "./scenarios.ts";
import { type Spread, movingAverage, round, spread } from "./stats.ts";
import { type DrawScenarioRun, drawMarkdown, summarizeDraw } from "./draw-scenarios.ts";

/**
 * The seed's PostgreSQL design as measured by someone else, on another machine at another time
 * (issue #3). Machine speed varies by ~2.7× between sessions: these are
 * shown only when the reference was not measured in the same invocation (`--reference`).
 */
export const REFERENCE = {
  source: "issue #3, measured elsewhere (another machine, another time): PostgreSQL 15, the seed's booking function called over a pool, no HTTP",
  hotSlot: { attemptsPerS: 1719, p50Ms: 169, p99Ms: 285, capViolations: 0 },
  herdPhase1: { attemptsPerS: 4756, p50Ms: 1953, p99Ms: 3724, capViolations: 80, note: "as written; race-free variant 3 897/s, p99 4 541 ms" },
  herdPhase1RaceFree: { attemptsPerS: 3897, p50Ms: 2506, p99Ms: 4541, capViolations: 0 },
  steady: { attemptsPerS: 5221, p50Ms: 11, p99Ms: 29, capViolations: 0 },
} as const;

const FIGURES = [
  "attemptsPerS",
  "confirmedPerS",
  "requestsPerS",
  "p50Ms",
  "p95Ms",
  "p99Ms",
  "maxMs",
  "wallMs",
  "cpuMsPerAttempt",
  "cpuMsPerRequest",
  "ceilingRequestsPerS",
  "ceilingP50Ms",
  "ceilingP99Ms",
  "ceilingCpuMsPerRequest",
  "loadAvg",
  "outboxLagMs",
  "workerPeakRssMb",
  "serverP50Ms",
  "serverP99Ms",
  "attempts",
  "confirmed",
  "invariantViolations",
] as const;
type Figure = (typeof FIGURES)[number];

/** Median and spread of each figure over the runs; null when a run lacks it. */
function spreads<T, F extends string>(per: T[], names: readonly F[], flat: (x: T) => Record<F, number | null>): Record<F, Spread | null> {
  const out = {} as Record<F, Spread | null>;
  for (const f of names) {
    const xs = per.map((x) => flat(x)[f]);
    out[f] = xs.every((x): x is number => x !== null) ? spread(xs) : null;
  }
  return out;
}

function flat(s: ScenarioRun): Record<Figure, number | null> {
  return {
    attemptsPerS: s.figures.attemptsPerS,
    confirmedPerS: s.figures.confirmedPerS,
    requestsPerS: s.figures.requestsPerS,
    p50Ms: s.figures.p50Ms,
    p95Ms: s.figures.p95Ms,
    p99Ms: s.figures.p99Ms,
    maxMs: s.figures.maxMs,
    wallMs: s.figures.wallMs,
    cpuMsPerAttempt: s.cpuMsPerAttempt,
    cpuMsPerRequest: round(s.cpuMs / Math.max(1, s.figures.requests), 3),
    ceilingRequestsPerS: s.ceiling?.figures.requestsPerS ?? null,
    ceilingP50Ms: s.ceiling?.figures.p50Ms ?? null,
    ceilingP99Ms: s.ceiling?.figures.p99Ms ?? null,
    ceilingCpuMsPerRequest: s.ceiling?.cpuMsPerRequest ?? null,
    loadAvg: s.loadAvg,
    outboxLagMs: s.outboxLagMs,
    workerPeakRssMb: s.workerPeakRssMb,
    serverP50Ms: s.server?.p50Ms ?? null,
    serverP99Ms: s.server?.p99Ms ?? null,
    attempts: s.figures.attempts,
    confirmed: s.figures.confirmed,
    invariantViolations: s.violations.length,
  };
}

export interface ReportInput {
  outDir: string | null;
  machine: Record<string, unknown>;
  options: Record<string, unknown>;
  runs: { scenarios: ScenarioRun[]; probe: unknown; draw?: DrawScenarioRun[] }[];
  wrangler: ScenarioRun[] | null;
  reference: ReferenceInput | null;
  /** Another commit's Worker under the same workload (`--versus`). */
  versus: { ref: string; sha: string; runs: { scenarios: ScenarioRun[] }[] } | null;
  log: (s: string) => void;
}

type Summary = Partial<Record<ScenarioName, Record<Figure, Spread | null> & { errorCodes: Record<string, number>[]; byKind: unknown[] }>>;

export function summarize(runs: { scenarios: ScenarioRun[] }[]): Summary {
  const out: Summary = {};
  for (const name of SCENARIOS) {
    const per = runs.map((r) => r.scenarios.find((s) => s.name === name)).filter((s): s is ScenarioRun => !!s);
    if (!per.length) continue;
    out[name] = { ...spreads(per, FIGURES, flat), errorCodes: per.map((s) => s.figures.errorCodes), byKind: per.map((s) => s.figures.byKind) };
  }
  return out;
}

/** One run of the reference: the whole workload against each variant of the booking function. */
export type ReferenceRun = Record<Variant, ReferenceScenarioRun[]>;

/** The reference measured in this invocation (bench/reference/). */
export interface ReferenceInput {
  postgres: string;
  poolSize: number;
  settings: Record<string, string>;
  storage: string;
  runs: ReferenceRun[];
}

const REF_FIGURES = ["attemptsPerS", "confirmedPerS", "p50Ms", "p95Ms", "p99Ms", "maxMs", "wallMs", "cpuMsPerAttempt", "capViolations"] as const;
type RefFigure = (typeof REF_FIGURES)[number];
type ReferenceSummary = Record<
  Variant,
  Partial<Record<ScenarioName, Record<RefFigure, Spread | null> & { errorCodes: Record<string, number>[]; caps: CapViolations[] }>>
>;
const VARIANT_LABEL: Record<Variant, string> = { asWritten: "as written", raceFree: "race-free", oneCore: "PostgreSQL, one core" };
const VARIANTS = Object.keys(VARIANT_LABEL) as Variant[];

export function summarizeReference(runs: ReferenceRun[]): ReferenceSummary {
  const out: ReferenceSummary = { asWritten: {}, raceFree: {}, oneCore: {} };
  for (const variant of VARIANTS)
    for (const name of SCENARIOS) {
      const per = runs.map((r) => r[variant].find((s) => s.name === name)).filter((s): s is ReferenceScenarioRun => !!s);
      if (!per.length) continue;
      const figs = spreads(per, REF_FIGURES, (s) => ({ ...s.figures, cpuMsPerAttempt: s.cpuMsPerAttempt, capViolations: s.capViolations }));
      out[variant][name] = { ...figs, errorCodes: per.map((s) => s.figures.errorCodes), caps: per.map((s) => s.caps) };
    }
  return out;
}

const fmt = (s: Spread | null | undefined, digits = 0) =>
  !s ? "n/a" : s.runs.length > 1 ? `${round(s.median, digits)} (${round(s.min, digits)}–${round(s.max, digits)})` : `${round(s.median, digits)}`;
const table = (h: string[], r: string[][]) => [`| ${h.join(" | ")} |`, `|${h.map(() => "---").join("|")}|`, ...r.map((x) => `| ${x.join(" | ")} |`)].join("\n");

const nonZero = (c: CapViolations) => Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));

/** The reference's own figures, per variant and scenario (Markdown). */
export function referenceTable(summary: ReferenceSummary): string {
  const header = ["scenario", "variant", "attempts/s", "confirmed/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "wall ms", "CPU ms/attempt", "cap violations"];
  const rows = SCENARIOS.flatMap((n) =>
    VARIANTS.flatMap((v) => {
      const s = summary[v][n];
      return s ? [[n, VARIANT_LABEL[v], fmt(s.attemptsPerS), fmt(s.confirmedPerS), fmt(s.p50Ms), fmt(s.p95Ms), fmt(s.p99Ms), fmt(s.maxMs), fmt(s.wallMs), fmt(s.cpuMsPerAttempt, 3), fmt(s.capViolations)]] : [];
    }),
  );
  return table(header, rows);
}

/** The run whose attempts/s is the median one, for the charts. */
function medianRun(runs: { scenarios: ScenarioRun[] }[], name: ScenarioName): ScenarioRun | undefined {
  const per = runs.map((r) => r.scenarios.find((s) => s.name === name)).filter((s): s is ScenarioRun => !!s);
  per.sort((a, b) => a.figures.attemptsPerS - b.figures.attemptsPerS);
  return per[Math.floor((per.length - 1) / 2)];
}

const COLORS: Record<ScenarioName, string> = { hotSlot: "#d62728", herdPhase1: "#1f77b4", herdPhase2: "#2ca02c", steady: "#9467bd" };

function svgChart(opts: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: { name: string; color: string; points: [number, number][] }[];
  logX?: boolean;
}): string {
  const W = 760, H = 420, L = 70, R = 160, T = 40, B = 50;
  const all = opts.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const fx = opts.logX ? (x: number) => Math.log10(Math.max(x, 0.1)) : (x: number) => x;
  const x0 = opts.logX ? fx(Math.max(0.1, Math.min(...xs))) : 0;
  const x1 = Math.max(x0 + 1e-9, fx(Math.max(...xs, 1)));
  const y1 = Math.max(...ys, 1e-9);
  const px = (x: number) => L + ((fx(x) - x0) / (x1 - x0)) * (W - L - R);
  const py = (y: number) => H - B - (y / y1) * (H - T - B);
  const ticks = (lo: number, hi: number) => Array.from({ length: 6 }, (_, i) => lo + ((hi - lo) * i) / 5);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${opts.title}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${opts.xLabel}</text>`,
    `<text x="16" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(T + H - B) / 2})">${opts.yLabel}</text>`,
  ];
  for (const t of ticks(x0, x1)) {
    const x = opts.logX ? 10 ** t : t;
    out.push(`<line x1="${px(x)}" y1="${H - B}" x2="${px(x)}" y2="${H - B + 5}" stroke="black"/>`);
    out.push(`<text x="${px(x)}" y="${H - B + 18}" text-anchor="middle">${x >= 100 ? Math.round(x) : round(x, 1)}</text>`);
  }
  for (const y of ticks(0, y1)) {
    out.push(`<line x1="${L - 5}" y1="${py(y)}" x2="${W - R}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 8}" y="${py(y) + 4}" text-anchor="end">${y >= 100 ? Math.round(y) : round(y, 2)}</text>`);
  }
  opts.series.forEach((s, i) => {
    const d = s.points.map((p, k) => `${k ? "L" : "M"}${round(px(p[0]), 1)},${round(py(p[1]), 1)}`).join("");
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<rect x="${W - R + 15}" y="${T + i * 20}" width="14" height="4" fill="${s.color}"/>`);
    out.push(`<text x="${W - R + 35}" y="${T + i * 20 + 6}">${s.name}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}

export function writeReport(i: ReportInput): { json: string; md: string } | null {
  const summary = summarize(i.runs);
  const wrangler = i.wrangler ? summarize([{ scenarios: i.wrangler }]) : null;
  const violations = [...i.runs.flatMap((r, k) => r.scenarios.flatMap((s) => s.violations.map((v) => `run ${k + 1} ${s.name}: ${v}`))), ...(i.wrangler ?? []).flatMap((s) => s.violations.map((v) => `wrangler dev ${s.name}: ${v}`))];
  const header = ["scenario", "attempts/s", "requests/s", "confirmed/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "wall ms", "CPU ms/attempt", "outbox lag ms", "worker peak MB", "DO time p50/p99 ms", "load avg", "violations"];
  const rows = SCENARIOS.filter((n) => summary[n]).map((n) => {
    const s = summary[n]!;
    return [n, fmt(s.attemptsPerS), fmt(s.requestsPerS), fmt(s.confirmedPerS), fmt(s.p50Ms), fmt(s.p95Ms), fmt(s.p99Ms), fmt(s.maxMs), fmt(s.wallMs), fmt(s.cpuMsPerAttempt, 3), fmt(s.outboxLagMs), fmt(s.workerPeakRssMb), `${fmt(s.serverP50Ms)} / ${fmt(s.serverP99Ms)}`, fmt(s.loadAvg, 1), fmt(s.invariantViolations)];
  });

  const names = SCENARIOS.filter((n) => summary[n]);
  const ratio = (ours: Spread | null | undefined, ref: number | undefined, digits = 2) => (ours && ref ? `${round(ours.median / ref, digits)}×` : "");
  const ceilingHeader = ["scenario", "ours requests/s", "ceiling requests/s", "ours ÷ ceiling", "ceiling p50 / p99 ms", "ours CPU ms/request", "ceiling CPU ms/request", "CPU ours ÷ ceiling"];
  const ceilingRows = names.map((n) => {
    const s = summary[n]!;
    return [n, fmt(s.requestsPerS), fmt(s.ceilingRequestsPerS), ratio(s.requestsPerS, s.ceilingRequestsPerS?.median), `${fmt(s.ceilingP50Ms)} / ${fmt(s.ceilingP99Ms)}`, fmt(s.cpuMsPerRequest, 3), fmt(s.ceilingCpuMsPerRequest, 3), ratio(s.cpuMsPerRequest, s.ceilingCpuMsPerRequest?.median, 1)];
  });
  const measured = i.reference ? summarizeReference(i.reference.runs) : null;
  const elsewhere = REFERENCE as unknown as Record<string, { attemptsPerS: number; p50Ms: number; p99Ms: number } | undefined>;
  // The headline: ours against the race-free design (the as-written one breaks the caps), on both
  // cores and on one, in throughput and in CPU per attempt.
  const sideHeader = measured
    ? ["scenario", "ours attempts/s", "ours p99 ms", "ours CPU ms/attempt", "PG race-free attempts/s", "p99 ms", "PG one core attempts/s", "p99 ms", "PG CPU ms/attempt (one core)", "ours ÷ PG race-free", "ours ÷ PG one core", "CPU ours ÷ PG one core"]
    : ["scenario", "ours attempts/s", "ours p99 ms", "ours CPU ms/attempt", "reference measured elsewhere attempts/s", "p50 / p99 ms", "ours ÷ reference (elsewhere)"];
  const sideRows = names.map((n) => {
    const s = summary[n]!;
    const ours = [n, fmt(s.attemptsPerS), fmt(s.p99Ms), fmt(s.cpuMsPerAttempt, 3)];
    if (measured) {
      const rf = measured.raceFree[n];
      const one = measured.oneCore[n];
      return [
        ...ours,
        fmt(rf?.attemptsPerS),
        fmt(rf?.p99Ms),
        fmt(one?.attemptsPerS),
        fmt(one?.p99Ms),
        fmt(one?.cpuMsPerAttempt, 3),
        ratio(s.attemptsPerS, rf?.attemptsPerS?.median),
        ratio(s.attemptsPerS, one?.attemptsPerS?.median),
        ratio(s.cpuMsPerAttempt, one?.cpuMsPerAttempt?.median, 1),
      ];
    }
    const r = elsewhere[n === "herdPhase2" ? "herdPhase1RaceFree" : n];
    return [...ours, r ? String(r.attemptsPerS) : "", r ? `${r.p50Ms} / ${r.p99Ms}` : "", ratio(s.attemptsPerS, r?.attemptsPerS)];
  });
  const wranglerHeader = ["scenario", "ours (bare workerd) attempts/s", "p50 / p99 ms", "wrangler dev attempts/s", "p50 / p99 ms", "wrangler dev CPU ms/attempt"];
  const wranglerRows = wrangler
    ? names.map((n) => {
        const s = summary[n]!;
        const w = wrangler[n];
        return [n, fmt(s.attemptsPerS), `${fmt(s.p50Ms)} / ${fmt(s.p99Ms)}`, fmt(w?.attemptsPerS), `${fmt(w?.p50Ms)} / ${fmt(w?.p99Ms)}`, fmt(w?.cpuMsPerAttempt, 3)];
      })
    : [];

  const before = i.versus ? summarize(i.versus.runs) : null;
  const versusHeader = ["scenario", `${i.versus?.ref} attempts/s`, "this tree attempts/s", "ratio", `${i.versus?.ref} CPU ms/attempt`, "this tree CPU ms/attempt", "ratio", `${i.versus?.ref} p99 ms`, "this tree p99 ms"];
  const versusRows = before
    ? names.map((n) => {
        const s = summary[n]!;
        const b = before[n];
        return [n, fmt(b?.attemptsPerS), fmt(s.attemptsPerS), ratio(s.attemptsPerS, b?.attemptsPerS?.median), fmt(b?.cpuMsPerAttempt, 3), fmt(s.cpuMsPerAttempt, 3), ratio(s.cpuMsPerAttempt, b?.cpuMsPerAttempt?.median), fmt(b?.p99Ms), fmt(s.p99Ms)];
      })
    : [];

  i.log("");
  i.log(table(header, rows));
  if (before) {
    i.log("");
    i.log(table(versusHeader, versusRows));
  }
  const ceilingMeasured = names.some((n) => summary[n]!.ceilingRequestsPerS);
  if (ceilingMeasured) {
    i.log("");
    i.log(table(ceilingHeader, ceilingRows));
  }
  for (const line of drawMarkdown(i.runs.map((r) => r.draw ?? []))) i.log(line);
  i.log("");
  i.log(table(sideHeader, sideRows));
  if (wrangler) {
    i.log("");
    i.log(table(wranglerHeader, wranglerRows));
  }
  if (measured) {
    i.log("");
    i.log(referenceTable(measured));
  }
  if (!i.outDir) return null;

  mkdirSync(i.outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const base = join(i.outDir, stamp);
  const cdfSvg = svgChart({
    title: "Latency CDF (median run of each scenario)",
    xLabel: "latency (ms, log scale)",
    yLabel: "fraction of requests",
    logX: true,
    series: SCENARIOS.flatMap((n) => {
      const r = medianRun(i.runs, n);
      return r ? [{ name: n, color: COLORS[n], points: r.cdf }] : [];
    }),
  });
  const tputSvg = svgChart({
    title: "Throughput over time (median run, completed requests/s, 1 s moving average)",
    xLabel: "seconds since the scenario started",
    yLabel: "requests/s",
    series: SCENARIOS.flatMap((n) => {
      const r = medianRun(i.runs, n);
      return r ? [{ name: n, color: COLORS[n], points: movingAverage(r.throughputPerS, 4).map((y, k): [number, number] => [(k * 250) / 1000, y]) }] : [];
    }),
  });
  writeFileSync(`${base}-latency-cdf.svg`, cdfSvg);
  writeFileSync(`${base}-throughput.svg`, tputSvg);

  const json = {
    schema: "inf-bench/1",
    finishedAt: new Date().toISOString(),
    machine: i.machine,
    options: i.options,
    scenarios: summary,
    wranglerDev: wrangler,
    versus: i.versus ? { ref: i.versus.ref, sha: i.versus.sha, scenarios: before, raw: i.versus.runs.map((r) => r.scenarios.map((s) => ({ name: s.name, figures: s.figures, cpuMs: s.cpuMs, cpuMsPerAttempt: s.cpuMsPerAttempt }))) } : null,
    probe: i.runs.map((r) => r.probe),
    reference: i.reference
      ? { measuredNow: true, postgres: i.reference.postgres, poolSize: i.reference.poolSize, settings: i.reference.settings, storage: i.reference.storage, variants: measured, raw: i.reference.runs }
      : { measuredNow: false, ...REFERENCE },
    violations,
    draw: { summary: summarizeDraw(i.runs.map((r) => r.draw ?? [])), raw: i.runs.map((r) => r.draw ?? []) },
    charts: { latencyCdf: basename(`${base}-latency-cdf.svg`), throughput: basename(`${base}-throughput.svg`) },
    raw: i.runs.map((r) => r.scenarios.map((s) => ({ name: s.name, figures: s.figures, outboxLagMs: s.outboxLagMs, workerPeakRssMb: s.workerPeakRssMb, server: s.server, throughputPerS: s.throughputPerS }))),
  };
  writeFileSync(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);

  const m = i.machine as { cores: number; cpu: string; node: string; workerd: string; loadAvgAtStart: number[] };
  const md = [
    `# Phase-open benchmark, ${json.finishedAt}`,
    "",
    `Machine: ${m.cores} cores (${m.cpu}), Node ${m.node}, workerd ${m.workerd}; load average at start ${m.loadAvgAtStart.join(" ")}.`,
    `Runs: ${i.runs.length} (median, with min–max over runs in parentheses). Options: \`${JSON.stringify(i.options)}\`.`,
    "",
    "## Figures (Worker under bare workerd via Miniflare)",
    "",
    table(header, rows),
    "",
    "DO time = Worker receipt → StudentDO answer (SlotDO included), from `booking_attempts.response_time_ms`; latency is client-side, from issue to last byte.",
    "",
    "CPU ms/attempt = CPU time (user + system, from /proc) of the workerd process (Worker, every Durable Object, D1) from the scenario's first request until it is idle again (the outbox written to D1 included), divided by the booking attempts (steady's cancellations and reads included in the CPU).",
    "",
    ...(before && i.versus
      ? [`## Before and after (\`--versus ${i.versus.ref}\`, ${i.versus.sha.slice(0, 12)}, run before ours in each run)`, "", table(versusHeader, versusRows), ""]
      : []),
    ...(ceilingMeasured
      ? [
          "## Against the runtime's ceiling",
          "",
          "The ceiling (bench/ceiling/worker.ts) runs in the same workerd, loaded by the same process over the same connections after all of our scenarios, with the same requests: HTTP → the app's JWT check → a Durable Object per student → a Durable Object per slot, one SQLite insert each, → JSON.",
          "",
          table(ceilingHeader, ceilingRows),
          "",
        ]
      : []),
    "## Side by side",
    "",
    table(sideHeader, sideRows),
    "",
    ...(wrangler ? ["Through `wrangler dev` (same workload, once):", "", table(wranglerHeader, wranglerRows), ""] : []),
    ...(i.reference && measured
      ? [
          `Reference measured now, in this invocation, right after each of our runs, with the same operations: the seed's design (bench/reference/schema.sql) on ${i.reference.postgres}, ` +
            `the booking function called directly over a pg pool of ${i.reference.poolSize} connections (no HTTP), settings \`${JSON.stringify(i.reference.settings)}\` ` +
            `(every commit durable before it is answered), data directory on ${i.reference.storage} as ours. "As written" locks only the slot row; "race-free" locks the student's row first; ` +
            '"PostgreSQL, one core" is race-free with the server\'s processes pinned to core 0 and the driver to core 1 (taskset), the shape of ours (one workerd thread beside its load process). ' +
            "CPU ms/attempt sums the postmaster and every process under it (backends, WAL writer, checkpointer; exited backends through the postmaster's reaped-children times) from the scenario's first operation until idle. " +
            "Cap violations are counted on the stored state after the scenario (cumulative): students over the phase-1, total or company cap, slots over capacity, deprioritized phase-1 bookings, overlapping pairs.",
          "",
          referenceTable(measured),
          "",
          ...VARIANTS.flatMap((v) =>
            names.flatMap((n) => {
              const r = measured[v][n];
              return r ? [`- ${VARIANT_LABEL[v]} ${n}: ${r.errorCodes.map((c) => JSON.stringify(c)).join("; ")}; cap violations per run ${r.caps.map((c) => JSON.stringify(nonZero(c))).join("; ")}`] : [];
            }),
          ),
        ]
      : [
          `Reference: ${REFERENCE.source}. Not measured on this machine: run with \`--reference\` for figures measured now. herdPhase2 is compared with the race-free herd (the as-written function gives 4 756/s, p99 3 724 ms, 80 students over the cap).`,
        ]),

    "",
    "## Charts",
    "",
    `![latency CDF](${json.charts.latencyCdf})`,
    "",
    `![throughput](${json.charts.throughput})`,
    "",
    "## Error codes (per run)",
    "",
    ...SCENARIOS.filter((n) => summary[n]).map((n) => `- ${n}: ${summary[n]!.errorCodes.map((c) => JSON.stringify(c)).join("; ")}`),
    "",
    ...drawMarkdown(i.runs.map((r) => r.draw ?? [])),
    "## Invariants",
    "",
    violations.length ? violations.slice(0, 50).map((v) => `- ${v}`).join("\n") : "All invariants held after every scenario of every run.",
    "",
  ];
  const probes = i.runs.map((r) => r.probe as StageCosts | null).filter((p): p is StageCosts => p !== null);
  if (probes.length) {
    const stages = Object.keys(probes[0]!) as (keyof StageCosts)[];
    const stageRows = stages.map((st) => [st, fmt(spread(probes.map((p) => p[st].cpuUsPerOp))), fmt(spread(probes.map((p) => p[st].wallMsPerOp)), 3), String(probes[0]![st].n)]);
    const stageTable = table(["stage", "CPU µs per operation", "wall ms per operation (coarse)", "operations"], stageRows);
    i.log("");
    i.log(stageTable);
    md.push("## Stages alone (`--probe`: inside workerd, no HTTP; CPU from /proc around each)", "", stageTable, "");
  }
  writeFileSync(`${base}.md`, md.join("\n"));
  return { json: `${base}.json`, md: `${base}.md` };
}
