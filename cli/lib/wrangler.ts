// Everything the CLI does to D1 and R2 goes through wrangler, so the same command works on the
// local state (default) and on production (`--remote`). wrangler runs on this process's Node (22).
// One exception, for speed: statements on an existing local D1 run in this process (local-d1.ts).
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "smol-toml";
import { localD1File, localExecute, localQueryMany } from "./local-d1.ts";

export const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
/** wrangler.toml's database and bucket (the CLI speaks to the binding names). */
export const DATABASE = "DB";
export const BUCKET = "inf-files";

export interface Target {
  remote: boolean;
  /** Local state directory (wrangler's --persist-to); default .wrangler/state. */
  persistTo?: string;
}

// Node's compile cache saves ~15 % of each wrangler start (its bundle is large); every CLI
// command starts wrangler once or twice. No Request.cf fetch: the machine may be offline.
const env = () => ({
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  FORCE_COLOR: "0",
  NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(ROOT, "node_modules/.cache/inf-wrangler-compile"),
});
const where = (t: Target) => (t.remote ? ["--remote"] : ["--local", ...(t.persistTo ? ["--persist-to", t.persistTo] : [])]);

/** wrangler's own complaint, without its banner and log noise. */
function complaint(raw: string): string {
  const out = raw.replace(/\x1b\[[0-9;]*m/g, "");
  try {
    const j = JSON.parse(out) as { error?: { text?: string } };
    if (j.error?.text) return j.error.text;
  } catch {
    /* not JSON: plain text output */
  }
  const lines = out.split("\n").filter((l) => l.trim() && !/^\s*(⛅️|─|🌀|🪵|wrangler \d|Resource location|Use --remote)/u.test(l));
  return lines.slice(-12).join("\n");
}

/** Runs wrangler; its output is shown live unless `quiet`, and shown anyway when it fails. */
export function wrangler(args: string[], opts: { quiet?: boolean; cwd?: string } = {}): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: opts.cwd ?? ROOT, env: env(), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const take = (to: NodeJS.WriteStream) => (b: Buffer) => {
      out += b.toString();
      if (!opts.quiet) to.write(b);
    };
    child.stdout.on("data", take(process.stderr));
    child.stderr.on("data", take(process.stderr));
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0 ? ok(out) : fail(new Error(`wrangler ${args.slice(0, 3).join(" ")} failed (exit ${code}):\n${complaint(out)}`)),
    );
  });
}

/** The local D1 file of a local target, once wrangler has created it. */
const localFile = (t: Target) => (t.remote ? null : localD1File(t.persistTo ?? join(ROOT, ".wrangler/state")));

/** The rows of each statement of `sql`, in one transaction (one wrangler call, `d1 execute --json`, when remote). */
export function queryMany(t: Target, sql: string): Record<string, unknown>[][] {
  const file = localFile(t);
  if (file) return localQueryMany(file, sql);
  const r = spawnSync(process.execPath, [WRANGLER, "d1", "execute", DATABASE, ...where(t), "--json", "--command", sql], {
    cwd: ROOT,
    env: env(),
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`wrangler d1 execute failed: ${complaint(r.stdout || r.stderr)}`);
  const out = JSON.parse(r.stdout) as { results?: Record<string, unknown>[] }[];
  return out.map((x) => x.results ?? []);
}

/** A query's rows, through `wrangler d1 execute --json`. */
export function query<T = Record<string, unknown>>(t: Target, sql: string): T[] {
  return queryMany(t, sql).flat() as T[];
}

/** Runs a SQL script from a temporary file: one batch, so all of it is written or none of it. */
export async function executeFile(t: Target, sql: string): Promise<void> {
  const file = localFile(t);
  if (file) return localExecute(file, sql);
  const dir = mkdtempSync(join(tmpdir(), "inf-sql-"));
  try {
    const file = join(dir, "script.sql");
    writeFileSync(file, sql);
    await wrangler(["d1", "execute", DATABASE, ...where(t), "--yes", "--file", file], { quiet: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const applyMigrations = (t: Target, opts: { quiet?: boolean } = {}) =>
  wrangler(["d1", "migrations", "apply", DATABASE, ...where(t)], opts);

/**
 * `wrangler d1 export` into `file`. Its local mode has no --persist-to: it reads the state next
 * to the config file it is given, so for another state directory we hand it a minimal config in a
 * temporary directory whose `.wrangler/state` points at that state.
 */
/**
 * `wrangler d1 export` of a local D1 fails at once with SQLITE_BUSY when a running Worker (`npm
 * start`) is writing that moment (its workerd sets no busy timeout): wait and try again, a few times.
 */
async function exportLocal(args: string[], opts: { cwd?: string } = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await wrangler(args, { quiet: true, ...opts });
      return;
    } catch (err) {
      if (attempt >= 5 || !/SQLITE_BUSY|database is locked/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

export async function exportDatabase(t: Target, file: string): Promise<void> {
  const out = resolve(file);
  if (t.remote) {
    await wrangler(["d1", "export", DATABASE, "--remote", "--output", out], { quiet: true });
    return;
  }
  if (!t.persistTo) {
    await exportLocal(["d1", "export", DATABASE, "--local", "--output", out]);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "inf-export-"));
  try {
    mkdirSync(join(dir, ".wrangler"));
    symlinkSync(resolve(t.persistTo), join(dir, ".wrangler/state"), "dir");
    const db = wranglerDatabase();
    writeFileSync(
      join(dir, "wrangler.toml"),
      `name = "inf-booking"\ncompatibility_date = "2026-11-01"\n[[d1_databases]]\nbinding = "${DATABASE}"\ndatabase_name = "${db.name}"\ndatabase_id = "${db.id}"\n`,
    );
    await exportLocal(["d1", "export", DATABASE, "--local", "--config", join(dir, "wrangler.toml"), "--output", out], { cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The D1 database of wrangler.toml (its local file is named after the id). */
function wranglerDatabase(): { name: string; id: string } {
  const config = parse(readFileSync(join(ROOT, "wrangler.toml"), "utf8")) as { d1_databases?: { binding?: string; database_name?: string; database_id?: string }[] };
  const db = config.d1_databases?.find((d) => d.binding === DATABASE);
  if (!db?.database_name || !db.database_id) throw new Error(`wrangler.toml has no [[d1_databases]] entry for ${DATABASE}`);
  return { name: db.database_name, id: db.database_id };
}

const r2Where = (t: Target) => (t.remote ? ["--remote"] : ["--local", ...(t.persistTo ? ["--persist-to", t.persistTo] : [])]);

/** Deletes an object of the FILES bucket; deleting a missing object is not an error. */
export const r2Delete = (t: Target, key: string) => wrangler(["r2", "object", "delete", `${BUCKET}/${key}`, ...r2Where(t)], { quiet: true });

/** Downloads an object of the FILES bucket into `file`. */
export const r2Get = (t: Target, key: string, file: string) =>
  wrangler(["r2", "object", "get", `${BUCKET}/${key}`, ...r2Where(t), "--file", resolve(file)], { quiet: true });

/** Uploads `file` into the FILES bucket (tests and the CV fixture use it). */
export const r2Put = (t: Target, key: string, file: string) =>
  wrangler(["r2", "object", "put", `${BUCKET}/${key}`, ...r2Where(t), "--file", resolve(file)], { quiet: true });
