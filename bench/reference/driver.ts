// The PostgreSQL reference under our workload: the seed's design (schema.sql) in a fresh
// database, the same event and sizes as ours, and the same operations from the same generators
// (lib/workload.ts) with the same seed, sent over a pg pool straight to the booking function (no
// HTTP). Latency runs from issue to result, queueing for a pooled connection included, as ours.
// After each scenario the caps are checked by SQL on the stored state.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { ERROR_STATUS, type ErrorCode } from "../../worker/domain/contract.ts";
import { type ScenarioName, SCENARIOS } from "../lib/scenarios.ts";
import { type SeedSize, benchEvent, isDeprioritized } from "../lib/seed.ts";
import { CpuMeter } from "../lib/cpu.ts";
import { type RunFigures, figures, round } from "../lib/stats.ts";
import { type Op, type Result, type SlotRef, demandOf, herdOps, hotSlotOps, rng, steadyLoop } from "../lib/workload.ts";
import { type Cluster, allCores, setAffinity } from "./cluster.ts";

const SCHEMA = readFileSync(new URL("./schema.sql", import.meta.url), "utf8");

/**
 * The booking function of each variant (schema.sql). `oneCore` is the race-free function with the
 * server pinned to one core and this driver to the other (taskset): the shape of ours, one
 * workerd thread beside its load process.
 */
export const VARIANTS = { asWritten: "fn_book_interview", raceFree: "fn_book_interview_race_free", oneCore: "fn_book_interview_race_free" } as const;
export type Variant = keyof typeof VARIANTS;
const SERVER_CORE = "0";
const DRIVER_CORE = "1";

export interface ReferenceWorkload {
  size: SeedSize;
  hotSlotStudents: number;
  perStudent: number;
  steadySeconds: number;
  steadyClients: number;
  seed: number;
  only: readonly string[];
  /** Connections of the pg pool. */
  poolSize: number;
}

/** Breaches of the rules found in the stored state (cumulative: the state carries over scenarios). */
export interface CapViolations {
  studentsOverPhase1Cap: number;
  studentsOverTotalCap: number;
  studentsOverCompanyCap: number;
  slotsOverCapacity: number;
  deprioritizedPhase1Bookings: number;
  overlappingPairs: number;
}

export interface ReferenceScenarioRun {
  name: ScenarioName;
  figures: RunFigures;
  /** CPU time (user + system) of the postmaster and all its processes during the scenario. */
  cpuMs: number;
  cpuMsPerAttempt: number;
  caps: CapViolations;
  /** The sum of `caps`. */
  capViolations: number;
}

const CAP_CHECKS = `
WITH mine AS (
  SELECT b.id, b.student_id, b.slot_id, b.booking_phase, s.company_id, s.start_time, s.end_time, s.capacity, p.is_deprioritized
  FROM bookings b JOIN event_slots s ON s.id = b.slot_id JOIN profiles p ON p.id = b.student_id
  WHERE b.status = 'confirmed'
), per_student AS (
  SELECT student_id, count(*) FILTER (WHERE booking_phase = 1) AS phase1, count(*) AS total FROM mine GROUP BY student_id
), ev AS (SELECT * FROM events)
SELECT
  (SELECT count(*) FROM per_student, ev WHERE phase1 > ev.max_bookings_phase1)::int AS "studentsOverPhase1Cap",
  (SELECT count(*) FROM per_student, ev WHERE total > ev.max_bookings_total)::int AS "studentsOverTotalCap",
  (SELECT count(DISTINCT student_id) FROM (SELECT student_id FROM mine GROUP BY student_id, company_id
     HAVING count(*) > (SELECT max_bookings_per_company FROM ev)) x)::int AS "studentsOverCompanyCap",
  (SELECT count(*) FROM (SELECT 1 FROM mine GROUP BY slot_id, capacity HAVING count(*) > capacity) x)::int AS "slotsOverCapacity",
  (SELECT count(*) FROM mine WHERE is_deprioritized AND booking_phase = 1)::int AS "deprioritizedPhase1Bookings",
  (SELECT count(*) FROM mine a JOIN mine b ON a.student_id = b.student_id AND a.id < b.id
     AND a.start_time < b.end_time AND b.start_time < a.end_time)::int AS "overlappingPairs"`;

const LIST_COMPANIES = `
SELECT c.id, c.name, count(o.id)::int AS offers FROM companies c LEFT JOIN offers o ON o.company_id = c.id
GROUP BY c.id ORDER BY c.name`;
const COMPANY_SLOTS = `
SELECT s.id, s.start_time, s.end_time, s.capacity, count(b.id)::int AS taken
FROM event_slots s LEFT JOIN bookings b ON b.slot_id = s.id AND b.status = 'confirmed'
WHERE s.company_id = $1 GROUP BY s.id ORDER BY s.start_time`;
const OPEN_PHASE_2 = "UPDATE events SET phase1_end = now() - interval '1 second', phase2_start = now() - interval '1 second'";

interface ReferenceSeeded {
  studentIds: string[];
  deprioritized: boolean[];
  companyIds: string[];
  slots: SlotRef[];
}

/** The event ours gets (lib/seed.ts), written into the seed's tables. */
async function seedReference(db: pg.Pool, size: SeedSize): Promise<ReferenceSeeded> {
  const { config, times, windows } = benchEvent(size.slotsPerCompany, Date.now());
  await db.query(
    `INSERT INTO events (booking_open, phase1_start, phase1_end, phase2_start, phase2_end,
       max_bookings_phase1, max_bookings_total, max_bookings_per_company, cancel_deadline)
     VALUES (true, $1, $2, $3, $4, $5, $6, $7, $8)`,
    [windows.phase1Start, windows.phase1End, windows.phase2Start, windows.phase2End, config.maxBookingsPhase1, config.maxBookingsTotal, config.maxBookingsPerCompany, windows.cancelDeadline],
  );
  const companyIds = Array.from({ length: size.companies }, () => randomUUID());
  await db.query("INSERT INTO companies (id, name) SELECT id, 'Bench company ' || n FROM unnest($1::uuid[]) WITH ORDINALITY AS c(id, n)", [companyIds]);
  await db.query("INSERT INTO offers (id, company_id, title) SELECT gen_random_uuid(), id, 'Role ' || n FROM unnest($1::uuid[]) WITH ORDINALITY AS c(id, n)", [companyIds]);
  const slots: SlotRef[] = companyIds.flatMap((_, companyIndex) => times.map(() => ({ id: randomUUID(), companyIndex })));
  await db.query(
    "INSERT INTO event_slots (id, company_id, start_time, end_time, capacity) SELECT *, $5 FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[])",
    [
      slots.map((s) => s.id),
      slots.map((s) => companyIds[s.companyIndex]),
      slots.map((_, k) => new Date(times[k % times.length]!.startsAt).toISOString()),
      slots.map((_, k) => new Date(times[k % times.length]!.endsAt).toISOString()),
      config.slotCapacity,
    ],
  );
  const studentIds = Array.from({ length: size.students }, () => randomUUID());
  const deprioritized = studentIds.map((_, i) => isDeprioritized(i, size.deprioritizedShare));
  await db.query(
    "INSERT INTO profiles (id, email, is_deprioritized) SELECT id, 'bench-student-' || n || '@example.com', d FROM unnest($1::uuid[], $2::bool[]) WITH ORDINALITY AS p(id, d, n)",
    [studentIds, deprioritized],
  );
  return { studentIds, deprioritized, companyIds, slots };
}

/** One operation straight to the database; the status is the one our HTTP contract gives the same code. */
async function send(db: pg.Pool, bookFn: string, studentIds: string[], op: Op, t0: number): Promise<Result> {
  const startMs = performance.now() - t0;
  try {
    let code = "ok";
    let bookingId: string | undefined;
    if (op.kind === "book") {
      const { rows } = await db.query<{ code: string; booking_id: string | null }>({
        name: bookFn,
        text: `SELECT code, booking_id FROM ${bookFn}($1, $2)`,
        values: [studentIds[op.student], op.slotId],
      });
      code = rows[0]!.code;
      bookingId = rows[0]!.booking_id ?? undefined;
    } else if (op.kind === "cancel") {
      const { rows } = await db.query<{ code: string }>({ name: "cancel", text: "SELECT fn_cancel_booking($1, $2) AS code", values: [studentIds[op.student], op.bookingId] });
      code = rows[0]!.code;
    } else if (op.kind === "ready") {
      // The seed's design has no per-student object to get ready: nothing to do.
    } else if (op.path === "/api/companies") await db.query({ name: "companies", text: LIST_COMPANIES });
    else await db.query({ name: "company", text: COMPANY_SLOTS, values: [op.path.slice("/api/companies/".length)] });
    const status = code !== "ok" ? ERROR_STATUS[code as ErrorCode] : op.kind === "book" ? 201 : 200;
    return { ...op, startMs, endMs: performance.now() - t0, status, code, ...(bookingId ? { bookingId } : {}) };
  } catch (err) {
    const e = err as Error & { code?: string };
    return { ...op, startMs, endMs: performance.now() - t0, status: 0, code: e.code ? `pg_${e.code}` : `client_${e.name}` };
  }
}

/** The whole workload against one variant, in a fresh database dropped at the end. */
export async function runReference(cluster: Cluster, variant: Variant, o: ReferenceWorkload, log: (s: string) => void): Promise<ReferenceScenarioRun[]> {
  const database = `reference_${variant.toLowerCase()}`;
  // idleTimeoutMillis 0: the pool keeps its connections between scenarios, as an app server would.
  const db = new pg.Pool({ connectionString: await cluster.createDatabase(database), max: o.poolSize, idleTimeoutMillis: 0 });
  // pool.end() resolves before its connections are closed, and dropping the database then
  // terminates them: an idle connection's error is no failure of the workload (an operation's
  // own error is caught in send()).
  db.on("error", () => undefined);
  try {
    await db.query(SCHEMA);
    const seeded = await seedReference(db, o.size);
    const clients = await Promise.all(Array.from({ length: o.poolSize }, () => db.connect()));
    for (const c of clients) c.release();
    if (variant === "oneCore") {
      cluster.pin(SERVER_CORE);
      setAffinity(process.pid, DRIVER_CORE);
    }
    const cpu = new CpuMeter(() => cluster.pids());

    const r = rng(o.seed);
    const demand = demandOf(seeded.slots, seeded.companyIds.length);
    const indexOf = new Map(seeded.studentIds.map((id, i) => [id, i]));
    const out: ReferenceScenarioRun[] = [];
    for (const name of SCENARIOS) {
      if (name === "herdPhase2") await db.query(OPEN_PHASE_2);
      if (!o.only.includes(name)) continue;
      // Fresh planner statistics at each scenario's start, as autovacuum would have them given
      // time; left to autovacuum, a variant's steady ran 2× slower or not depending on whether
      // the launcher had come by its database yet.
      await db.query("ANALYZE");
      let results: Result[];
      let cpu0 = 0;
      if (name === "steady") {
        const held = (await db.query<{ id: string; student_id: string }>("SELECT id, student_id FROM bookings WHERE status = 'confirmed' ORDER BY created_at, id")).rows.map(
          (b) => ({ bookingId: b.id, student: indexOf.get(b.student_id)! }),
        );
        const plan = { durationMs: o.steadySeconds * 1000, clients: o.steadyClients, seed: o.seed, demand, companyIds: seeded.companyIds, held };
        const t0 = performance.now();
        cpu0 = cpu.now();
        results = await steadyLoop(plan, seeded.studentIds.length, () => performance.now() - t0, (op) => send(db, VARIANTS[variant], seeded.studentIds, op, t0));
      } else {
        const ops = name === "hotSlot" ? hotSlotOps(seeded.deprioritized, o.hotSlotStudents, demand) : herdOps(r, seeded.studentIds.length, o.perStudent, demand);
        const t0 = performance.now();
        cpu0 = cpu.now();
        results = await Promise.all(ops.map((op) => send(db, VARIANTS[variant], seeded.studentIds, op, t0)));
      }
      const cpuMs = Math.round((await cpu.settled()) - cpu0);
      const f = figures(results);
      const caps = (await db.query<CapViolations>(CAP_CHECKS)).rows[0]!;
      const capViolations = Object.values(caps).reduce((a, b) => a + b, 0);
      const cpuMsPerAttempt = round(cpuMs / Math.max(1, f.attempts), 3);
      out.push({ name, figures: f, cpuMs, cpuMsPerAttempt, caps, capViolations });
      log(
        `  reference ${variant.padEnd(9)} ${name.padEnd(10)} ${f.requests} req in ${f.wallMs} ms: ${f.attemptsPerS} attempts/s, ${f.confirmed} confirmed, ` +
          `p50 ${f.p50Ms} p99 ${f.p99Ms} ms, CPU ${cpuMsPerAttempt} ms/attempt, ${capViolations} cap violations${capViolations ? ` ${JSON.stringify(caps)}` : ""}`,
      );
      log(`    ${JSON.stringify(f.errorCodes)}`);
    }
    return out;
  } finally {
    if (variant === "oneCore") {
      cluster.pin(null);
      setAffinity(process.pid, allCores());
    }
    await db.end();
    await cluster.dropDatabase(database);
  }
}

/** Every variant, one after the other, each on its fresh database. */
export async function runAllVariants(cluster: Cluster, o: ReferenceWorkload, log: (s: string) => void): Promise<Record<Variant, ReferenceScenarioRun[]>> {
  const out = {} as Record<Variant, ReferenceScenarioRun[]>;
  for (const v of Object.keys(VARIANTS) as Variant[]) out[v] = await runReference(cluster, v, o, log);
  return out;
}
