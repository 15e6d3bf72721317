// The shape every command shares: node:util parseArgs with the common options, one error type
// for "you asked for something wrong" (exit 2) and one for "the data says no" (exit 1), and
// output as a readable table or as JSON (`--json`). Progress goes to stderr, results to stdout.
import { resolve } from "node:path";
import { userInfo } from "node:os";
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { Target } from "./wrangler.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** A mistake in the command line or in an input file: nothing was written. */
export class UsageError extends Error {}
/** The command ran and refused (bad lines, drift found, a check that failed). */
export class Refused extends Error {
  readonly details: unknown;
  constructor(message: string, details: unknown = undefined) {
    super(message);
    this.details = details;
  }
}

export const COMMON_OPTIONS = {
  remote: { type: "boolean", default: false },
  "persist-to": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies Options;

export const COMMON_HELP = `Common options:
  --remote             act on the production D1 (default: the local D1 that \`npm start\` uses)
  --persist-to <dir>   local state directory (default .wrangler/state)
  --json               print JSON instead of tables
  -h, --help           this help`;

export interface Ctx {
  target: Target;
  json: boolean;
  /** Who the audit log names for this run. */
  actor: string;
}

export interface Command {
  /** e.g. "companies import" */
  name: string;
  summary: string;
  usage: string;
  options: Options;
  run(args: { values: Record<string, unknown>; positionals: string[] }, ctx: Ctx): Promise<void>;
}

export function parse(argv: string[], options: Options) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function contextOf(values: Record<string, unknown>): Ctx {
  const persistTo = values["persist-to"];
  const remote = values.remote === true;
  if (remote && typeof persistTo === "string") throw new UsageError("--persist-to is for the local D1; it cannot go with --remote");
  return {
    target: { remote, ...(typeof persistTo === "string" ? { persistTo: resolve(persistTo) } : {}) },
    json: values.json === true,
    actor: `cli:${process.env.INF_ACTOR ?? safeUser()}`,
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** Progress and notes: stderr, so `--json` and CSV on stdout stay clean. */
export const note = (s: string): void => void process.stderr.write(`${s}\n`);

export function progress(label: string): (done?: string) => void {
  const t0 = Date.now();
  note(`… ${label}`);
  return (done = "done") => note(`  ${done} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

export const print = (s = ""): void => void process.stdout.write(`${s}\n`);
export const printJson = (v: unknown): void => print(JSON.stringify(v, null, 2));

/** A plain text table; numbers right-aligned. */
export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  if (!rows.length) return "(none)";
  const cols = columns ?? Object.keys(rows[0]!);
  const text = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const cells = rows.map((r) => cols.map((c) => text(r[c])));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const numeric = cols.map((_, i) => rows.every((r) => typeof r[cols[i]!] === "number" || r[cols[i]!] == null));
  const line = (vals: string[]) => vals.map((v, i) => (numeric[i] ? v.padStart(width[i]!) : v.padEnd(width[i]!))).join("  ").trimEnd();
  return [line(cols), line(width.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** Key/value lines, aligned. */
export function pairs(obj: Record<string, unknown>): string {
  const w = Math.max(...Object.keys(obj).map((k) => k.length));
  return Object.entries(obj)
    .map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v === null || v === undefined ? "-" : typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join("\n");
}

export const nowIso = () => new Date().toISOString();
