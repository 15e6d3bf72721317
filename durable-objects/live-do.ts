// LiveDO: one per event (`live:<eventId>`), the hub of the live seats (issue #14). It holds the
// browsers' WebSockets through the Hibernation API (an idle socket costs nothing: the object may
// leave memory while the sockets stay open), hears every seat change from the SlotDOs
// (live-notify.ts), and fans out small numbered deltas to the sockets subscribed to that company
// and to the catalogue's. Realtime only notifies: seats are decided by SlotDO, and a client that
// misses anything re-reads a snapshot. Phase changes and the kill switch go through the same channel.
//
// Where changes come from, and how soon the hub sees them: SlotDO reports (within a few ms);
// admin writes through the API (`refresh`, at once); the clock's phase boundaries (an alarm at the
// boundary); anything written straight into D1, like the CLI's `open`/`close` (the periodic check,
// every CHECK_MS while sockets are open).
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { type ErrorBody, LIVE_MAX_COMPANIES, type LivePhase, type LiveStats } from "../worker/domain/contract.ts";
import { errorFields, logLine } from "../worker/lib/log.ts";
import { eventIdOfLiveName, slotStub } from "../worker/lib/objects.ts";
import { LIVE_SEATS_SCHEMA, LiveSeats, type SeatUpdate } from "./live-seats.ts";
import { LiveSockets, type Subscription } from "./live-sockets.ts";
import { type EventSummary, nextBoundary, phaseOf, readSource } from "./live-source.ts";
import { migrate } from "./sql-migrations.ts";

/** How often the hub re-reads D1 while sockets are open: the bound for changes written straight into D1. */
const CHECK_MS = 5_000;
/** A slot whose SlotDO has been quiet this long and on which D1 disagrees is asked directly. */
const QUIET_MS = 10_000;
const MAX_SUSPECTS_PER_CHECK = 20;
/** A slot unknown to the hub makes it re-read D1, at most this often. */
const RESYNC_MIN_MS = 2_000;
const STATS_MS = 1_000;
/**
 * A change goes out at once, unless another went out less than this ago: then it waits for the
 * rest of the window and they go together (one frame per batching socket).
 */
const FLUSH_WINDOW_MS = 20;
/** Memory is written behind into SQLite within this (live-seats.ts says why). */
const PERSIST_MS = 250;
const RETRY_AFTER_S = 30;

const subscribeMessage = z.strictObject({
  type: z.literal("subscribe"),
  companyIds: z.array(z.uuid()).max(LIVE_MAX_COMPANIES),
  catalogue: z.boolean().optional(),
  stats: z.boolean().optional(),
  batch: z.boolean().optional(),
});

const errorResponse = (status: number, code: ErrorBody["error"]["code"], message: string, headers: Record<string, string> = {}) =>
  Response.json({ error: { code, message } } satisfies ErrorBody, { status, headers });

export class LiveDO extends DurableObject<Env> {
  private seats!: LiveSeats;
  private readonly sockets: LiveSockets;
  private readonly eventId: string;
  private event: EventSummary | null = null;
  /** The phase and kill switch as last told to the clients. */
  private told: LivePhase | null = null;
  private syncing: Promise<void> | null = null;
  private lastSyncAt = 0;
  private flushQueued = false;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFlushAt = 0;
  private statsTimer: ReturnType<typeof setTimeout> | null = null;
  private persistTimer: ReturnType<typeof setTimeout> | null = null;
  /** Test seam: fault tests make the hub refuse the SlotDOs' reports. */
  faultHook?: (step: "report") => void;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.eventId = eventIdOfLiveName(ctx.id.name) ?? "";
    this.sockets = new LiveSockets(ctx);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, LIVE_SEATS_SCHEMA);
      this.seats = new LiveSeats(ctx.storage.sql);
      const event = this.seats.meta("event");
      const told = this.seats.meta("told");
      this.event = event ? (JSON.parse(event) as EventSummary | null) : null;
      this.told = told ? (JSON.parse(told) as LivePhase) : null;
      this.seats.clock(Date.now(), this.event?.bookingCutoffMinutes ?? 0, true);
    });
    // Clients' keep-alive pings are answered without waking the hub.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  // ---- sockets ------------------------------------------------------------------------------

  /** The upgrade, from GET /api/live: past the event's ceiling, 503 and Retry-After (clients poll). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return errorResponse(426, "upgrade_required", "Open this URL as a WebSocket.");
    if (!this.event) await this.sync();
    if (!this.event?.active) return errorResponse(404, "not_found", "No such active event.");
    if (this.sockets.count() >= this.event.liveMaxSockets)
      return errorResponse(503, "unavailable", "Too many live connections right now; the page refreshes by itself meanwhile.", { "Retry-After": String(RETRY_AFTER_S) });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    this.statsChanged();
    await this.ensureAlarm();
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (typeof message !== "string" || message.length > 4096) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    const sub = subscribeMessage.safeParse(parsed);
    if (!sub.success) return;
    if (!this.seats.meta("synced_at")) await this.sync();
    const companyIds = [...new Set(sub.data.companyIds)];
    const s: Subscription = {
      companyIds,
      catalogue: companyIds.length === 0 || (sub.data.catalogue ?? false),
      stats: sub.data.stats ?? false,
      batch: sub.data.batch ?? false,
    };
    this.sockets.subscribe(ws, s);
    this.sendSnapshot(ws, s);
    if (s.stats) this.sockets.send(ws, JSON.stringify({ type: "stats", ...this.stats() }));
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.sockets.remove(ws);
    try {
      ws.close(code, reason);
    } catch {
      /* already closed */
    }
    this.statsChanged();
  }

  override webSocketError(ws: WebSocket): void {
    this.sockets.remove(ws);
    this.statsChanged();
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /** SlotDOs' reports (live-notify.ts). Never awaited by a booking. */
  report(updates: SeatUpdate[]): void {
    this.faultHook?.("report");
    let unknown = false;
    for (const u of updates) if (!this.seats.apply(u)) unknown = true;
    if (unknown && Date.now() - this.lastSyncAt > RESYNC_MIN_MS) void this.sync().catch((err) => this.warn("live resync failed", err));
    this.scheduleFlush();
    this.schedulePersist();
  }

  /** After an admin write (configuration, verification, slots): re-read D1 now. */
  async refresh(): Promise<void> {
    await this.sync();
  }

  /**
   * Sends `{type, seq, ...fields}` to every subscribed socket: how other parts of the platform
   * (the draw's progress, the day of the fair) speak on this channel. Returns the seq used.
   */
  publish(type: string, fields: Record<string, unknown> = {}): number {
    const seq = this.seats.next();
    this.broadcast(JSON.stringify({ ...fields, type, seq }));
    this.schedulePersist();
    return seq;
  }

  stats(): LiveStats {
    return { sockets: this.sockets.count(), ceiling: this.event?.liveMaxSockets ?? 0 };
  }

  // ---- the periodic check --------------------------------------------------------------------

  override async alarm(): Promise<void> {
    try {
      await this.sync({ checkSlots: true });
    } catch (err) {
      this.warn("live periodic check failed", err);
    }
    await this.ensureAlarm(true);
  }

  /** While sockets are open: the next check, or the next phase boundary if sooner. */
  private async ensureAlarm(replace = false): Promise<void> {
    if (this.sockets.count() === 0) return;
    if (!replace && (await this.ctx.storage.getAlarm()) !== null) return;
    const now = Date.now();
    const boundary = this.event ? nextBoundary(this.event, now) : null;
    await this.ctx.storage.setAlarm(Math.min(now + CHECK_MS, boundary ?? Infinity));
  }

  // ---- D1 -------------------------------------------------------------------------------------

  /** Re-reads the event and its slots; tells the clients what changed. One at a time. */
  private sync(o: { checkSlots?: boolean } = {}): Promise<void> {
    this.syncing ??= this.runSync(o).finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async runSync(o: { checkSlots?: boolean }): Promise<void> {
    this.lastSyncAt = Date.now();
    const src = await readSource(this.env.DB, this.eventId);
    this.event = src.event;
    this.seats.setMeta("event", JSON.stringify(src.event));
    const reshaped = this.seats.sync(src.slots);
    this.seats.clock(this.lastSyncAt, src.event?.bookingCutoffMinutes ?? 0);
    if (o.checkSlots) await this.askQuietSlots(this.seats.suspects(src.slots, Date.now(), QUIET_MS));
    this.flush();
    if (reshaped) for (const ws of this.sockets.subscribed()) this.resnapshot(ws);
    this.tellPhase();
  }

  /** D1 disagrees with a slot the hub has not heard of for a while: its SlotDO has the last word. */
  private async askQuietSlots(ids: string[]): Promise<void> {
    for (const slotId of ids.slice(0, MAX_SUSPECTS_PER_CHECK)) {
      try {
        const { taken, blocked, capacity } = await slotStub(this.env, slotId).inspect();
        this.seats.apply({ slotId, taken, blocked, ...(capacity !== null ? { capacity } : {}), at: Date.now() });
      } catch (err) {
        this.warn("live check of a slot failed", err);
      }
    }
  }

  // ---- fan-out ------------------------------------------------------------------------------

  /**
   * Each report checks the window itself: a busy isolate runs the timer late (by seconds in a
   * herd), so the timer only covers the last changes of a burst, when no report comes after them.
   */
  private scheduleFlush(): void {
    if (this.flushQueued) return;
    const wait = this.lastFlushAt + FLUSH_WINDOW_MS - Date.now();
    if (wait > 0) {
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = null;
        this.flush();
      }, wait);
      return;
    }
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }


  /**
   * Sends the changes since the last flush. A batching socket gets its share in one frame, and
   * sockets with the same share (a company's page, the catalogue) get the same frame, built once.
   */
  private flush(): void {
    this.lastFlushAt = Date.now();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const messages = this.seats.flush();
    if (messages.length) {
      const texts = messages.map((m) => JSON.stringify(m));
      const shares = new Map<WebSocket, number[]>();
      messages.forEach((m, i) => {
        for (const ws of this.sockets.forCompany(m.companyId)) {
          const share = shares.get(ws);
          if (share) share.push(i);
          else shares.set(ws, [i]);
        }
      });
      const frames = new Map<string, string>();
      for (const [ws, share] of shares) {
        if (!this.sockets.batches(ws)) {
          for (const i of share) this.sockets.send(ws, texts[i]!);
          continue;
        }
        const key = share.join(",");
        let frame = frames.get(key);
        if (frame === undefined) frames.set(key, (frame = share.length === 1 ? texts[share[0]!]! : `[${share.map((i) => texts[i]).join(",")}]`));
        this.sockets.send(ws, frame);
      }
    }
    this.schedulePersist();
  }

  private schedulePersist(): void {
    if (!this.seats.pending) return;
    this.persistTimer ??= setTimeout(() => {
      this.persistTimer = null;
      this.seats.persist();
    }, PERSIST_MS);
  }

  private tellPhase(): void {
    if (!this.event) return;
    const now = phaseOf(this.event, Date.now());
    if (this.told && this.told.currentPhase === now.currentPhase && this.told.bookingOpen === now.bookingOpen) return;
    this.told = now;
    this.seats.setMeta("told", JSON.stringify(now));
    this.broadcast(JSON.stringify({ type: "event", seq: this.seats.next(), ...now }));
    this.schedulePersist();
  }

  private sendSnapshot(ws: WebSocket, s: Subscription): void {
    const { slots, companies } = this.seats.snapshot(s.companyIds, s.catalogue);
    const event = this.event ? phaseOf(this.event, Date.now()) : { currentPhase: 0, bookingOpen: false };
    this.sockets.send(ws, JSON.stringify({ type: "snapshot", seq: this.seats.lastSeq, slots, companies, event }));
  }

  private resnapshot(ws: WebSocket): void {
    const s = ws.deserializeAttachment() as Subscription | null;
    if (s) this.sendSnapshot(ws, s);
  }

  private broadcast(text: string): void {
    for (const ws of this.sockets.subscribed()) this.sockets.send(ws, text);
  }

  private statsChanged(): void {
    this.statsTimer ??= setTimeout(() => {
      this.statsTimer = null;
      const text = JSON.stringify({ type: "stats", ...this.stats() });
      for (const ws of this.sockets.statsListeners()) this.sockets.send(ws, text);
    }, STATS_MS);
  }

  private warn(msg: string, err: unknown): void {
    logLine("warn", msg, { eventId: this.eventId, ...errorFields(err) });
  }
}
