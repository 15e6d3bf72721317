// The app under test: the production Worker bundle (wrangler's own build) under bare workerd via
// Miniflare, with the bindings of wrangler.toml, plus a bench-only inspector Worker that reaches
// the Durable Objects and D1 for the invariant checks. Nothing of the bench enters the bundle.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

export const ROOT = resolve(import.meta.dirname, "../..");
export const STATE_DIR = join(ROOT, "bench/.state");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
/** The Worker's name in wrangler.toml: Durable Object storage is keyed by it, so wrangler dev can reopen a state. */
export const WORKER_NAME = "inf-booking";
const INSPECTOR = "bench-inspector";
/** Older workerd builds cap SQLite memory process-wide and fail thousands of objects at once. */
export const MIN_WORKERD = "2026-06-25";

export const toolEnv = () => ({
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  FORCE_COLOR: "0",
});

export interface Versions {
  node: string;
  workerd: string;
  miniflare: string;
  wrangler: string;
}

export function versions(): Versions {
  const req = createRequire(join(ROOT, "node_modules/miniflare/package.json"));
  const workerdBin = join(req.resolve("workerd/package.json"), "../bin/workerd");
  const raw = execFileSync(workerdBin, ["--version"], { encoding: "utf8" }).trim();
  const pkg = (p: string) => (JSON.parse(readFileSync(join(ROOT, "node_modules", p, "package.json"), "utf8")) as { version: string }).version;
  return { node: process.versions.node, workerd: raw.replace(/^workerd\s+/, ""), miniflare: pkg("miniflare"), wrangler: pkg("wrangler") };
}

export function assertWorkerd(v: Versions): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.workerd)) throw new Error(`Cannot read the workerd version (got "${v.workerd}").`);
  if (v.workerd < MIN_WORKERD)
    throw new Error(
      `workerd ${v.workerd} is older than ${MIN_WORKERD}: its process-wide SQLite memory cap fails thousands of objects at once, so the figures would be meaningless. Update wrangler/miniflare.`,
    );
}

/**
 * Bundles a Worker exactly as `wrangler deploy` would (dry run), without the site's assets: the
 * app by default, or the Worker of another wrangler config (the bench's ceiling).
 */
export function buildWorker(outDir: string, config = join(ROOT, "wrangler.toml")): string {
  const assets = join(outDir, "no-assets");
  mkdirSync(assets, { recursive: true });
  execFileSync(process.execPath, [WRANGLER, "deploy", "--dry-run", "--config", config, "--outdir", outDir, "--assets", assets], {
    cwd: ROOT,
    env: toolEnv(),
    stdio: ["ignore", "ignore", "inherit"],
  });
  // wrangler names the bundle after the config's `main` (index.js, worker.js).
  const js = readdirSync(outDir).filter((f) => f.endsWith(".js"));
  if (js.length !== 1) throw new Error(`expected one bundle in ${outDir}, found ${js.join(", ") || "none"}`);
  return join(outDir, js[0]!);
}

/** The migrations folder as statements, in order (drizzle-kit's breakpoints separate them). */
export function migrationStatements(): string[] {
  const dir = join(ROOT, "migrations");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("--> statement-breakpoint"))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The ceiling Worker's config (bench/ceiling/): built with buildWorker(dir, CEILING_CONFIG). */
export const CEILING_CONFIG = join(ROOT, "bench/ceiling/wrangler.toml");
const CEILING = "bench-ceiling";

/**
 * The Workers' console, as this process shows it: warnings and errors only. The app's access log
 * (one line per request, #11) is work workerd does, as in production; printing 100 000 lines
 * through this process is not.
 */
const warningsOnly = (log: { level: string; message: string }) => {
  if (log.level === "warn" || log.level === "error") process.stderr.write(`${log.message}\n`);
};
/** A Miniflare socket's URL without the trailing slash. */
const bare = (u: URL) => u.toString().replace(/\/$/, "");

export interface AppOptions {
  bundle: string;
  /** Persistence root (Miniflare's resourcePersistencePath; wrangler's `<persist-to>/v3`). */
  persistDir: string;
  jwtSecret: string;
  port?: number;
  /** workerd's V8 inspector (bench/profile.ts). */
  inspectorPort?: number;
  /**
   * Mails go to Miniflare's simulator of the Email Service instead of the bench's stand-in
   * (bench/inspector/worker.js, `MailService`): its ~2 ms per mail is then in the figures.
   */
  mailSimulator?: boolean;
}

export interface RunningApp {
  /** The app's own socket (no Miniflare entry Worker in front, as in production). */
  url: string;
  mf: Miniflare;
  /** The bench-only inspector (see bench/inspector/worker.js). */
  inspect<T>(path: string, body: unknown): Promise<T>;
  d1(): Promise<D1Database>;
  /** Mails the bench's Email Service stand-in accepted (0 with mailSimulator). */
  mailsSent(): Promise<number>;
  workerdPids(): number[];
  stop(): Promise<void>;
}

export async function startApp(o: AppOptions): Promise<RunningApp> {
  const workerdsBefore = descendants(process.pid, "workerd");
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  // The bench measures the API; the site's static assets are not part of the booking path.
  delete (workerOptions as { assets?: unknown }).assets;
  // Each loaded Worker on a socket of its own, so that the app and the ceiling are reached the
  // same way (Miniflare's entry Worker would add a hop in front of whichever it fronts).
  const direct = [{ host: "127.0.0.1", port: 0 }];
  const app = {
    ...workerOptions,
    name: WORKER_NAME,
    unsafeDirectSockets: direct,
    modules: [{ type: "ESModule" as const, path: o.bundle }],
    modulesRoot: resolve(o.bundle, ".."),
    bindings: { ...(workerOptions.bindings as Record<string, unknown>), JWT_SECRET: o.jwtSecret },
    ...(o.mailSimulator
      ? {}
      : {
          email: undefined,
          serviceBindings: { ...(workerOptions.serviceBindings as Record<string, unknown>), EMAIL: { name: INSPECTOR, entrypoint: "MailService" } },
        }),
  };
  const inspector = {
    name: INSPECTOR,
    modules: true,
    scriptPath: join(ROOT, "bench/inspector/worker.js"),
    compatibilityDate: workerOptions.compatibilityDate,
    d1Databases: workerOptions.d1Databases,
    durableObjects: {
      STUDENT: { className: "StudentDO", scriptName: WORKER_NAME, useSQLite: true },
      SLOT: { className: "SlotDO", scriptName: WORKER_NAME, useSQLite: true },
      RECORDER: { className: "RecorderDO", scriptName: WORKER_NAME, useSQLite: true },
    },
  };
  // wrangler hands out Miniflare 4-shaped worker options; Miniflare 5 converts them itself.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: o.port ?? 0,
      ...(o.inspectorPort ? { inspectorPort: o.inspectorPort } : {}),
      resourcePersistencePath: o.persistDir,
      cf: false,
      logRequests: false,
      handleStructuredLogs: warningsOnly,
      workers: [app, inspector],
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  await mf.ready;
  const url = bare(await mf.unsafeGetDirectURL(WORKER_NAME));
  const inspectorWorker = await mf.getWorker(INSPECTOR);
  // Only this instance's workerd: the ones already running belong to earlier instances.
  const before = new Set(workerdsBefore);
  const pids = descendants(process.pid, "workerd").filter((p) => !before.has(p));
  const inspect = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await inspectorWorker.fetch(`http://inspector${path}`, { method: "POST", body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`inspector ${path}: ${res.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  };
  return {
    url,
    mf,
    inspect,
    d1: async () => (await mf.getD1Database("DB")) as unknown as D1Database,
    mailsSent: async () => (await inspect<{ sent: number }>("/mails", {})).sent,
    workerdPids: () => pids,
    stop: () => mf.dispose(),
  };
}

export interface CeilingApp {
  url: string;
  workerdPids(): number[];
  stop(): Promise<void>;
}

/**
 * The ceiling Worker (bench/ceiling/) in a workerd process of its own, same binary, started after
 * our scenarios: in the app's process it would share the open-files limit with our ~4 000 objects
 * (workerd keeps each SQLite-backed object's database and WAL open), and past 20 000 descriptors
 * the runtime fails requests with SQLITE_CANTOPEN.
 */
export async function startCeiling(bundle: string, jwtSecret: string, persistDir: string): Promise<CeilingApp> {
  const workerdsBefore = new Set(descendants(process.pid, "workerd"));
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      // Where ours keep theirs (tmpfs): a commit to the disk costs several times more.
      resourcePersistencePath: persistDir,
      cf: false,
      logRequests: false,
      handleStructuredLogs: warningsOnly,
      workers: [
        {
          ...unstable_getMiniflareWorkerOptions(CEILING_CONFIG).workerOptions,
          name: CEILING,
          modules: [{ type: "ESModule" as const, path: bundle }],
          modulesRoot: resolve(bundle, ".."),
          bindings: { JWT_SECRET: jwtSecret },
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
      ],
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  await mf.ready;
  const url = bare(await mf.unsafeGetDirectURL(CEILING));
  const pids = descendants(process.pid, "workerd").filter((p) => !workerdsBefore.has(p));
  return { url, workerdPids: () => pids, stop: () => mf.dispose() };
}

/** The descendant processes whose command name is `name` (every one without it), from Linux's /proc. */
export function descendants(root: number, name?: string): number[] {
  const queue = [root];
  const seen = new Set<number>();
  const out: number[] = [];
  while (queue.length) {
    const p = queue.shift()!;
    if (seen.has(p)) continue;
    seen.add(p);
    for (const child of children(p)) {
      if (name === undefined || procName(child) === name) out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => {
      try {
        return readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

function procName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Resident memory of a process in MB (0 if it is gone or /proc is absent). */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the peak RSS (summed over `pids`) until stopped. */
export function memorySampler(pids: () => number[], everyMs = 100) {
  let peak = 0;
  const tick = () => (peak = Math.max(peak, pids().reduce((sum, p) => sum + rssMb(p), 0)));
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    reset: () => {
      peak = 0;
      tick();
    },
    peakMb: () => {
      tick();
      return Math.round(peak);
    },
    stop: () => clearInterval(timer),
  };
}

export interface WranglerDev {
  url: string;
  /** wrangler dev's workerd processes (its proxy and the Worker's): their memory counts together. */
  pids: () => number[];
  stop(): Promise<void>;
}

/** `wrangler dev` on the same persisted state, for the side-by-side figure. */
export async function startWranglerDev(persistTo: string, port: number, jwtSecret: string): Promise<WranglerDev> {
  const assets = join(STATE_DIR, "no-assets");
  mkdirSync(assets, { recursive: true });
  const child: ChildProcess = spawn(
    process.execPath,
    [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistTo, "--assets", assets, "--var", `JWT_SECRET:${jwtSecret}`, "--show-interactive-dev-session=false"],
    { cwd: ROOT, env: toolEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || !child.pid) return;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null)
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log.slice(-2000)}`);
    try {
      const r = await fetch(`${url}/api/health`);
      await r.arrayBuffer();
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer within 60 s:\n${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, pids: () => (child.pid ? descendants(child.pid, "workerd") : []), stop };
}

export function freshDir(path: string): string {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  return path;
}
