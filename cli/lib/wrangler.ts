// Everything the CLI does to D1 goes through wrangler, so the same command works on the local
// state (default) and on production (`--remote`). wrangler runs on this process's Node (22).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

export interface Target {
  remote: boolean;
  /** Local state directory (wrangler's --persist-to); default .wrangler/state. */
  persistTo?: string;
}

const env = () => ({ ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", FORCE_COLOR: "0" });
const where = (t: Target) => (t.remote ? ["--remote"] : ["--local", ...(t.persistTo ? ["--persist-to", t.persistTo] : [])]);

/** Runs wrangler, streaming its output; throws when it fails. */
export function wrangler(args: string[], opts: { quiet?: boolean } = {}): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: env(), stdio: opts.quiet ? "ignore" : "inherit" });
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? ok() : fail(new Error(`wrangler ${args.slice(0, 3).join(" ")} exited with ${code}`))));
  });
}

/** A query's rows, through `wrangler d1 execute --json`. */
export function query<T = Record<string, unknown>>(t: Target, sql: string): T[] {
  const r = spawnSync(process.execPath, [WRANGLER, "d1", "execute", "DB", ...where(t), "--json", "--command", sql], {
    cwd: ROOT,
    env: env(),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`wrangler d1 execute failed:\n${r.stderr || r.stdout}`);
  const out = JSON.parse(r.stdout) as { results: T[] }[];
  return out.flatMap((x) => x.results ?? []);
}

/** Runs a SQL script (one transaction per wrangler call) from a temporary file. */
export async function executeFile(t: Target, sql: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "inf-sql-"));
  try {
    const file = join(dir, "script.sql");
    writeFileSync(file, sql);
    await wrangler(["d1", "execute", "DB", ...where(t), "--yes", "--file", file], { quiet: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const applyMigrations = (t: Target) => wrangler(["d1", "migrations", "apply", "DB", ...where(t)]);
