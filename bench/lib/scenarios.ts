// One run of the workload: seed, then hotSlot, herdPhase1, herdPhase2 and steady, each followed by
// the outbox-lag measurement and the invariant checks on the stored state.
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { loadavg } from "node:os";
import type { LoadReply, LoadRequest } from "../load.ts";
import type { CeilingApp } from "./app.ts";
import { CpuMeter } from "./cpu.ts";
import { type Expectation, type SlotSnapshot, type StudentBooking, type StudentSnapshot, checkInvariants } from "./invariants.ts";
import { openPhase2, type Seeded } from "./seed.ts";
import { type RunFigures, type Latency, cdf, figures, latency, round, throughputSeries } from "./stats.ts";
import { type Demand, type Op, type Result, type SteadyPlan, demandOf, herdOps, hotSlotOps, rng } from "./workload.ts";

export const SCENARIOS = ["hotSlot", "herdPhase1", "herdPhase2", "steady"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface WorkloadOptions {
  hotSlotStudents: number;
  perStudent: number;
  steadySeconds: number;
  steadyClients: number;
  connections: number;
  timeoutMs: number;
  seed: number;
  /**
   * Before each herd, every student in it says ready (GET /api/bookings/ready), as the site does
   * 5-40 s before a phase opens; measured apart (`ready`). false (`--cold`): objects new or asleep.
   */
  pagesOpen: boolean;
  /** Each booking click carries its own Idempotency-Key, as the site's do; false (`--no-keys`): none. */
  keys: boolean;
  /**
   * A scenario's CPU is read once the app has been idle this long: the work it leaves for later
   * (each slot checks its new seats CHECK_DELAY_MS after them) counts in its figure.
   */
  quietMs: number;
  configTtlMs: number;
  /** Scenarios to run (all by default; bench/lib/draw-scenarios.ts's names too). */
  only: readonly string[];
}

/** What the workload needs from the app: where to send load and how to reach the stored state. */
export interface Target {
  /** Called before a scenario's load; returns the base URL to load. */
  beforeLoad(s: ScenarioName): Promise<string>;
  /** Called after a scenario's load, before any check. */
  afterLoad(s: ScenarioName): Promise<void>;
  /** Processes whose memory is the worker's (sampled while loading). */
  peakMemory: { reset(): void; peakMb(): number };
  /** The same processes' CPU time. */
  cpu: CpuMeter;
  /** Starts the ceiling Worker (bench/ceiling/), loaded with each scenario's requests after all of ours; null: none. */
  ceiling: (() => Promise<CeilingApp>) | null;
  /** D1 of the app for reads between scenarios; null when it cannot be read while loading. */
  liveD1(): Promise<D1Database | null>;
  /** D1 and the inspector, for the checks (after afterLoad). */
  d1(): Promise<D1Database>;
  inspect<T>(path: string, body: unknown): Promise<T>;
}

/** The ceiling Worker under a scenario's requests. */
export interface CeilingRun {
  figures: RunFigures;
  cpuMs: number;
  cpuMsPerRequest: number;
}

/** The ready calls of a herd's students, before it. */
export interface ReadyRun {
  students: number;
  /** Answers other than 204 (an older Worker has no such route: 404). */
  failed: number;
  wallMs: number;
  cpuMs: number;
  cpuMsPerStudent: number;
}

export interface ScenarioRun {
  name: ScenarioName;
  figures: RunFigures;
  /** The 1-minute load average of the machine when the scenario started. */
  loadAvg: number;
  /** workerd's CPU time (user + system) from the first request until idle again (outbox written). */
  cpuMs: number;
  cpuMsPerAttempt: number;
  ceiling: CeilingRun | null;
  /** The pages' ready calls before the herd (not in the figures above); null: none (steady, --cold). */
  ready: ReadyRun | null;
  /** Time from the last response until D1 held exactly the acknowledged bookings (no drain forced). */
  outboxLagMs: number | null;
  workerPeakRssMb: number;
  /** Worker receipt → StudentDO answer (SlotDO included), from booking_attempts.response_time_ms. */
  server: Latency | null;
  violations: string[];
  throughputPerS: number[];
  cdf: [number, number][];
}

export class Loader {
  private readonly child: ChildProcess;
  constructor(child: ChildProcess) {
    this.child = child;
  }

  async call(m: LoadRequest): Promise<LoadReply> {
    this.child.send(m);
    const [reply] = (await once(this.child, "message")) as [LoadReply];
    if (reply.type === "error") throw new Error(`load process: ${reply.error}`);
    return reply;
  }
}

const THROUGHPUT_BUCKET_MS = 250;

export async function runWorkload(
  target: Target,
  loader: Loader,
  seeded: Seeded,
  o: WorkloadOptions,
  log: (s: string) => void,
): Promise<ScenarioRun[]> {
  const r = rng(o.seed);
  /** The slots the pages' ready calls name for the ceiling: a generator of their own, so the demand stays what it was. */
  const readyRng = rng(o.seed + 1);
  const demand: Demand = demandOf(seeded.slots, seeded.companyIds.length);
  const tokens = seeded.students.map((s) => s.token);
  const exp: Expectation = { caps: seeded.caps, acknowledged: new Set(), uncertainBooks: new Set(), uncertainCancels: new Set() };
  const owner = new Map<string, number>();
  const touchedStudents = new Set<number>();
  const touchedSlots = new Set<string>();
  const out: ScenarioRun[] = [];

  const account = (results: Result[]) => {
    for (const x of results) {
      if (x.kind !== "book" && x.kind !== "cancel") continue;
      touchedStudents.add(x.student);
      const studentId = seeded.students[x.student]!.id;
      if (x.kind === "book") {
        touchedSlots.add(x.slotId);
        if (x.status === 201 && x.bookingId) {
          exp.acknowledged.add(x.bookingId);
          owner.set(x.bookingId, x.student);
        } else if (x.status === 0 || x.status >= 500) exp.uncertainBooks.add(`${studentId}:${x.slotId}`);
      } else if (x.status === 200) exp.acknowledged.delete(x.bookingId);
      else if (x.status === 0 || x.status >= 500) exp.uncertainCancels.add(x.bookingId);
    }
  };

  type Done = Extract<LoadReply, { type: "done" }>;
  const ceilingLoads: { prepare(baseUrl: string): Promise<Done | null>; load(): Promise<Done> }[] = [];
  for (const name of SCENARIOS) {
    if (name === "herdPhase2") {
      await openPhase2(await target.d1(), seeded.eventId);
      // The Worker caches the configuration for CONFIG_TTL_SECONDS: wait until every isolate sees phase 2.
      await new Promise((res) => setTimeout(res, o.configTtlMs + 500));
    }
    if (!o.only.includes(name)) continue;
    const url = await target.beforeLoad(name);
    if (name === "herdPhase2") {
      // Past its TTL the cache is refreshed by the first booking-path request while the others
      // still use the old one (stale-while-revalidate): make that first request ours, not the herd's.
      const warm = await fetch(`${url}/api/bookings`, { headers: { authorization: `Bearer ${tokens[0]}` } });
      await warm.body?.cancel();
    }
    const loadAvg = Math.round(loadavg()[0]! * 100) / 100;
    const steadyPlan = name === "steady" ? steadyPlanOf(o, demand, seeded, exp, owner) : null;
    const ops = name === "hotSlot" ? hotSlotOps(seeded.students.map((s) => s.deprioritized), o.hotSlotStudents, demand) : name === "steady" ? [] : herdOps(r, seeded.students.length, o.perStudent, demand);
    const readyOps: Op[] = o.pagesOpen && !steadyPlan ? [...new Set(ops.flatMap((op) => (op.kind === "book" ? [op.student] : [])))].map((student) => ({ kind: "ready", student, slotId: seeded.slots[Math.floor(readyRng() * seeded.slots.length)]!.id })) : [];
    /** Connects, then (pages open) the herd's students say ready; resolves with those answers. */
    const prepare = async (baseUrl: string): Promise<Done | null> => {
      await loader.call({ type: "init", baseUrl, tokens, connections: o.connections, timeoutMs: o.timeoutMs, keys: o.keys });
      if (!readyOps.length) return null;
      const reply = await loader.call({ type: "burst", ops: readyOps, deadlineMs: o.timeoutMs * 4 });
      if (reply.type !== "done") throw new Error("load process answered out of turn");
      return reply;
    };
    const load = async (): Promise<Done> => {
      const reply = await loader.call(steadyPlan ? { type: "steady", ...steadyPlan } : { type: "burst", ops, deadlineMs: o.timeoutMs * 4 });
      if (reply.type !== "done") throw new Error("load process answered out of turn");
      return reply;
    };
    ceilingLoads.push({ prepare, load });
    const readyStart = target.cpu.now();
    const readied = await prepare(url);
    const ready = readied ? readyRun(readied, Math.round((await target.cpu.settled()) - readyStart)) : null;
    if (ready) log(`  ${name.padEnd(10)} pages open: ${ready.students} students ready in ${ready.wallMs} ms, CPU ${ready.cpuMsPerStudent} ms/student${ready.failed ? `, ${ready.failed} not 204` : ""}`);
    target.peakMemory.reset();
    const cpuStart = target.cpu.now();
    const reply = await load();
    const workerPeakRssMb = target.peakMemory.peakMb();
    const results = reply.results;
    const lastEnd = reply.startedAt + Math.max(...results.map((x) => x.endMs));
    account(results);
    const live = await target.liveD1();
    // The outbox lag is polled while the CPU settles: the work left behind (the outbox written to
    // D1) counts in the scenario's CPU, the checks that follow do not.
    const [outboxLagMs, cpuEnd] = await Promise.all([live ? outboxLag(live, seeded.eventId, exp, lastEnd) : null, target.cpu.settled(200, 20_000, o.quietMs)]);
    await target.afterLoad(name);

    const violations = await check(target, seeded, exp, touchedStudents, touchedSlots);
    if (live && outboxLagMs === null) violations.push("D1 did not hold the acknowledged bookings within 60 s without a forced drain");
    const server = await serverTimes(await target.d1(), seeded.eventId, reply.startedAt);
    const f = figures(results);
    const cpuMs = Math.round(cpuEnd - cpuStart);
    out.push({
      name,
      figures: f,
      loadAvg,
      cpuMs,
      cpuMsPerAttempt: round(cpuMs / Math.max(1, f.attempts), 3),
      ceiling: null,
      ready,
      outboxLagMs,
      workerPeakRssMb,
      server,
      violations,
      throughputPerS: throughputSeries(results, THROUGHPUT_BUCKET_MS),
      cdf: cdf(results),
    });
    log(
      `  ${name.padEnd(10)} ${f.requests} req in ${f.wallMs} ms: ${f.attemptsPerS} attempts/s, ${f.confirmed} confirmed, p50 ${f.p50Ms} p99 ${f.p99Ms} ms, ` +
        `CPU ${round(cpuMs / Math.max(1, f.attempts), 3)} ms/attempt, lag ${outboxLagMs ?? "n/a"} ms, rss ${workerPeakRssMb} MB, load ${loadAvg}, ${violations.length} violations`,
    );
    for (const v of violations.slice(0, 10)) log(`    VIOLATION ${v}`);
  }
  // The ceiling's passes come after all of ours, with the same requests, in a workerd process of its
  // own (app.ts startCeiling): its objects never sit beside ours, nor ours beside its.
  const ceiling = target.ceiling && out.length ? await target.ceiling() : null;
  if (ceiling)
    try {
      const cpu = new CpuMeter(() => ceiling.workerdPids());
      for (const [k, run] of out.entries()) {
        const pass = ceilingLoads[k]!;
        // The ceiling's students say ready too (its objects are created then, as ours are).
        if (await pass.prepare(ceiling.url)) await cpu.settled();
        const c0 = cpu.now();
        const results = (await pass.load()).results;
        const c = figures(results);
        const cMs = Math.round((await cpu.settled()) - c0);
        // A failed request costs the runtime next to nothing: a pass with failures would flatter the
        // ceiling (workerd out of file descriptors answered 2 550 "requests/s" once). Not counted.
        const failed = results.filter((r) => r.status < 200 || r.status >= 300).length;
        if (failed) {
          log(`  ceiling ${run.name.padEnd(10)} NOT COUNTED: ${failed} of ${c.requests} requests failed (${JSON.stringify(c.errorCodes)})`);
          continue;
        }
        run.ceiling = { figures: c, cpuMs: cMs, cpuMsPerRequest: round(cMs / c.requests, 3) };
        log(`  ceiling ${run.name.padEnd(10)} ${c.requests} req in ${c.wallMs} ms: ${c.requestsPerS} requests/s, p50 ${c.p50Ms} p99 ${c.p99Ms} ms, CPU ${run.ceiling.cpuMsPerRequest} ms/request`);
      }
    } finally {
      await ceiling.stop();
    }
  return out;
}

function readyRun(d: Extract<LoadReply, { type: "done" }>, cpuMs: number): ReadyRun {
  const r = d.results;
  return {
    students: r.length,
    failed: r.filter((x) => x.status !== 204).length,
    wallMs: Math.round(Math.max(0, ...r.map((x) => x.endMs))),
    cpuMs,
    cpuMsPerStudent: round(cpuMs / Math.max(1, r.length), 3),
  };
}

/** Steady's plan: the confirmed bookings held now are the ones its clients may cancel. */
function steadyPlanOf(o: WorkloadOptions, demand: Demand, seeded: Seeded, exp: Expectation, owner: Map<string, number>): SteadyPlan {
  const held = [...exp.acknowledged].map((bookingId) => ({ bookingId, student: owner.get(bookingId)! }));
  return { durationMs: o.steadySeconds * 1000, clients: o.steadyClients, seed: o.seed, demand, companyIds: seeded.companyIds, held };
}

/** Polls D1 (no drain) until its confirmed bookings are exactly the acknowledged ones. */
async function outboxLag(d1: D1Database, eventId: string, e: Expectation, lastEnd: number, timeoutMs = 60_000): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const n = (await d1.prepare("SELECT count(*) AS n FROM bookings WHERE event_id = ? AND status = 'confirmed'").bind(eventId).first<{ n: number }>())?.n ?? 0;
    if (n >= e.acknowledged.size - e.uncertainCancels.size && n <= e.acknowledged.size + e.uncertainBooks.size) {
      const rows = (await d1.prepare("SELECT id FROM bookings WHERE event_id = ? AND status = 'confirmed'").bind(eventId).all<{ id: string }>()).results;
      const ids = new Set(rows.map((x) => x.id));
      const missing = [...e.acknowledged].some((id) => !ids.has(id) && !e.uncertainCancels.has(id));
      const extra = e.uncertainBooks.size === 0 && rows.some((x) => !e.acknowledged.has(x.id));
      if (!missing && !extra) return Math.max(0, Math.round(Date.now() - lastEnd));
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  return null;
}

export async function check(target: Target, seeded: Seeded, exp: Expectation, touchedStudents: Set<number>, touchedSlots: Set<string>): Promise<string[]> {
  const d1 = await target.d1();
  const students = [...touchedStudents].map((i) => seeded.students[i]!);
  const states = await target.inspect<{ id: string; state: { bookings: StudentBooking[]; outbox: number; deadLetters: number } }[]>("/students", {
    eventId: seeded.eventId,
    ids: students.map((s) => s.id),
    drain: true,
  });
  const deprioritized = new Set(students.filter((s) => s.deprioritized).map((s) => s.id));
  const studentSnaps: StudentSnapshot[] = states.map((x) => ({ id: x.id, deprioritized: deprioritized.has(x.id), ...x.state }));
  const slotIds = [...touchedSlots];
  const slotStates = await target.inspect<{ id: string; state: { taken: number; seats: { bookingId: string; state: string }[] } }[]>("/slots", { ids: slotIds });
  const d1Slots = new Map(
    (await d1.prepare("SELECT id, taken, capacity FROM slots WHERE event_id = ?").bind(seeded.eventId).all<{ id: string; taken: number; capacity: number }>()).results.map((x) => [x.id, x]),
  );
  const slotSnaps: SlotSnapshot[] = slotStates.map((x) => ({
    id: x.id,
    capacity: d1Slots.get(x.id)?.capacity ?? 0,
    taken: x.state.taken,
    seated: x.state.seats.filter((s) => s.state === "seated").map((s) => s.bookingId),
    d1Taken: d1Slots.get(x.id)?.taken ?? -1,
  }));
  const d1Confirmed = (
    await d1.prepare("SELECT id, slot_id, student_id FROM bookings WHERE event_id = ? AND status = 'confirmed'").bind(seeded.eventId).all<{ id: string; slot_id: string; student_id: string }>()
  ).results;
  return checkInvariants({ students: studentSnaps, slots: slotSnaps, d1Confirmed }, exp);
}

async function serverTimes(d1: D1Database, eventId: string, since: number): Promise<Latency | null> {
  const rows = (
    await d1
      .prepare("SELECT response_time_ms AS ms FROM booking_attempts WHERE event_id = ? AND attempted_at >= ?")
      .bind(eventId, new Date(since).toISOString())
      .all<{ ms: number }>()
  ).results;
  return rows.length ? latency(rows.map((x) => x.ms)) : null;
}
