// `npm run bench` (see --help): the phase-open benchmark of issue #3. Starts the app under bare
// workerd (Miniflare) on a free port with a fresh throw-away state per run, seeds an event, loads
// it from a separate process, checks every invariant after each scenario, and writes
// bench/results/<timestamp>.json + .md + charts. Exits non-zero on any invariant violation.
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  CEILING_CONFIG,
  STATE_DIR,
  ROOT,
  assertWorkerd,
  buildWorker,
  freshDir,
  memorySampler,
  migrationStatements,
  startApp,
  startCeiling,
  startWranglerDev,
  versions,
  type RunningApp,
  type WranglerDev,
} from "./lib/app.ts";
import { CHECK_DELAY_MS } from "../durable-objects/api.ts";
import { CpuMeter } from "./lib/cpu.ts";
import { probeStages } from "./lib/probe.ts";
import { buildVersus } from "./lib/versus.ts";
import { type ScenarioRun, type Target, Loader, runWorkload } from "./lib/scenarios.ts";
import { type DrawScenarioRun, runDrawScenarios } from "./lib/draw-scenarios.ts";
import { seed } from "./lib/seed.ts";
import { WORKLOAD_HELP, WORKLOAD_OPTIONS, int, sizeOf, stateRootOf, storageOf, workloadOptions } from "./lib/options.ts";
import { type ReferenceRun, writeReport } from "./lib/report.ts";
import { SETTINGS, type Cluster, startCluster } from "./reference/cluster.ts";
import { runAllVariants } from "./reference/driver.ts";

const HELP = `npm run bench -- [options]

The phase-open benchmark (issue #3): the Worker under bare workerd (Miniflare), a fresh local
D1 + Durable Objects per run, a separate undici load process, invariant checks after each
scenario. Scenarios: hotSlot, herdPhase1, herdPhase2, steady; then the fair opening's
drawOpening and latencySkew (issue #13, bench/lib/draw-scenarios.ts).

  --runs N              runs of the whole workload (default 3; the median is reported)
${WORKLOAD_HELP}  --connections N       HTTP connections of the load process (default 128)
  --timeout-ms N        per-request timeout (default 30000)
  --wrangler-dev        also run the workload once through \`wrangler dev\` (side-by-side figure)
  --reference           also run the seed's PostgreSQL design (bench/reference/) after each of
                        our runs, same workload, both variants, on a throw-away PostgreSQL 15
                        cluster; the report compares with these figures, measured now
  --reference-pool N    connections of the reference's pg pool (default 16)
  --probe               each stage of the booking path alone inside workerd after each run, with
                        its CPU (SlotDO take new/warm/full, StudentDO round trip, recorder+D1)
  --mail-simulator      mails go to Miniflare's simulator of the Email Service (~2 ms of CPU per
                        mail in workerd: it parses and stores each for its local explorer), not to
                        the bench's stand-in, which accepts them as the remote service would
  --skip-ceiling        do not load the runtime's ceiling Worker after each scenario
  --versus REF          also run the Worker of git commit REF (before ours, each run): a change
                        measured before and after in the same invocation
  --paired              with --versus: run both at the same time, each with its own load process,
                        so that both see the same machine (its load swings CPU per attempt ~2x)
  --out DIR             where results go (default bench/results)
  --smoke               tiny sizes for the test suite: 1 run, 200 students, 5 s steady, no files
  -h, --help            this text
`;

const { values: a } = parseArgs({
  options: {
    ...WORKLOAD_OPTIONS,
    runs: { type: "string" },
    connections: { type: "string" },
    "timeout-ms": { type: "string" },
    "wrangler-dev": { type: "boolean" },
    reference: { type: "boolean" },
    "reference-pool": { type: "string" },
    probe: { type: "boolean" },
    versus: { type: "string" },
    "skip-ceiling": { type: "boolean" },
    "mail-simulator": { type: "boolean" },
    paired: { type: "boolean" },
    out: { type: "string" },
    smoke: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});

if (a.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const smoke = a.smoke === true;
const opts = {
  runs: int(a.runs, smoke ? 1 : 3, "runs"),
  ...workloadOptions(a, smoke),
  connections: int(a.connections, smoke ? 32 : 128, "connections"),
  timeoutMs: int(a["timeout-ms"], 30_000, "timeout-ms"),
  wranglerDev: a["wrangler-dev"] === true,
  reference: a.reference === true,
  referencePool: int(a["reference-pool"], 16, "reference-pool"),
  probe: a.probe === true,
  mailSimulator: a["mail-simulator"] === true,
};
const outDir = a.out ?? join(ROOT, "bench/results");
const stateRoot = stateRootOf(a, "inf-bench");

const log = (s: string) => process.stdout.write(`${s}\n`);
const JWT_SECRET = randomBytes(32).toString("hex");

const v = versions();
assertWorkerd(v);
const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? "unknown",
  memoryGb: Math.round(totalmem() / 2 ** 30),
  stateDir: "",
  loadAvgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  ...v,
};
log(`bench: ${machine.cores} cores (${machine.cpu}), Node ${v.node}, workerd ${v.workerd}, load average ${machine.loadAvgAtStart.join(" ")}`);

const bundle = buildWorker(join(STATE_DIR, "bundle"));
const ceilingBundle = a["skip-ceiling"] ? undefined : buildWorker(join(STATE_DIR, "ceiling"), CEILING_CONFIG);
const versus = a.versus ? buildVersus(a.versus) : null;
const paired = versus !== null && a.paired === true;
if (versus) log(`versus: ${versus.ref} (${versus.sha.slice(0, 12)}), ${paired ? "run at the same time as ours" : "run before ours"} each run`);
const forkLoad = () => fork(fileURLToPath(new URL("./load.ts", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
const loadProcess = forkLoad();
const loader = new Loader(loadProcess);
// With --paired the other commit's Worker gets a load process of its own.
const versusLoadProcess = paired ? forkLoad() : null;
const versusLoader = versusLoadProcess ? new Loader(versusLoadProcess) : null;
const open: { stop(): Promise<void> }[] = [];

async function stopAll() {
  for (const x of open.splice(0).reverse()) await x.stop().catch(() => undefined);
}
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    void stopAll().finally(() => {
      loadProcess.kill();
      versusLoadProcess?.kill();
      process.exit(130);
    });
  });

const workload = {
  hotSlotStudents: opts.hotSlotStudents,
  perStudent: opts.perStudent,
  steadySeconds: opts.steadySeconds,
  steadyClients: opts.steadyClients,
  connections: opts.connections,
  timeoutMs: opts.timeoutMs,
  seed: opts.seed,
  pagesOpen: opts.pagesOpen,
  keys: opts.keys,
  // The slots' seat checks come CHECK_DELAY_MS after the seats: counted, except in the smoke run (figures unused).
  quietMs: smoke ? 200 : CHECK_DELAY_MS + 2_000,
  configTtlMs: 0,
  only: opts.only,
};
const size = sizeOf(opts);

// Apps start one at a time: each finds its workerd among the processes that appeared meanwhile.
let starting: Promise<unknown> = Promise.resolve();

async function seededApp(persistDir: string, appBundle = bundle): Promise<{ app: RunningApp; seeded: Awaited<ReturnType<typeof seed>> }> {
  // The ceiling runs beside our own Worker only.
  const started = starting.then(() => startApp({ bundle: appBundle, persistDir, jwtSecret: JWT_SECRET, mailSimulator: opts.mailSimulator }));
  starting = started.catch(() => undefined);
  const app = await started;
  open.push(app);
  const d1 = await app.d1();
  await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
  const seeded = await seed(d1, size, JWT_SECRET, log);
  return { app, seeded };
}

/** One run under bare workerd: the app stays up for the whole workload. */
async function miniflareRun(i: number, appBundle = bundle, runLoader = loader, tag = ""): Promise<{ scenarios: ScenarioRun[]; probe: unknown; draw: DrawScenarioRun[] }> {
  const dir = join(stateRoot, `run-${i}${tag ? `-${tag}` : ""}`);
  const say = tag ? (s: string) => log(`[${tag}] ${s}`) : log;
  const { app, seeded } = await seededApp(freshDir(dir), appBundle);
  workload.configTtlMs = Number((await app.mf.getBindings<{ CONFIG_TTL_SECONDS: string }>()).CONFIG_TTL_SECONDS) * 1000;
  const mem = memorySampler(() => app.workerdPids());
  const target: Target = {
    beforeLoad: async () => app.url,
    afterLoad: async () => undefined,
    peakMemory: mem,
    cpu: new CpuMeter(() => app.workerdPids()),
    ceiling: appBundle === bundle && ceilingBundle ? () => startCeiling(ceilingBundle, JWT_SECRET, freshDir(join(dir, "ceiling"))) : null,
    liveD1: () => app.d1(),
    d1: () => app.d1(),
    inspect: (p, b) => app.inspect(p, b),
  };
  try {
    const scenarios = await runWorkload(target, runLoader, seeded, { ...workload, seed: opts.seed }, say);
    // The stages are this tree's (another commit's objects may take other arguments).
    const probe = opts.probe && appBundle === bundle ? await probeStages(app, target.cpu, `run-${i}`) : null;
    // The draw's scenarios need this tree's routes (another commit may have no draw).
    const settle = Number((await app.mf.getBindings<{ DRAW_SETTLE_MS: string }>()).DRAW_SETTLE_MS);
    const draw = appBundle === bundle
      ? await runDrawScenarios({ ...workload, url: app.url, target, loader: runLoader, jwtSecret: JWT_SECRET, size, drawSettleMs: workload.configTtlMs + settle, log: say })
      : [];
    return { scenarios, probe, draw };
  } finally {
    mem.stop();
    await app.stop();
    open.splice(open.indexOf(app), 1);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same workload through `wrangler dev` on the same kind of state: wrangler dev serves each
 * scenario; between scenarios it is stopped and the state reopened under Miniflare for the checks
 * (wrangler dev offers no way to reach the objects' RPC from outside, nor D1 while it runs).
 */
async function wranglerRun(): Promise<ScenarioRun[]> {
  const root = freshDir(join(stateRoot, "wrangler-dev"));
  const persistDir = join(root, "v3");
  const first = await seededApp(persistDir);
  const seeded = first.seeded;
  let checker: RunningApp | null = first.app;
  const closeChecker = async () => {
    if (!checker) return;
    await checker.stop();
    open.splice(open.indexOf(checker), 1);
    checker = null;
  };
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  let dev: WranglerDev | null = null;
  const mem = memorySampler(() => dev?.pids() ?? []);
  const checkerApp = () => {
    if (!checker) throw new Error("state not open for checks");
    return checker;
  };
  const target: Target = {
    async beforeLoad() {
      await closeChecker();
      dev = await startWranglerDev(root, port, JWT_SECRET);
      open.push(dev);
      return dev.url;
    },
    async afterLoad() {
      if (dev) {
        await dev.stop();
        open.splice(open.indexOf(dev), 1);
        dev = null;
      }
      checker = await startApp({ bundle, persistDir, jwtSecret: JWT_SECRET });
      open.push(checker);
    },
    peakMemory: mem,
    cpu: new CpuMeter(() => dev?.pids() ?? []),
    ceiling: null,
    liveD1: async () => null,
    d1: () => checkerApp().d1(),
    inspect: (p, b) => checkerApp().inspect(p, b),
  };
  try {
    // A fresh wrangler dev per scenario has a cold configuration cache: no TTL to wait for.
    return await runWorkload(target, loader, seeded, { ...workload, configTtlMs: 0 }, log);
  } finally {
    mem.stop();
    await closeChecker();
    rmSync(root, { recursive: true, force: true });
  }
}

machine.stateDir = storageOf(stateRoot);
let failed = false;
try {
  // The reference runs right after each of our runs (ours stopped by then, so neither competes
  // for the CPU): on a shared machine whose speed drifts, each pair sees about the same machine,
  // and the reference gets a median and spread over as many runs as ours.
  let cluster: Cluster | null = null;
  if (opts.reference) {
    cluster = await startCluster(join(stateRoot, "postgres"), log);
    open.push(cluster);
    log(`reference: ${cluster.version} on 127.0.0.1:${cluster.port}, pg pool of ${opts.referencePool}`);
  }
  const runs: { scenarios: ScenarioRun[]; probe: unknown; draw: DrawScenarioRun[] }[] = [];
  const versusRuns: { scenarios: ScenarioRun[] }[] = [];
  const referenceRuns: ReferenceRun[] = [];
  for (let i = 1; i <= opts.runs; i++) {
    log(`run ${i}/${opts.runs}`);
    if (versus && versusLoader) {
      const [theirs, ours] = await Promise.all([miniflareRun(i, versus.bundle, versusLoader, versus.ref), miniflareRun(i, bundle, loader, "this tree")]);
      versusRuns.push(theirs);
      runs.push(ours);
    } else {
      if (versus) {
        log(`  ${versus.ref}:`);
        versusRuns.push(await miniflareRun(i, versus.bundle));
        log("  this tree:");
      }
      runs.push(await miniflareRun(i));
    }
    if (cluster) referenceRuns.push(await runAllVariants(cluster, { ...opts, size, poolSize: opts.referencePool }, log));
  }
  const reference = cluster
    ? { postgres: cluster.version, poolSize: opts.referencePool, settings: SETTINGS, storage: storageOf(stateRoot), runs: referenceRuns }
    : null;
  let wrangler: ScenarioRun[] | null = null;
  if (opts.wranglerDev) {
    log("wrangler dev (same workload, once)");
    wrangler = await wranglerRun();
  }
  const violations = [...runs.flatMap((r) => [...r.scenarios, ...r.draw]), ...versusRuns.flatMap((r) => r.scenarios), ...(wrangler ?? [])].flatMap((s) => s.violations);
  failed = violations.length > 0;
  for (const r of runs) for (const s of r.scenarios) log(`  ${s.name}: ${JSON.stringify(s.figures.errorCodes)}`);
  const written = writeReport({ outDir: smoke && !a.out ? null : outDir, machine, options: { ...opts, size }, runs, wrangler, reference, versus: versus ? { ref: versus.ref, sha: versus.sha, runs: versusRuns } : null, log });
  if (written) log(`results: ${written.json}\nsummary: ${written.md}`);
  if (failed) log(`FAILED: ${violations.length} invariant violations (see above)`);
} catch (err) {
  failed = true;
  log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await stopAll();
  if (!a["state-dir"]) rmSync(stateRoot, { recursive: true, force: true });
  loadProcess.kill();
  versusLoadProcess?.kill();
}
process.exit(failed ? 1 : 0);
