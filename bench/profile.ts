// `npm run bench:profile -- [--students N] [--phase2 | --steady S] [--no-d1-writes]`: where the CPU goes
// during a phase-1 herd (or phase 2, or steady's mix). Samples V8 in the app's isolate (Worker + StudentDO + SlotDO) and in
// Miniflare's D1 isolates through workerd's inspector, and prints self time per function.
// --no-d1-writes runs a patched copy of the bundle whose outbox sink returns at once: the
// difference in throughput is the cost of the D1 writes (an experiment, never a measurement of
// the real app). The load comes from this process: figures are for comparison, not the benchmark.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { STATE_DIR, buildWorker, freshDir, migrationStatements, startApp } from "./lib/app.ts";
import { CHECK_DELAY_MS } from "../durable-objects/api.ts";
import { CpuMeter } from "./lib/cpu.ts";
import { openProfilers, printProfile } from "./lib/v8-profile.ts";
import { openPhase2, seed } from "./lib/seed.ts";
import { answerOf, requestOf } from "./lib/http.ts";
import { type Op, type Result, demandOf, herdOps, rng, steadyLoop } from "./lib/workload.ts";

const { values: a } = parseArgs({
  options: {
    students: { type: "string" },
    "state-dir": { type: "string" },
    "no-d1-writes": { type: "boolean" },
    phase2: { type: "boolean" },
    steady: { type: "string" },
    port: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (a.help) {
  console.log(`npm run bench:profile -- [options]
  Samples V8 in the app's isolate and D1's isolates during one phase-1 herd and prints self time per function.
  --students N      students in the herd, 6 bookings each (default 600)
  --state-dir DIR   where the throw-away local state goes (default /dev/shm/inf-bench-profile-<pid>)
  --no-d1-writes    stub the outbox sink's D1 write (an experiment: the difference is the cost of D1 writes)
  --phase2          profile the phase-2 herd instead (after an unprofiled phase-1 herd: warm objects, mostly full slots)
  --steady S        profile S seconds of steady's mix instead (64 closed-loop clients: bookings, cancellations of
                    the herds' bookings, catalogue reads), after unprofiled phase-1 and phase-2 herds and
                    what they leave for later: the slots' seat checks (CHECK_DELAY_MS) and the objects'
                    keep-warm timers coming due (OBJECT_KEEP_WARM_SECONDS after their last call)
  --port N          workerd inspector port (default 9229)
  -h, --help        this text`);
  process.exit(0);
}
const students = Number(a.students ?? 600);
const inspectorPort = Number(a.port ?? 9229);
const stateDir = freshDir(a["state-dir"] ?? join("/dev/shm", `inf-bench-profile-${process.pid}`));
const secret = "profile-secret-0123456789-0123456789-01234567";

let bundle = buildWorker(join(STATE_DIR, "bundle"));
if (a["no-d1-writes"]) {
  const src = readFileSync(bundle, "utf8");
  const patched = src.replace(/async write\(bookingsJson, attemptsJson\) \{/, "async write(bookingsJson, attemptsJson) { return;");
  if (patched === src) throw new Error("could not find the outbox sink's write() in the bundle");
  bundle = join(STATE_DIR, "bundle-no-d1", "index.js");
  freshDir(join(STATE_DIR, "bundle-no-d1"));
  writeFileSync(bundle, patched);
}

const app = await startApp({ bundle, persistDir: stateDir, jwtSecret: secret, inspectorPort });
try {
  const d1 = await app.d1();
  await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
  const seeded = await seed(d1, { companies: 60, slotsPerCompany: 16, students, deprioritizedShare: 0.2 }, secret, console.log);
  const sessions = await openProfilers(inspectorPort, (id) => id === "core:user:inf-booking" || id.startsWith("d1:"));
  const pool = new Pool(app.url, { connections: 128 });
  const cpu = new CpuMeter(() => app.workerdPids());
  const held: { student: number; bookingId: string }[] = [];
  const send = async (op: Op): Promise<Result> => {
    const token = "student" in op ? seeded.students[op.student]!.token : undefined;
    const res = await pool.request(requestOf(op, token, true));
    const answer = answerOf(res.statusCode, await res.body.text());
    if (op.kind === "book" && answer.bookingId) held.push({ student: op.student, bookingId: answer.bookingId });
    return { ...op, startMs: 0, endMs: 0, status: res.statusCode, ...answer };
  };
  const herd = (ops: Op[]) => Promise.all(ops.map(send));
  /** Until what a herd leaves for later (refusal rows waiting, its seats' checks) is done, as the bench counts it. */
  const herdLeftovers = () => cpu.settled(200, 20_000, CHECK_DELAY_MS + 2_000);
  const r = rng(1);
  const demand = demandOf(seeded.slots, 60);
  const openSecondPhase = async () => {
    await openPhase2(d1, seeded.eventId);
    const ttl = Number((await app.mf.getBindings<{ CONFIG_TTL_SECONDS: string }>()).CONFIG_TTL_SECONDS) * 1000;
    await new Promise((res) => setTimeout(res, ttl + 500));
  };
  if (a.phase2 || a.steady) {
    await herd(herdOps(r, students, 6, demand));
    // As the bench does: what the herd leaves for later (refusal rows lingering, seat checks) is its own.
    await herdLeftovers();
    await openSecondPhase();
    if (a.steady) {
      await herd(herdOps(r, students, 6, demand));
      // The herds' own deferred work is theirs, not steady's: their seats' checks, then the
      // keep-warm timers of every object they touched (at most a period after its last call).
      const herdEnd = Date.now();
      await herdLeftovers();
      const warmMs = Number((await app.mf.getBindings<{ OBJECT_KEEP_WARM_SECONDS?: string }>()).OBJECT_KEEP_WARM_SECONDS ?? "60") * 1000;
      await new Promise((res) => setTimeout(res, Math.max(0, herdEnd + warmMs + 1_000 - Date.now())));
      await cpu.settled();
    }
    console.log(a.steady ? "phase-1 and phase-2 herds done (not profiled)" : "phase-1 herd done (not profiled); phase 2 open");
  }
  for (const s of sessions) await s.start();
  const cpu0 = cpu.now();
  const t0 = performance.now();
  let what: string;
  let requests: number;
  if (a.steady) {
    const plan = { durationMs: Number(a.steady) * 1000, clients: 64, seed: 1, demand, companyIds: seeded.companyIds, held: [...held] };
    const results = await steadyLoop(plan, students, () => performance.now() - t0, send);
    const codes = new Map<string, number>();
    for (const x of results) codes.set(`${x.kind}:${x.code}`, (codes.get(`${x.kind}:${x.code}`) ?? 0) + 1);
    what = `steady's mix (${[...codes].map(([k, v]) => `${k} ${v}`).join(", ")}): ${results.length} requests`;
    requests = results.length;
  } else {
    const ops = herdOps(r, students, 6, demand);
    await herd(ops);
    what = `herd of ${ops.length} bookings`;
    requests = ops.length;
  }
  const wall = performance.now() - t0;
  const cpuMs = (await cpu.settled()) - cpu0;
  console.log(
    `${what} in ${wall.toFixed(0)} ms = ${((requests / wall) * 1000).toFixed(0)}/s, workerd CPU ${(cpuMs / requests).toFixed(3)} ms/request (profiler on)${a["no-d1-writes"] ? " (D1 writes stubbed out)" : ""}`,
  );
  for (const s of sessions) {
    printProfile(`isolate ${s.id}`, await s.stop(), join(STATE_DIR, `${s.id.replace(/[^a-z0-9]+/gi, "-")}.cpuprofile`));
    s.close();
  }
  console.log(`\nCPU profiles (open in Chrome DevTools): ${STATE_DIR}/*.cpuprofile; line numbers refer to ${bundle}`);
  await pool.close();
} finally {
  await app.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
