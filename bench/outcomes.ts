// `npm run bench:outcomes -- [--students N] [--clients N] [--profile]`: what each kind of request
// costs, alone. Steady mixes four kinds (bookings that succeed, bookings refused because the slot
// is full, cancellations, catalogue reads) and reports one CPU figure for all; this runs each kind
// as a step of its own over warm objects, with `clients` closed-loop clients as steady has, and
// reads workerd's CPU from its first request until it has been idle 12 s (the slots' checks of
// their new seats and the outbox's writes to D1 included). With --profile, V8's profile of the
// app's isolate for each step. The load comes from this process: figures are for comparison.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { STATE_DIR, buildWorker, freshDir, migrationStatements, startApp } from "./lib/app.ts";
import { CpuMeter } from "./lib/cpu.ts";
import { seed } from "./lib/seed.ts";
import { openProfilers, printProfile } from "./lib/v8-profile.ts";

const { values: a } = parseArgs({
  options: {
    students: { type: "string" },
    clients: { type: "string" },
    profile: { type: "boolean" },
    "mail-simulator": { type: "boolean" },
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
  --mail-simulator  mails go to Miniflare's Email Service simulator, not the bench's stand-in
  --profile         V8 profile of the app's isolate per step (slower; the CPU figures then include it)
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
const inspectorPort = Number(a.port ?? 9229);
const stateDir = freshDir(a["state-dir"] ?? join("/dev/shm", `inf-bench-outcomes-${process.pid}`));
const secret = "outcomes-secret-0123456789-0123456789-0123456";
let bundle = buildWorker(join(STATE_DIR, "bundle"));
if (process.env.PATCH_FROM) {
  const { readFileSync, writeFileSync, mkdirSync } = await import("node:fs");
  const src = readFileSync(bundle, "utf8");
  const out = src.replace(process.env.PATCH_FROM, process.env.PATCH_TO ?? "");
  if (out === src) throw new Error("patch not found");
  mkdirSync(join(STATE_DIR, "bundle-patched"), { recursive: true });
  bundle = join(STATE_DIR, "bundle-patched", "index.js");
  writeFileSync(bundle, out);
}

type Req = { method: "GET" | "POST" | "DELETE"; path: string; student?: number; body?: string; expect: string; onOk?: (json: unknown) => void };

const app = await startApp({ bundle, persistDir: stateDir, jwtSecret: secret, mailSimulator: a["mail-simulator"] === true, ...(a.profile ? { inspectorPort } : {}) });
try {
  const d1 = await app.d1();
  await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
  const seeded = await seed(d1, { companies: COMPANIES, slotsPerCompany: 16, students: 2 * students, deprioritizedShare: 0 }, secret, console.log);
  const profilers = a.profile ? await openProfilers(inspectorPort, (id) => id === "core:user:inf-booking") : [];
  const pool = new Pool(app.url, { connections: 128 });
  const cpu = new CpuMeter(() => app.workerdPids());
  const rows = students / COMPANIES;
  /** Student i's slot: company i % 60, time (i / 60) % rows; student i + N takes the same slot's second seat. */
  const slotOf = (i: number, shift = 0) => seeded.slots[((i + shift) % COMPANIES) * 16 + ((Math.floor((i % students) / COMPANIES) + shift) % rows)]!.id;
  const bookingOf = new Map<number, string>();

  const send = async (q: Req): Promise<string> => {
    const headers: Record<string, string> = {};
    if (q.student !== undefined) headers.authorization = `Bearer ${seeded.students[q.student]!.token}`;
    if (q.body) headers["content-type"] = "application/json";
    if (q.method === "POST") headers["idempotency-key"] = crypto.randomUUID();
    const res = await pool.request({ method: q.method, path: q.path, headers, body: q.body });
    const text = await res.body.text();
    const json = (() => {
      try {
        return JSON.parse(text) as { error?: { code: string } };
      } catch {
        return {};
      }
    })();
    const code = res.statusCode < 300 ? "ok" : json.error?.code ?? `http_${res.statusCode}`;
    if (code === "ok") q.onOk?.(json);
    return code;
  };
  /** `clients` closed-loop clients through the queue; the codes seen. */
  const drive = async (reqs: Req[]) => {
    const codes = new Map<string, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < reqs.length) {
          const code = await send(reqs[next++]!);
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }),
    );
    return codes;
  };
  const book = (i: number, shift = 0): Req => ({
    method: "POST",
    path: "/api/bookings",
    student: i,
    body: JSON.stringify({ slotId: slotOf(i, shift) }),
    expect: shift ? "slot_full" : "ok",
    onOk: (j) => void (shift || bookingOf.set(i, (j as { booking: { id: string } }).booking.id)),
  });
  const all = Array.from({ length: 2 * students }, (_, i) => i);
  const first = all.slice(0, students);

  // Every student's page is open: their objects are awake (not measured), as in steady.
  await drive(all.map((i) => ({ method: "GET", path: `/api/bookings/ready?slot=${slotOf(i)}`, student: i, expect: "ok" })));
  await cpu.settled(200, 60_000, 12_000);

  const steps: { name: string; reqs: () => Req[] }[] = [
    { name: "book: ok (first seat of a slot)", reqs: () => first.map((i) => book(i)) },
    { name: "book: ok (second seat)", reqs: () => first.map((i) => book(i + students)) },
    { name: "book: slot_full", reqs: () => first.map((i) => book(i, 1)) },
    { name: "cancel: ok", reqs: () => all.map((i) => ({ method: "DELETE", path: `/api/bookings/${bookingOf.get(i)}`, student: i, expect: "ok" })) },
    { name: "read: catalogue and company pages", reqs: () => all.map((i) => ({ method: "GET", path: i % 2 ? "/api/companies" : `/api/companies/${seeded.companyIds[i % COMPANIES]}`, expect: "ok" })) },
  ];
  const table: string[] = [];
  for (const step of steps) {
    const reqs = step.reqs();
    for (const p of profilers) await p.start();
    const mails0 = await app.mailsSent();
    const c0 = cpu.now();
    const t0 = performance.now();
    const codes = await drive(reqs);
    const wall = performance.now() - t0;
    const cpuMs = (await cpu.settled(200, 60_000, 12_000)) - c0;
    const mails = (await app.mailsSent()) - mails0;
    const wrong = [...codes].filter(([c]) => c !== reqs[0]!.expect);
    const line = `${step.name.padEnd(36)} ${String(reqs.length).padStart(5)} req  ${(cpuMs / reqs.length).toFixed(3).padStart(7)} ms CPU/req  ${((reqs.length / wall) * 1000).toFixed(0).padStart(5)} req/s  ${String(mails).padStart(5)} mails${wrong.length ? `  (unexpected: ${JSON.stringify(Object.fromEntries(wrong))})` : ""}`;
    console.log(line);
    table.push(line);
    for (const p of profilers) printProfile(`${step.name} — isolate ${p.id}`, await p.stop(), join(STATE_DIR, `outcomes-${steps.indexOf(step)}.cpuprofile`), { self: 15, inclusive: 25 });
  }
  // Booking slots of the students who were in steady's herds: their request kinds weigh in steady as
  // the bench's codes say (bench/results/*.md: book:slot_full, cancel:ok, book:ok, reads).
  console.log(`\n${clients} clients, ${2 * students} students, workerd CPU from the first request until idle 12 s:\n${table.join("\n")}`);
  for (const p of profilers) p.close();
  await pool.close();
} finally {
  await app.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
