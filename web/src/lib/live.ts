// Live seats in the browser (issue #14). One tab of the browser (the leader, elected with a Web
// Lock) holds the WebSocket to GET /api/live for all the tabs: it subscribes to what every tab
// watches and relays what it hears through the tabs' channel. When the socket cannot open or
// drops, the leader polls the cached public reads instead (every 2 s while a phase is open, 30 s
// otherwise) and keeps trying the socket again. Every tab applies the messages to its own view
// with the one view logic (worker/domain/live-view.ts); a gap makes the leader re-subscribe,
// which brings a fresh snapshot.
import type { CatalogueCompany, CompanyDetail, LiveCompany, LiveServerMessage, LiveSlot, LiveSnapshotMessage, LiveStats } from "../../../worker/domain/contract.ts";
import { applyLive, emptyView } from "../../../worker/domain/live-view.ts";
import { get } from "./api.ts";
import { event, loadEvent, noteLivePhase, phaseAt, serverNow } from "./event.ts";
import { store } from "./store.ts";
import { type Interest, type LiveMode, type TabMessage, TAB_ID, onTabs, tabsShared, tellTabs } from "./tabs.ts";

/** This tab's view of the seats: mutated in place, `liveVersion` counts its changes. */
export const liveView = emptyView();
export const liveVersion = store(0);
export const liveMode = store<LiveMode>("connecting");
export const liveStats = store<LiveStats | null>(null);

/** The hub keeps at most this many companies per socket (their ids live in its attachment). */
const MAX_COMPANIES = 40;
const HOT_POLL_MS = 2_000;
const QUIET_POLL_MS = 30_000;
const EVENT_POLL_MS = 10_000;
/** Back to the socket after a failure: sooner first, then less often (a full hub says 503). */
const RETRY_MS = [1_000, 5_000, 15_000, 30_000, 60_000];
const PING_MS = 25_000;
const SILENT_MS = 40_000;
/** The leader says it is alive this often; a visible tab that has not heard it for LEADER_LOST_MS takes over. */
const HEARTBEAT_MS = 10_000;
const LEADER_LOST_MS = 30_000;

// ---- what this tab watches ----------------------------------------------------------------

const watching = new Map<number, Interest>();
let watchIds = 0;

function union(xs: Iterable<Interest>): Interest {
  const ids = new Set<string>();
  let catalogue = false;
  let stats = false;
  for (const x of xs) {
    x.companyIds.forEach((id) => ids.add(id));
    catalogue ||= x.catalogue;
    stats ||= x.stats;
  }
  return { companyIds: [...ids].slice(-MAX_COMPANIES), catalogue, stats };
}

/** Watches companies' slots, the catalogue's totals or the socket count, until the returned function is called. */
export function watchLive(want: Partial<Interest>): () => void {
  const id = watchIds++;
  watching.set(id, { companyIds: want.companyIds ?? [], catalogue: want.catalogue ?? false, stats: want.stats ?? false });
  start();
  interestChanged();
  return () => {
    watching.delete(id);
    interestChanged();
  };
}

/** A seat changed through this tab (a booking, a cancellation): while polling, look now. */
export function seatsChangedHere(): void {
  if (leader) pollSoon();
  else tellTabs({ kind: "poke" });
}

// ---- the tabs -----------------------------------------------------------------------------

let started = false;
let leader = false;
let leaderHeardAt = Date.now();
let heartbeat: ReturnType<typeof setInterval> | undefined;
const otherTabs = new Map<string, Interest>();

const everyone = () => union([...watching.values(), ...otherTabs.values()]);

function start(): void {
  if (started) return;
  started = true;
  onTabs(onTabMessage);
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (!tabsShared || !locks) return becomeLeader();
  addEventListener("pagehide", () => tellTabs({ kind: "bye", tab: TAB_ID }));
  lead(locks, false);
  // A leader tab the browser froze (a background tab on a phone) relays nothing: a visible tab takes over.
  setInterval(() => {
    if (!leader && document.visibilityState === "visible" && Date.now() - leaderHeardAt > LEADER_LOST_MS) lead(locks, true);
  }, HEARTBEAT_MS);
}

/** Held until the tab goes away (then the next tab in line takes over), or until another steals it. */
function lead(locks: LockManager, steal: boolean): void {
  leaderHeardAt = Date.now();
  locks
    .request("inf-live-leader", { steal }, () => {
      becomeLeader();
      return new Promise<never>(() => {});
    })
    .catch(stepDown);
}

function becomeLeader(): void {
  leader = true;
  tellTabs({ kind: "leader", tab: TAB_ID });
  clearInterval(heartbeat);
  heartbeat = setInterval(() => tellTabs({ kind: "mode", mode: liveMode.get() }), HEARTBEAT_MS);
  connect();
}

/** Another tab took the lead: this one listens again. */
function stepDown(): void {
  if (!leader) return;
  leader = false;
  clearInterval(heartbeat);
  clearTimeout(retryTimer);
  clearInterval(pingTimer);
  stopPolling();
  const s = ws;
  ws = null;
  s?.close();
  otherTabs.clear();
  interestChanged();
}

function interestChanged(): void {
  if (leader) resubscribe();
  else tellTabs({ kind: "interest", tab: TAB_ID, interest: union(watching.values()) });
}

function onTabMessage(m: TabMessage): void {
  if (leader) {
    if (m.kind === "interest") {
      otherTabs.set(m.tab, m.interest);
      tellTabs({ kind: "mode", mode: liveMode.get() });
      resubscribe();
    } else if (m.kind === "bye") {
      otherTabs.delete(m.tab);
      resubscribe();
    } else if (m.kind === "resync") resubscribe();
    else if (m.kind === "poke") pollSoon();
    return;
  }
  if (m.kind === "leader" || m.kind === "live" || m.kind === "mode") leaderHeardAt = Date.now();
  if (m.kind === "leader") interestChanged();
  else if (m.kind === "live") receive(m.m, m.fromHub);
  else if (m.kind === "mode") liveMode.set(m.mode);
}

/** Applies a message to this tab's view; a gap asks for a fresh snapshot. */
function receive(m: LiveServerMessage, fromHub: boolean): void {
  if (m.type === "stats") return liveStats.set({ sockets: m.sockets, ceiling: m.ceiling });
  const r = applyLive(liveView, m);
  if (r === "gap") {
    if (leader) resubscribe();
    else tellTabs({ kind: "resync" });
    return;
  }
  if (r !== "applied") return;
  if (fromHub && liveView.phase && (m.type === "event" || m.type === "snapshot")) noteLivePhase(liveView.phase);
  liveVersion.set(liveVersion.get() + 1);
}

function relay(m: LiveServerMessage, fromHub: boolean): void {
  receive(m, fromHub);
  tellTabs({ kind: "live", m, fromHub });
}

function setMode(mode: LiveMode): void {
  liveMode.set(mode);
  tellTabs({ kind: "mode", mode });
}

// ---- the socket (leader) ------------------------------------------------------------------

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
    setMode("socket");
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
    for (const m of Array.isArray(data) ? data : [data]) if (m.type !== "pong") relay(m, true);
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
  setMode("polling");
  startPolling();
  if (typeof WebSocket === "function") retryTimer = setTimeout(connect, RETRY_MS[Math.min(Math.max(failures, 1), RETRY_MS.length) - 1]);
}

function resubscribe(): void {
  const want = everyone();
  if (!want.companyIds.length && !want.catalogue && !want.stats) return;
  if (open())
    ws!.send(JSON.stringify({ type: "subscribe", companyIds: want.companyIds, batch: true, ...(want.catalogue || want.stats ? { catalogue: true } : {}), ...(want.stats ? { stats: true } : {}) }));
  else pollSoon();
}

// ---- polling (leader, while the socket is away) ---------------------------------------------

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

if (typeof document !== "undefined") document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && pollSoon());

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
  const want = everyone();
  if (Date.now() - eventPolledAt > EVENT_POLL_MS) {
    eventPolledAt = Date.now();
    await loadEvent();
  }
  const slots: LiveSlot[] = [];
  const companies = new Map<string, LiveCompany>();
  try {
    for (const id of want.companyIds) {
      const d = await get<CompanyDetail>(`/companies/${id}`);
      slots.push(...d.slots.map((s) => ({ slotId: s.id, companyId: id, taken: s.taken, capacity: s.capacity })));
      companies.set(id, { companyId: id, free: d.slots.reduce((n, s) => n + Math.max(0, s.capacity - s.taken), 0), seq: 0 });
    }
    if (want.catalogue || want.stats)
      for (const c of (await get<{ companies: CatalogueCompany[] }>("/companies")).companies) companies.set(c.id, { companyId: c.id, free: c.freeSeats, seq: 0 });
  } catch {
    return;
  }
  if (open() || !polling) return;
  const e = event.get();
  const m: LiveSnapshotMessage = {
    type: "snapshot",
    seq: liveView.seq,
    slots,
    companies: [...companies.values()],
    event: { currentPhase: e ? phaseAt(e, serverNow()) : 0, bookingOpen: e?.bookingOpen ?? false },
  };
  relay(m, false);
}
