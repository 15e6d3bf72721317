// A throw-away PostgreSQL 15 cluster for the reference: initdb into `dir`, started on a free
// 127.0.0.1 port, stopped and deleted by stop() or at the process's exit, whichever comes first.
// Installs Debian's postgresql when the server binaries are missing (as the browser suite does
// for chromium). As root the binaries run as the `postgres` user, which then owns `dir`.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus } from "node:os";
import { join } from "node:path";
import pgLib from "pg";
import { descendants } from "../lib/app.ts";

const PG_BIN = "/usr/lib/postgresql/15/bin";

/**
 * Sized for a 2-core machine and durable like ours: every commit is fsynced before it is
 * answered (fsync and synchronous_commit on, PostgreSQL's defaults, stated to be sure).
 */
export const SETTINGS = {
  max_connections: "100",
  shared_buffers: "256MB",
  fsync: "on",
  synchronous_commit: "on",
} as const;

export interface Cluster {
  port: number;
  version: string;
  /** A connection string for `database` (created by then). */
  createDatabase(database: string): Promise<string>;
  dropDatabase(database: string): Promise<void>;
  /** The postmaster and every process under it (backends, writers, autovacuum), for their CPU. */
  pids(): number[];
  /** Pins the server's processes (and those it forks later) to `cpus` (a taskset list: "0"); null: every core. */
  pin(cpus: string | null): void;
  stop(): Promise<void>;
}

/** Every core of the machine, as taskset writes it. */
export const allCores = () => `0-${cpus().length - 1}`;

/** Sets the CPU affinity of every thread of `pid` (taskset -a -p); a process gone meanwhile is skipped. */
export function setAffinity(pid: number, cores: string): void {
  const r = spawnSync("taskset", ["-a", "-p", "-c", cores, String(pid)], { encoding: "utf8" });
  if (r.status !== 0 && existsSync(`/proc/${pid}`)) throw new Error(`taskset -c ${cores} ${pid} failed: ${r.stderr || r.error}`);
}

const isRoot = process.getuid?.() === 0;

function run(args: string[], what: string): string {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: "utf8", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** A PostgreSQL binary, as the `postgres` user when we are root (it refuses to run as root). */
const pg = (bin: string, args: string[]) => [...(isRoot ? ["runuser", "-u", "postgres", "--"] : []), join(PG_BIN, bin), ...args];

function ensureServer(log: (s: string) => void): void {
  if (existsSync(join(PG_BIN, "postgres"))) return;
  if (!isRoot)
    throw new Error(`PostgreSQL 15's server is missing (${PG_BIN}/postgres): run \`sudo apt-get update && sudo apt-get install -y postgresql\` (Debian 12 ships 15)`);
  log("reference: installing Debian's postgresql (apt-get)");
  run(["apt-get", "update"], "apt-get update");
  run(["apt-get", "install", "-y", "postgresql"], "apt-get install postgresql");
  if (!existsSync(join(PG_BIN, "postgres"))) throw new Error(`${PG_BIN}/postgres is still missing after apt-get install postgresql`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const { port } = server.address() as { port: number };
  await new Promise((res) => server.close(res));
  return port;
}

/** `dir` must not exist or be throw-away: it is emptied first and deleted by stop(). */
export async function startCluster(dir: string, log: (s: string) => void): Promise<Cluster> {
  ensureServer(log);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (isRoot) {
    const [uid, gid] = [run(["id", "-u", "postgres"], "id -u postgres"), run(["id", "-g", "postgres"], "id -g postgres")].map(Number);
    chownSync(dir, uid!, gid!);
  }
  const data = join(dir, "data");
  let started = false;
  // Synchronous, so that it also runs on "exit" (an uncaught exception ends the process there).
  const stopNow = () => {
    if (started) {
      started = false;
      // Fast shutdown; it may already be down (a Ctrl-C reaches the postmaster too).
      const args = pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      spawnSync(args[0]!, args.slice(1), { stdio: "ignore" });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stopNow);
  const stop = async () => stopNow();
  try {
    run(pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]), "initdb");
    const port = await freePort();
    const options = [
      `-c port=${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${dir}`,
      ...Object.entries(SETTINGS).map(([k, v]) => `-c ${k}=${v}`),
    ].join(" ");
    started = true;
    run(pg("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-o", options, "start"]), "pg_ctl start");
    const version = run([join(PG_BIN, "postgres"), "--version"], "postgres --version").trim();
    const pids = () => {
      const postmaster = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
      return [postmaster, ...descendants(postmaster)];
    };
    const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    const admin = async (sql: string) => {
      const c = new pgLib.Client({ connectionString: url("postgres") });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    return {
      port,
      version,
      async createDatabase(database) {
        await admin(`CREATE DATABASE ${database}`);
        return url(database);
      },
      dropDatabase: (database) => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
      pids,
      pin(cores) {
        for (const pid of pids()) setAffinity(pid, cores ?? allCores());
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
