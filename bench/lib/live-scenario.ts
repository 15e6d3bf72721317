// The `live` scenario of issue #14: the phase-2 herd on a fresh event, once without and once with
// N live-seat sockets subscribed like pages (company pages skewed like the demand, the rest on
// the catalogue). Figures: the herd's attempts/s both ways (the cost of realtime to the booking
// path), the delay from each seat change to its delivery (p50/p95/p99), sockets dropped, gaps,
// and whether every socket ends on the stored seats (lost updates).
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { SocketsReply, SocketsReport, SocketsRequest, Subscription } from "../live-sockets.ts";
import { migrationStatements, startApp } from "./app.ts";
import { Loader } from "./scenarios.ts";
import { type SeedSize, openPhase2, seed } from "./seed.ts";
import { type Latency, type RunFigures, figures, latency } from "./stats.ts";
import { type Demand, demandOf, herdOps, pickCompany, rng } from "./workload.ts";

export interface LiveOptions {
  sockets: number;
  /** Share of the sockets on the catalogue (every company's totals); the rest on one company page. */
  catalogueShare: number;
  size: SeedSize;
  perStudent: number;
  connections: number;
  timeoutMs: number;
  seed: number;
}

export interface LiveFigures extends SocketsReport {
  opened: number;
  openMs: number;
  /** Sockets whose view still differed from the stored seats after the wait: lost updates. */
  socketsBehind: number;
  slotsBehind: number;
  convergedMs: number;
}

export interface LiveRun {
  sockets: number;
  herd: RunFigures;
  /** The bookings' own time inside workerd (Worker receipt → StudentDO answer): how backed up the isolate was. */
  server: Latency;
  live: LiveFigures | null;
}

/** The socket process (bench/live-sockets.ts): one request, one reply. */
export class SocketsProcess {
  private readonly child: ChildProcess = fork(fileURLToPath(new URL("../live-sockets.ts", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });

  async call(m: SocketsRequest): Promise<SocketsReply> {
    this.child.send(m);
    const [reply] = (await once(this.child, "message")) as [SocketsReply];
    if (reply.type === "error") throw new Error(`sockets process: ${reply.error}`);
    return reply;
  }

  stop(): void {
    this.child.kill();
  }
}

/** Pages watching during the herd, subscribed as the site does (`batch`): company pages as skewed as the demand, the rest the catalogue. */
export function subscriptions(n: number, catalogueShare: number, d: Demand, companyIds: string[], r: () => number): Subscription[] {
  return Array.from({ length: n }, () => (r() < catalogueShare ? { companyIds: [], batch: true } : { companyIds: [companyIds[pickCompany(r, d)]!], batch: true }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function liveRun(
  o: LiveOptions,
  env: { bundle: string; persistDir: string; jwtSecret: string; loader: Loader; sockets: SocketsProcess | null },
  log: (s: string) => void,
): Promise<LiveRun> {
  const app = await startApp({ bundle: env.bundle, persistDir: env.persistDir, jwtSecret: env.jwtSecret });
  try {
    const d1 = await app.d1();
    await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
    const seeded = await seed(d1, o.size, env.jwtSecret, log);
    await openPhase2(d1, seeded.eventId);
    const ttlMs = Number((await app.mf.getBindings<{ CONFIG_TTL_SECONDS: string }>()).CONFIG_TTL_SECONDS) * 1000;
    await sleep(ttlMs + 500);
    const demand = demandOf(seeded.slots, seeded.companyIds.length);
    let opened: { sockets: number; ms: number } | null = null;
    if (env.sockets) {
      const subs = subscriptions(o.sockets, o.catalogueShare, demand, seeded.companyIds, rng(o.seed + 101));
      const r = await env.sockets.call({ type: "open", url: `${app.url.replace(/^http/, "ws")}/api/live`, subs });
      if (r.type !== "opened") throw new Error("sockets process answered out of turn");
      opened = r;
      log(`  ${r.sockets} sockets open in ${r.ms} ms (${r.refused} refused)`);
    }
    const tokens = seeded.students.map((s) => s.token);
    // The first booking-path request after the phase change refreshes the config cache: ours, not the herd's.
    await (await fetch(`${app.url}/api/bookings`, { headers: { authorization: `Bearer ${tokens[0]}` } })).body?.cancel();
    await env.loader.call({ type: "init", baseUrl: app.url, tokens, connections: o.connections, timeoutMs: o.timeoutMs });
    const reply = await env.loader.call({ type: "burst", ops: herdOps(rng(o.seed), seeded.students.length, o.perStudent, demand), deadlineMs: o.timeoutMs * 4 });
    if (reply.type !== "done") throw new Error("load process answered out of turn");
    const herd = figures(reply.results);
    const times = await d1.prepare("SELECT response_time_ms AS ms FROM booking_attempts WHERE event_id = ?").bind(seeded.eventId).all<{ ms: number }>();
    const server = latency(times.results.map((x) => x.ms));
    if (!env.sockets || !opened) return { sockets: 0, herd, server, live: null };

    const states = await app.inspect<{ id: string; state: { taken: number } }[]>("/slots", { ids: seeded.slots.map((s) => s.id) });
    const taken = Object.fromEntries(states.map((x) => [x.id, x.state.taken]));
    const companyOf = Object.fromEntries(seeded.slots.map((s) => [s.id, s.companyId]));
    const checked = await env.sockets.call({ type: "check", taken, companyOf, capacity: seeded.slots[0]!.capacity, timeoutMs: 15_000 });
    const report = await env.sockets.call({ type: "report" });
    await env.sockets.call({ type: "close" });
    if (checked.type !== "checked" || report.type !== "report") throw new Error("sockets process answered out of turn");
    const { type: _r, ...rest } = report;
    return {
      sockets: opened.sockets,
      herd,
      server,
      live: { ...rest, opened: opened.sockets, openMs: opened.ms, socketsBehind: checked.socketsBehind, slotsBehind: checked.slotsBehind, convergedMs: checked.waitedMs },
    };
  } finally {
    await app.stop();
  }
}
