// The live-seats clients of `npm run bench:live`: a separate Node process (forked by
// bench/lib/live-scenario.ts) holding N WebSockets to GET /api/live, each subscribed like a page
// (a company page, or the catalogue), applying every message with the site's own view logic
// (worker/domain/live-view.ts). It measures the delay from each seat change (the message's `at`,
// stamped by the SlotDO) to its arrival here, counts the sockets dropped and the gaps, and at the
// end compares every socket's view with the stored seats.
import type { LiveServerMessage, LiveSubscribe } from "../worker/domain/contract.ts";
import { type LiveView, applyLive, emptyView } from "../worker/domain/live-view.ts";
import { latency, type Latency } from "./lib/stats.ts";

export type Subscription = Omit<LiveSubscribe, "type">;

export type SocketsRequest =
  | { type: "open"; url: string; subs: Subscription[] }
  | { type: "report" }
  | { type: "check"; taken: Record<string, number>; companyOf: Record<string, string>; capacity: number; timeoutMs: number }
  | { type: "close" };

export interface SocketsReport {
  deliveries: number;
  /** Seat change → arrival here. */
  delay: Latency;
  /** Seat change → the hub's send (the server's part of `delay`). */
  hubDelay: Latency;
  dropped: number;
  gaps: number;
  refused: number;
}

export type SocketsReply =
  | { type: "opened"; sockets: number; refused: number; ms: number }
  | ({ type: "report" } & SocketsReport)
  | { type: "checked"; socketsBehind: number; slotsBehind: number; waitedMs: number }
  | { type: "closed" }
  | { type: "error"; error: string };

interface Client {
  sub: Subscription;
  ws: WebSocket;
  view: LiveView;
  snapshot: boolean;
}

const clients: Client[] = [];
let delays: number[] = [];
let hubDelays: number[] = [];
let dropped = 0;
let gaps = 0;
let refused = 0;
let closing = false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openOne(url: string, sub: Subscription): Promise<Client | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const c: Client = { sub, ws, view: emptyView(), snapshot: false };
    let settled = false;
    const settle = (v: Client | null) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    ws.addEventListener("open", () => ws.send(JSON.stringify({ type: "subscribe", ...sub })));
    ws.addEventListener("message", (e) => {
      const now = Date.now();
      const data = JSON.parse(String(e.data)) as LiveServerMessage | LiveServerMessage[];
      for (const m of Array.isArray(data) ? data : [data]) {
        const r = applyLive(c.view, m);
        if (m.type === "snapshot") {
          c.snapshot = true;
          settle(c);
        } else if (m.type === "seat" && r === "applied") {
          delays.push(now - m.at);
          hubDelays.push(m.sentAt - m.at);
        }
        if (r === "gap") {
          gaps++;
          ws.send(JSON.stringify({ type: "subscribe", ...sub }));
        }
      }
    });
    ws.addEventListener("close", () => {
      if (!c.snapshot) refused++;
      else if (!closing) dropped++;
      settle(null);
    });
  });
}

/** Every socket's view agrees with the stored seats (slots of its companies, or the catalogue's totals). */
function behind(taken: Record<string, number>, companyOf: Record<string, string>, capacity: number): { sockets: number; slots: number } {
  const free = new Map<string, number>();
  for (const [slotId, n] of Object.entries(taken)) free.set(companyOf[slotId]!, (free.get(companyOf[slotId]!) ?? 0) + Math.max(0, capacity - n));
  let sockets = 0;
  let slots = 0;
  for (const c of clients) {
    let wrong = 0;
    if (c.sub.companyIds.length)
      for (const [slotId, n] of Object.entries(taken)) {
        if (c.sub.companyIds.includes(companyOf[slotId]!) && c.view.slots.get(slotId)?.taken !== n) wrong++;
      }
    else for (const [id, n] of free) if (c.view.companies.get(id)?.free !== n) wrong++;
    if (wrong) sockets++;
    slots += wrong;
  }
  return { sockets, slots };
}

async function handle(m: SocketsRequest): Promise<SocketsReply> {
  switch (m.type) {
    case "open": {
      const t0 = Date.now();
      delays = [];
      hubDelays = [];
      dropped = gaps = refused = 0;
      closing = false;
      // A few at a time, like pages opening: the hub answers each with its snapshot.
      for (let i = 0; i < m.subs.length; i += 50) {
        const opened = await Promise.all(m.subs.slice(i, i + 50).map((s) => openOne(m.url, s)));
        for (const c of opened) if (c) clients.push(c);
      }
      delays = [];
      return { type: "opened", sockets: clients.length, refused, ms: Date.now() - t0 };
    }
    case "report":
      return { type: "report", deliveries: delays.length, delay: latency(delays), hubDelay: latency(hubDelays), dropped, gaps, refused };
    case "check": {
      const t0 = Date.now();
      let b = behind(m.taken, m.companyOf, m.capacity);
      while (b.sockets > 0 && Date.now() - t0 < m.timeoutMs) {
        await sleep(100);
        b = behind(m.taken, m.companyOf, m.capacity);
      }
      return { type: "checked", socketsBehind: b.sockets, slotsBehind: b.slots, waitedMs: Date.now() - t0 };
    }
    case "close":
      closing = true;
      for (const c of clients.splice(0)) c.ws.close(1000, "bench done");
      return { type: "closed" };
  }
}

process.on("message", (m: SocketsRequest) => {
  handle(m).then(
    (reply) => process.send?.(reply),
    (err: unknown) => process.send?.({ type: "error", error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies SocketsReply),
  );
});
process.on("disconnect", () => process.exit(0));
