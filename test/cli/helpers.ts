// Running the CLI and the Worker for real in a throw-away local state: every test file makes its
// own state directory, its own users and its own Worker port.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, type Target, executeFile, query, queryMany } from "../../cli/lib/wrangler.ts";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export class State {
  readonly dir = mkdtempSync(join(tmpdir(), "inf-cli-test-"));
  readonly target: Target = { remote: false, persistTo: join(this.dir, "state") };

  /** `npm run event -- <args> --persist-to <this state>`. */
  cli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
    return new Promise((ok, fail) => {
      const child = spawn(process.execPath, [join(ROOT, "cli/event.ts"), ...args, "--persist-to", this.target.persistTo!], {
        cwd: ROOT,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", INF_ACTOR: "test", ...opts.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
      child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
      child.on("error", fail);
      child.on("exit", (code) => ok({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(opts.input ?? "");
    });
  }

  /** Runs the CLI with --json and expects success. */
  async json<T = any>(args: string[], opts: { env?: Record<string, string> } = {}): Promise<T> {
    const r = await this.cli([...args, "--json"], opts);
    if (r.code !== 0) throw new Error(`event ${args.join(" ")} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
    return JSON.parse(r.stdout) as T;
  }

  async ok(args: string[]): Promise<Run> {
    const r = await this.cli(args);
    if (r.code !== 0) throw new Error(`event ${args.join(" ")} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
    return r;
  }

  query<T = Record<string, unknown>>(sql: string): T[] {
    return query<T>(this.target, sql);
  }

  /** Several reads in one wrangler call: the rows of each statement. */
  queryMany(...statements: string[]): Record<string, unknown>[][] {
    return queryMany(this.target, statements.join(";\n"));
  }

  exec(sql: string): Promise<void> {
    return executeFile(this.target, sql);
  }

  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
const HOUR = 3_600_000;

/** A year whose phase 1 is open now (phase 2 in an hour). */
export function yearConfig(year: number, extra = ""): string {
  const now = Date.now();
  return `name = "INF ${year}"
date = "${year}-12-10"
timeZone = "Europe/Brussels"
dayStart = "09:00"
dayEnd = "10:00"
phase1Start = "${iso(now - HOUR)}"
phase1End = "${iso(now + HOUR)}"
phase2Start = "${iso(now + HOUR)}"
phase2End = "${iso(now + 2 * HOUR)}"
${extra}`;
}

/** A free port in 8780-8786, starting from this vitest worker's own (plus `skip`), so parallel files do not collide. */
async function freePort(skip = 0): Promise<number> {
  const first = 8780 + ((Number(process.env.VITEST_POOL_ID ?? 1) - 1 + skip) % 7);
  for (let i = 0; i < 7; i++) {
    const port = 8780 + ((first - 8780 + i) % 7);
    const free = await new Promise<boolean>((ok) => {
      const s = createServer();
      s.once("error", () => ok(false));
      s.listen(port, "127.0.0.1", () => s.close(() => ok(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port in 8780-8786");
}

export const JWT_SECRET = "cli-test-secret-0123456789abcdef0123456789";

export interface Worker {
  url: string;
  stop(): Promise<void>;
}

/**
 * `wrangler dev` on the same state (D1, Durable Objects, R2); /cdn-cgi/handler/scheduled fires the cron.
 * A port found free can be taken before wrangler binds it (a parallel file, a worker still closing):
 * then it starts again on another.
 */
export async function startWorker(state: State): Promise<Worker> {
  for (let tries = 1; ; tries++) {
    try {
      return await startWorkerOnce(state, tries - 1);
    } catch (err) {
      if (tries >= 3 || !(err instanceof Error && /Address already in use/.test(err.message))) throw err;
    }
  }
}

async function startWorkerOnce(state: State, skip: number): Promise<Worker> {
  mkdirSync(join(ROOT, "web/dist"), { recursive: true });
  const port = await freePort(skip);
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "dev", "--ip", "127.0.0.1", "--port", String(port), "--local", "--persist-to", state.target.persistTo!,
      "--show-interactive-dev-session=false", "--var", `JWT_SECRET:${JWT_SECRET}`, "--var", "CONFIG_TTL_SECONDS:0", "--var", "BACKUP_KEEP:2", "--var", "DEV_MAILBOX:1"],
    { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let log = "";
  child.stdout?.on("data", (b: Buffer) => (log += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (log += b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || !child.pid) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${log}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer within 60 s:\n${log}`);
}

export async function api<T = any>(url: string, method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}/api${path}`, {
    method,
    headers: { ...(opts.body !== undefined ? { "content-type": "application/json" } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* CSV */
  }
  return { status: res.status, body: body as T };
}
