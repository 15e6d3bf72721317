// The leader tab's connection to the live seats (live.ts): the WebSocket to GET /api/live, and
// when it cannot open or drops, polling of the cached public reads (every 2 s while a phase is
// open and the tab is visible, 30 s otherwise) until the socket can be opened again.
import type { CatalogueCompany, CompanyDetail, LiveCompany, LiveServerMessage, LiveSlot, LiveSnapshotMessage } from "../../../worker/domain/contract.ts";
import { seatsOnOffer } from "../../../worker/domain/rules.ts";
import { get } from "./api.ts";
import { event, loadEvent, phaseAt, serverNow } from "./event.ts";
import type { Interest, LiveMode } from "./tabs.ts";

const HOT_POLL_MS = 2_000;
const QUIET_POLL_MS = 30_000;
const EVENT_POLL_MS = 10_000;
/** Back to the socket after a failure: sooner first, then less often (a full hub says 503). */
const RETRY_MS = [1_000, 5_000, 15_000, 30_000, 60_000];
const PING_MS = 25_000;
const SILENT_MS = 40_000;

export interface Transport {
  start(): void;
  stop(): void;
  /** Tells the hub what the tabs watch now (a fresh snapshot follows); while polling, polls now. */
  resubscribe(): void;
  pollSoon(): void;
}

export function liveTransport(o: {
  wanted: () => Interest;
  deliver: (m: LiveServerMessage, fromHub: boolean) => void;
  mode: (m: LiveMode) => void;
}): Transport {
  // ---- the socket ---------------------------------------------------------------------------

  let ws: WebSocket | null = null;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let heardAt = 0;

  const open = () => ws !== null && ws.readyState === WebSocket.OPEN;

  function connect(): void {
    clearTimeout(retryTimer);
    if (typeof WebSocket !== "function") return fallBack();
    let s: WebSocket;
    try {
      s = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/live`);
    } catch {
      failures++;
      return fallBack();
    }
    ws = s;
    s.onopen = () => {
      failures = 0;
      heardAt = Date.now();
      stopPolling();
      o.mode("socket");
      resubscribe();
      clearInterval(pingTimer);
      pingTimer = setInterval(() => {
        if (Date.now() - heardAt > SILENT_MS) s.close();
        else s.send('{"type":"ping"}');
      }, PING_MS);
    };
    s.onmessage = (e: MessageEvent<string>) => {
      heardAt = Date.now();
      let data: LiveServerMessage | { type: "pong" } | LiveServerMessage[];
      try {
        data = JSON.parse(e.data) as LiveServerMessage | { type: "pong" } | LiveServerMessage[];
      } catch {
        return;
      }
      // Subscribed with `batch`: changes that come together share a frame.
      for (const m of Array.isArray(data) ? data : [data]) if (m.type !== "pong") o.deliver(m, true);
    };
    s.onclose = () => {
      if (ws !== s) return;
      ws = null;
      clearInterval(pingTimer);
      failures++;
      fallBack();
    };
  }

  function fallBack(): void {
    o.mode("polling");
    startPolling();
    if (typeof WebSocket === "function") retryTimer = setTimeout(connect, RETRY_MS[Math.min(Math.max(failures, 1), RETRY_MS.length) - 1]);
  }

  function resubscribe(): void {
    const want = o.wanted();
    if (!want.companyIds.length && !want.catalogue && !want.stats) return;
    if (open())
      ws!.send(JSON.stringify({ type: "subscribe", companyIds: want.companyIds, batch: true, ...(want.catalogue || want.stats ? { catalogue: true } : {}), ...(want.stats ? { stats: true } : {}) }));
    else pollSoon();
  }

  // ---- polling, while the socket is away ------------------------------------------------------

  let polling = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let eventPolledAt = 0;

  /** A phase is open and someone looks: poll often. A hidden tab polls at the quiet pace. */
  function hot(): boolean {
    const e = event.get();
    return e !== null && e.bookingOpen && phaseAt(e, serverNow()) !== 0 && document.visibilityState === "visible";
  }

  function startPolling(): void {
    if (polling) return;
    polling = true;
    schedulePoll(0);
  }

  function stopPolling(): void {
    polling = false;
    clearTimeout(pollTimer);
  }

  function pollSoon(): void {
    if (polling) schedulePoll(0);
  }

  function schedulePoll(ms: number): void {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(() => {
      void pollOnce().finally(() => {
        if (polling) schedulePoll(hot() ? HOT_POLL_MS : QUIET_POLL_MS);
      });
    }, ms);
  }

  /** The cached public reads, turned into a snapshot of what the tabs watch. */
  async function pollOnce(): Promise<void> {
    const want = o.wanted();
    if (Date.now() - eventPolledAt > EVENT_POLL_MS) {
      eventPolledAt = Date.now();
      await loadEvent();
    }
    const slots: LiveSlot[] = [];
    const companies = new Map<string, LiveCompany>();
    try {
      const now = serverNow();
      const cutoff = event.get()?.bookingCutoffMinutes ?? 0;
      for (const id of want.companyIds) {
        const d = await get<CompanyDetail>(`/companies/${id}`);
        slots.push(...d.slots.map((s) => ({ slotId: s.id, companyId: id, taken: s.taken, capacity: s.capacity, ...(s.blocked ? { blocked: true } : {}) })));
        companies.set(id, { companyId: id, free: d.slots.reduce((n, s) => n + seatsOnOffer({ ...s, startsAt: Date.parse(s.startsAt) }, now, cutoff), 0), seq: 0 });
      }
      if (want.catalogue || want.stats)
        for (const c of (await get<{ companies: CatalogueCompany[] }>("/companies")).companies) companies.set(c.id, { companyId: c.id, free: c.freeSeats, seq: 0 });
    } catch {
      return;
    }
    if (open() || !polling) return;
    const e = event.get();
    // A polled snapshot has no seq of its own; the socket's next snapshot replaces it, seqs included.
    const m: LiveSnapshotMessage = {
      type: "snapshot",
      seq: 0,
      slots,
      companies: [...companies.values()],
      event: { currentPhase: e ? phaseAt(e, serverNow()) : 0, bookingOpen: e?.bookingOpen ?? false },
    };
    o.deliver(m, false);
  }

  if (typeof document !== "undefined") document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && pollSoon());

  return {
    start: connect,
    stop() {
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      stopPolling();
      const s = ws;
      ws = null;
      s?.close();
    },
    resubscribe,
    pollSoon,
  };
}
