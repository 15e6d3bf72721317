// A live-seats client for the tests: a real WebSocket through the Worker's GET /api/live, the
// site's own view logic (worker/domain/live-view.ts), and what it saw: gaps, stale messages,
// reconnections, and the delay from each seat change to its delivery.
import { exports } from "cloudflare:workers";
import type { LiveServerMessage, LiveSubscribe } from "../worker/domain/contract.ts";
import { type LiveView, applyLive, emptyView } from "../worker/domain/live-view.ts";
import { type SlotFixture, slotState } from "./helpers.ts";

export type Subscription = Omit<LiveSubscribe, "type">;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (polling) until `ok()` holds; fails with `what` after `ms`. */
export async function waitFor(ok: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Opens the socket (with a browser's `headers` if given); the status is returned when the Worker refuses the upgrade. */
export async function openLive(headers: Record<string, string> = {}): Promise<{ ws: WebSocket } | { status: number; headers: Headers; body: any }> {
  const res = await exports.default.fetch(new Request("http://127.0.0.1/api/live", { headers: { ...headers, Upgrade: "websocket" } }));
  if (res.status !== 101 || !res.webSocket) return { status: res.status, headers: res.headers, body: await res.json().catch(() => null) };
  res.webSocket.accept();
  return { ws: res.webSocket };
}

export class LiveClient {
  view: LiveView = emptyView();
  gaps = 0;
  stale = 0;
  snapshots = 0;
  reconnections = 0;
  /** Seat change → delivery, in ms, for every seat message applied. */
  delays: number[] = [];
  /** Messages other than the seats' (stats, what other parts of the platform publish). */
  other: ({ type: string } & Record<string, unknown>)[] = [];
  private ws: WebSocket | null = null;
  private stopped = false;

  private constructor(
    readonly sub: Subscription,
    private readonly reconnect: boolean,
  ) {}

  /** Connects and waits for the first snapshot. With `reconnect`, a dropped socket is reopened. */
  static async connect(sub: Subscription, o: { reconnect?: boolean } = {}): Promise<LiveClient> {
    const c = new LiveClient(sub, o.reconnect ?? false);
    await c.open();
    await c.until(() => c.snapshots > 0, "first snapshot");
    return c;
  }

  private async open(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const r = await openLive();
      if ("ws" in r) {
        this.attach(r.ws);
        return;
      }
      if (!this.reconnect || attempt > 50) throw new Error(`GET /api/live answered ${r.status}: ${JSON.stringify(r.body)}`);
      await sleep(50);
    }
  }

  private attach(ws: WebSocket): void {
    this.ws = ws;
    ws.addEventListener("message", (e) => {
      const data = JSON.parse(e.data as string) as LiveServerMessage | LiveServerMessage[];
      for (const m of Array.isArray(data) ? data : [data]) this.onMessage(m);
    });
    ws.addEventListener("close", () => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      if (!this.reconnect) return;
      this.reconnections++;
      void this.open();
    });
    this.subscribe();
  }

  subscribe(): void {
    this.ws?.send(JSON.stringify({ type: "subscribe", ...this.sub }));
  }

  send(text: string): void {
    this.ws?.send(text);
  }

  private onMessage(m: LiveServerMessage): void {
    if (m.type === "snapshot") this.snapshots++;
    const r = applyLive(this.view, m);
    if (m.type === "seat" && r === "applied") this.delays.push(Date.now() - m.at);
    if (m.type !== "snapshot" && m.type !== "seat" && m.type !== "event") this.other.push({ ...m });
    if (r === "stale" && (m.type === "seat" || m.type === "event")) this.stale++;
    if (r === "gap") {
      this.gaps++;
      this.subscribe();
    }
  }

  until(ok: () => boolean, what: string, ms?: number): Promise<void> {
    return waitFor(ok, what, ms);
  }

  close(): void {
    this.stopped = true;
    try {
      this.ws?.close(1000, "done");
    } catch {
      /* already closed */
    }
  }
}

/** p50 / p95 / max of a list of durations, for the test output. */
export function delayFigures(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return `p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${s[s.length - 1] ?? 0} ms (n = ${s.length})`;
}

/** Every client's view equals the stored state: slots of its companies, and the catalogue's totals. */
export async function expectConverged(clients: LiveClient[], slots: SlotFixture[], capacity = 2): Promise<void> {
  const stored = new Map<string, number>();
  for (const s of slots) stored.set(s.id, (await slotState(s.id)).taken);
  const free = new Map<string, number>();
  for (const s of slots) free.set(s.companyId, (free.get(s.companyId) ?? 0) + capacity - stored.get(s.id)!);
  const matches = (c: LiveClient) =>
    slots.every((s) => !c.sub.companyIds.includes(s.companyId) || c.view.slots.get(s.id)?.taken === stored.get(s.id)) &&
    (c.sub.companyIds.length > 0 || [...free].every(([id, n]) => c.view.companies.get(id)?.free === n));
  await Promise.all(clients.map((c) => c.until(() => matches(c), "the client's view to match the stored seats")));
}

