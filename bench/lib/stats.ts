// Figures of one scenario run, and the median/spread over runs.
import type { Result } from "./workload.ts";

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export interface Latency {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function latency(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  return { p50Ms: round(percentile(s, 0.5)), p95Ms: round(percentile(s, 0.95)), p99Ms: round(percentile(s, 0.99)), maxMs: round(s[s.length - 1] ?? 0) };
}

export interface RunFigures extends Latency {
  requests: number;
  attempts: number;
  confirmed: number;
  wallMs: number;
  requestsPerS: number;
  attemptsPerS: number;
  confirmedPerS: number;
  /** Responses by the contract's code ("ok" for 2xx), bookings and cancellations only. */
  errorCodes: Record<string, number>;
  /** Per kind of request (steady mixes bookings, cancellations and reads). */
  byKind: Record<string, Latency & { count: number }>;
}

export function figures(results: Result[]): RunFigures {
  const first = Math.min(...results.map((r) => r.startMs));
  const last = Math.max(...results.map((r) => r.endMs));
  const wallMs = Math.max(1, last - first);
  const books = results.filter((r) => r.kind === "book");
  const confirmed = books.filter((r) => r.status === 201).length;
  const errorCodes: Record<string, number> = {};
  for (const r of results) if (r.kind !== "read") errorCodes[`${r.kind}:${r.code}`] = (errorCodes[`${r.kind}:${r.code}`] ?? 0) + 1;
  const byKind: RunFigures["byKind"] = {};
  for (const kind of ["book", "cancel", "read"] as const) {
    const xs = results.filter((r) => r.kind === kind);
    if (xs.length) byKind[kind] = { count: xs.length, ...latency(xs.map((r) => r.endMs - r.startMs)) };
  }
  return {
    requests: results.length,
    attempts: books.length,
    confirmed,
    wallMs: round(wallMs),
    requestsPerS: round((results.length * 1000) / wallMs),
    attemptsPerS: round((books.length * 1000) / wallMs),
    confirmedPerS: round((confirmed * 1000) / wallMs),
    errorCodes,
    byKind,
    ...latency(results.map((r) => r.endMs - r.startMs)),
  };
}

/** Each point the mean of the `window` points centred on it (fewer at the edges): a readable curve. */
export function movingAverage(xs: number[], window: number): number[] {
  const half = Math.floor(window / 2);
  return xs.map((_, k) => {
    const part = xs.slice(Math.max(0, k - half), Math.min(xs.length, k - half + window));
    return round(part.reduce((a, b) => a + b, 0) / part.length, 0);
  });
}

/** Completed requests per `bucketMs`, from the scenario's start. */
export function throughputSeries(results: Result[], bucketMs: number): number[] {
  const last = Math.max(0, ...results.map((r) => r.endMs));
  const out = new Array<number>(Math.floor(last / bucketMs) + 1).fill(0);
  for (const r of results) out[Math.floor(r.endMs / bucketMs)]!++;
  return out.map((n) => round((n * 1000) / bucketMs, 0));
}

/** Latency CDF as (ms, fraction) points, thinned to at most `points`. */
export function cdf(results: Result[], points = 200): [number, number][] {
  const s = results.map((r) => r.endMs - r.startMs).sort((a, b) => a - b);
  if (!s.length) return [];
  const step = Math.max(1, Math.floor(s.length / points));
  const out: [number, number][] = [];
  for (let i = 0; i < s.length; i += step) out.push([round(s[i]!), round((i + 1) / s.length, 4)]);
  out.push([round(s[s.length - 1]!), 1]);
  return out;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(runs: number[]): Spread {
  const s = [...runs].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: round(mid, 3), min: round(s[0] ?? 0, 3), max: round(s[s.length - 1] ?? 0, 3), runs: runs.map((x) => round(x, 3)) };
}
