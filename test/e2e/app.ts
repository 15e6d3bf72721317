// Starts the app the README's way (`node scripts/start.ts`) on a fresh, throw-away state, and
// installs Debian's Chromium when it is missing. Used by the browser suite only.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CHROMIUM = "/usr/bin/chromium";

export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const root = process.getuid?.() === 0;
  console.log(`# installing Debian's chromium (${root ? "as root" : "with sudo"})`);
  const run = (args: string[]) => {
    const r = spawnSync(root ? args[0]! : "sudo", root ? args.slice(1) : args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed with ${r.status}`);
  };
  run(["apt-get", "update"]);
  run(["apt-get", "install", "-y", "chromium"]);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is still missing after apt-get install`);
}

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
  log(): string;
}

export async function startApp(port: number): Promise<RunningApp> {
  const state = mkdtempSync(join(tmpdir(), "inf-e2e-"));
  let out = "";
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "scripts/start.ts")], {
    cwd: ROOT,
    // Its own process group: stopping it stops wrangler and workerd too.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: String(port), INF_STATE_DIR: state, WRANGLER_SEND_METRICS: "false", CI: "1" },
  });
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  let exited = false;
  child.on("exit", () => (exited = true));

  const stop = async () => {
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 50 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
      if (!exited)
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
    }
    rmSync(state, { recursive: true, force: true });
  };
  // Whatever happens to the test process, the app goes with it.
  process.once("exit", () => {
    if (!exited && child.pid)
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* gone */
      }
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) return { url, stop, log: () => out };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`the app did not start on ${url}:\n${out.slice(-4000)}`);
}
