// `npm run bench:outcomes -- [--students N] [--clients N] [--rounds N] [--versus REF]`: what each
// kind of request costs, alone. Steady mixes four kinds (bookings that succeed, bookings refused
// because the slot is full, cancellations, catalogue reads) and reports one CPU figure for all;
// this runs each kind as a step of its own over warm objects, with `clients` closed-loop clients
// as steady has, and reads workerd's CPU from its first request until it has been idle 12 s (the
// slots' checks of their new seats, the outbox's writes to D1 and the mails included). A round is
// every step once (the cancellations free the seats for the next round); the median over rounds is
// the figure. With --versus, another commit's Worker runs beside ours on its own state and the two
// take turns step by step, so both see the same machine. The load comes from this process.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { STATE_DIR, buildWorker, freshDir, migrationStatements, startApp, type RunningApp } from "./lib/app.ts";
import { CpuMeter } from "./lib/cpu.ts";
import { answerOf, requestOf } from "./lib/http.ts";
import { seed, type Seeded } from "./lib/seed.ts";
import { spread } from "./lib/stats.ts";
import type { Op } from "./lib/workload.ts";
import { buildVersus } from "./lib/versus.ts";
import { openProfilers, printProfile, type Profiler } from "./lib/v8-profile.ts";

const { values: a } = parseArgs({
  options: {
    students: { type: "string" },
    clients: { type: "string" },
    rounds: { type: "string" },
    versus: { type: "string" },
    profile: { type: "boolean" },
    "mail-simulator": { type: "boolean" },
    perf: { type: "string" },
    "state-dir": { type: "string" },
    port: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (a.help) {
  console.log(`npm run bench:outcomes -- [options]
  CPU ms per request of each kind steady mixes, each kind alone, over warm objects.
  --students N      students (a multiple of 60, 120 to 960; default 600); each books once, then N more
                    fill the same slots, then the first N are refused on full slots, then all 2N cancel
  --clients N       closed-loop clients (default 64, as steady)
  --rounds N        rounds of every step (default 3); the median per step is the figure
  --versus REF      also the Worker of git commit REF, taking turns with ours step by step
  --mail-simulator  mails go to Miniflare's Email Service simulator, not the bench's stand-in
  --perf N          Linux perf (native stacks, 299 Hz) of our workerd during step N (1-5, the steps
                    in the order printed) of the first round, to bench/.state/outcomes-N.perf
  --profile         V8 profile of our app's isolate per step, first round (slower; the CPU figures
                    then include it)
  --state-dir DIR   where the throw-away local state goes (default /dev/shm/inf-bench-outcomes-<pid>)
  --port N          workerd inspector port with --profile (default 9229)
  -h, --help        this text`);
  process.exit(0);
}
const COMPANIES = 60;
const students = Number(a.students ?? 600);
if (!Number.isInteger(students) || students % COMPANIES !== 0 || students < 2 * COMPANIES || students > 16 * COMPANIES)
  throw new Error(`--students must be a multiple of ${COMPANIES} between ${2 * COMPANIES} and ${16 * COMPANIES}`);
const clients = Number(a.clients ?? 64);
const rounds = Number(a.rounds ?? 3);
const inspectorPort = Number(a.port ?? 9229);
const stateRoot = freshDir(a["state-dir"] ?? join("/dev/shm", `inf-bench-outcomes-${process.pid}`));
const secret = "outcomes-secret-0123456789-0123456789-0123456";

/** A step's requests, and the answer each should get. */
type Step = { ops: Op[]; expect: string };
interface Side {
  name: string;
  app: RunningApp;
  seeded: Seeded;
  pool: Pool;
  cpu: CpuMeter;
  bookingOf: Map<number, string>;
  profilers: Profiler[];
}
const STEPS = ["book: ok (first seat of a slot)", "book: ok (second seat)", "book: slot_full", "cancel: ok", "read: catalogue and company pages"] as const;
const rows = students / COMPANIES;
const all = Array.from({ length: 2 * students }, (_, i) => i);
const first = all.slice(0, students);

async function startSide(name: string, bundle: string, profile: boolean): Promise<Side> {
  const app = await startApp({ bundle, persistDir: join(stateRoot, name), jwtSecret: secret, mailSimulator: a["mail-simulator"] === true, ...(profile ? { inspectorPort } : {}) });
  const d1 = await app.d1();
  await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
  const seeded = await seed(d1, { companies: COMPANIES, slotsPerCompany: 16, students: 2 * students, deprioritizedShare: 0 }, secret, (s) => console.log(`${name}: ${s}`));
  const side = {
    name,
    app,
    seeded,
    pool: new Pool(app.url, { connections: 128 }),
    cpu: new CpuMeter(() => app.workerdPids()),
    bookingOf: new Map<number, string>(),
    profilers: profile ? await openProfilers(inspectorPort, (id) => id === "core:user:inf-booking") : [],
  };
  // Every student's page is open: their objects are awake (not measured), as in steady.
  await drive(side, all.map((i) => ({ kind: "ready", student: i, slotId: slotOf(side, i) })));
  return side;
}

/** Student i's slot: company i % 60, time (i / 60) % rows; student i + N takes the same slot's second seat; `shift` 1: a full slot at another time. */
const slotOf = (s: Side, i: number, shift = 0) => s.seeded.slots[((i + shift) % COMPANIES) * 16 + ((Math.floor((i % students) / COMPANIES) + shift) % rows)]!.id;

/** Sends `op` as the site would (a booking with an Idempotency-Key); the answer's code, and the booking made, kept for the cancellations. */
async function send(s: Side, op: Op): Promise<string> {
  const res = await s.pool.request(requestOf(op, "student" in op ? s.seeded.students[op.student]!.token : undefined, true));
  const { code, bookingId } = answerOf(res.statusCode, await res.body.text());
  if (op.kind === "book" && bookingId) s.bookingOf.set(op.student, bookingId);
  return code;
}

/** `clients` closed-loop clients through the queue; the codes seen. */
async function drive(s: Side, reqs: Op[]): Promise<Map<string, number>> {
  const codes = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < reqs.length) {
        const code = await send(s, reqs[next++]!);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }),
  );
  return codes;
}

function requests(s: Side, step: number): Step {
  const book = (i: number, shift = 0): Op => ({ kind: "book", student: i, slotId: slotOf(s, i, shift) });
  switch (step) {
    case 0:
      return { ops: first.map((i) => book(i)), expect: "ok" };
    case 1:
      return { ops: first.map((i) => book(i + students)), expect: "ok" };
    case 2:
      return { ops: first.map((i) => book(i, 1)), expect: "slot_full" };
    case 3:
      return { ops: all.map((i) => ({ kind: "cancel", student: i, bookingId: s.bookingOf.get(i)! })), expect: "ok" };
    default:
      return { ops: all.map((i) => ({ kind: "read", path: i % 2 ? "/api/companies" : `/api/companies/${s.seeded.companyIds[i % COMPANIES]}` })), expect: "ok" };
  }
}

/** One step on one side: CPU ms per request (until idle 12 s), requests/s, mails, unexpected answers. */
async function runStep(s: Side, step: number, round: number) {
  const { ops: reqs, expect } = requests(s, step);
  const watch = round === 0 && s.name === "ours";
  for (const p of watch ? s.profilers : []) await p.start();
  const perf = watch && a.perf === String(step + 1) ? startPerf(s.app.workerdPids(), join(STATE_DIR, `outcomes-${a.perf}.perf`)) : null;
  const mails0 = await s.app.mailsSent();
  const c0 = s.cpu.now();
  const t0 = performance.now();
  const codes = await drive(s, reqs);
  const wall = performance.now() - t0;
  const cpuMs = (await s.cpu.settled(200, 60_000, 12_000)) - c0;
  if (perf) await perf.stop();
  const mails = (await s.app.mailsSent()) - mails0;
  const wrong = Object.fromEntries([...codes].filter(([c]) => c !== expect));
  for (const p of watch ? s.profilers : []) printProfile(`${STEPS[step]} — isolate ${p.id}`, await p.stop(), join(STATE_DIR, `outcomes-${step + 1}.cpuprofile`), { self: 15, inclusive: 25 });
  return { n: reqs.length, cpuMs: cpuMs / reqs.length, perS: (reqs.length / wall) * 1000, mails, wrong };
}

const versus = a.versus ? buildVersus(a.versus) : null;
const sides: Side[] = [];
try {
  if (versus) sides.push(await startSide(`versus ${versus.sha.slice(0, 9)}`, versus.bundle, false));
  sides.push(await startSide("ours", buildWorker(join(STATE_DIR, "bundle")), a.profile === true));
  for (const s of sides) await s.cpu.settled(200, 60_000, 12_000);
  const figures = new Map<string, number[][]>(sides.map((s) => [s.name, STEPS.map(() => [])]));
  for (let round = 0; round < rounds; round++)
    for (let step = 0; step < STEPS.length; step++)
      for (const s of sides) {
        const r = await runStep(s, step, round);
        figures.get(s.name)![step]!.push(r.cpuMs);
        const odd = Object.keys(r.wrong).length ? `  unexpected: ${JSON.stringify(r.wrong)}` : "";
        console.log(`round ${round + 1} ${s.name.padEnd(16)} ${STEPS[step]!.padEnd(34)} ${String(r.n).padStart(5)} req ${r.cpuMs.toFixed(3).padStart(7)} ms CPU/req ${r.perS.toFixed(0).padStart(5)} req/s ${String(r.mails).padStart(5)} mails${odd}`);
      }
  console.log(`\n${clients} clients, ${2 * students} students, ${rounds} rounds; CPU ms per request from the first request until workerd is idle 12 s, median (min-max):`);
  console.log(`${"step".padEnd(36)}${sides.map((s) => s.name.padStart(24)).join("")}${versus ? "   ours ÷ versus" : ""}`);
  STEPS.forEach((name, step) => {
    const of = (side: string) => spread(figures.get(side)![step]!);
    const cells = sides.map((s) => {
      const x = of(s.name);
      return `${x.median.toFixed(3)} (${x.min.toFixed(2)}-${x.max.toFixed(2)})`.padStart(24);
    });
    const ratio = versus ? `   ${(of("ours").median / of(sides[0]!.name).median).toFixed(2)}×` : "";
    console.log(`${name.padEnd(36)}${cells.join("")}${ratio}`);
  });
} finally {
  for (const s of sides) {
    for (const p of s.profilers) p.close();
    await s.pool.close();
    await s.app.stop();
  }
  rmSync(stateRoot, { recursive: true, force: true });
}

/** `perf record` on these processes until stop() (SIGINT: perf writes its file and exits). */
function startPerf(pids: number[], out: string) {
  const child = spawn("perf", ["record", "-F", "299", "-e", "cpu-clock", "-g", "-p", pids.join(","), "-o", out], { stdio: "ignore" });
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  return {
    stop: async () => {
      child.kill("SIGINT");
      await exited;
      console.log(`perf data: ${out}`);
    },
  };
}
