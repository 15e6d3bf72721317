// Live seats in the browser (issue #14). One tab of the browser (the leader, elected with a Web
// Lock) holds the connection for all the tabs (live-transport.ts: the WebSocket, or polling when
// it cannot open): it subscribes to what every tab watches and relays what it hears through the
// tabs' channel. Every tab applies the messages to its own view with the one view logic
// (worker/domain/live-view.ts); a gap makes the leader re-subscribe, which brings a fresh snapshot.
import { LIVE_MAX_COMPANIES, type LiveServerMessage, type LiveStats } from "../../../worker/domain/contract.ts";
import { applyLive, emptyView } from "../../../worker/domain/live-view.ts";
import { noteLivePhase } from "./event.ts";
import { liveTransport } from "./live-transport.ts";
import { store } from "./store.ts";
import { type Interest, type LiveMode, type TabMessage, TAB_ID, onTabs, tabsShared, tellTabs } from "./tabs.ts";

/** This tab's view of the seats: mutated in place, `liveVersion` counts its changes. */
export const liveView = emptyView();
export const liveVersion = store(0);
export const liveMode = store<LiveMode>("connecting");
export const liveStats = store<LiveStats | null>(null);

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
  return { companyIds: [...ids].slice(-LIVE_MAX_COMPANIES), catalogue, stats };
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
  if (leader) transport.pollSoon();
  else tellTabs({ kind: "poke" });
}

// ---- the tabs -----------------------------------------------------------------------------

let started = false;
let leader = false;
let leaderHeardAt = Date.now();
let heartbeat: ReturnType<typeof setInterval> | undefined;
const otherTabs = new Map<string, Interest>();

const everyone = () => union([...watching.values(), ...otherTabs.values()]);
const transport = liveTransport({ wanted: everyone, deliver: (m, fromHub) => relay(m, fromHub), mode: (m) => setMode(m) });

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
  transport.start();
}

/** Another tab took the lead: this one listens again. */
function stepDown(): void {
  if (!leader) return;
  leader = false;
  clearInterval(heartbeat);
  transport.stop();
  otherTabs.clear();
  interestChanged();
}

function interestChanged(): void {
  if (leader) transport.resubscribe();
  else tellTabs({ kind: "interest", tab: TAB_ID, interest: union(watching.values()) });
}

function onTabMessage(m: TabMessage): void {
  if (leader) {
    if (m.kind === "interest") {
      otherTabs.set(m.tab, m.interest);
      tellTabs({ kind: "mode", mode: liveMode.get() });
      transport.resubscribe();
    } else if (m.kind === "bye") {
      otherTabs.delete(m.tab);
      transport.resubscribe();
    } else if (m.kind === "resync") transport.resubscribe();
    else if (m.kind === "poke") transport.pollSoon();
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
    if (leader) transport.resubscribe();
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
