// The tabs of one browser talk through a BroadcastChannel: one of them holds the live socket for
// all (a Web Lock elects it), and a booking made in one shows in the others at once.
import type { LiveServerMessage, ScheduleEntry } from "../../../worker/domain/contract.ts";

/** What a tab wants from the live channel (live.ts). */
export interface Interest {
  companyIds: string[];
  catalogue: boolean;
  stats: boolean;
}

export type LiveMode = "connecting" | "socket" | "polling";

export type TabMessage =
  | { kind: "interest"; tab: string; interest: Interest }
  | { kind: "bye"; tab: string }
  | { kind: "leader"; tab: string }
  | { kind: "resync" }
  | { kind: "poke" }
  | { kind: "live"; m: LiveServerMessage; fromHub: boolean }
  | { kind: "mode"; mode: LiveMode }
  | { kind: "bookings"; list: ScheduleEntry[] };

export const TAB_ID = crypto.randomUUID();

const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("inf-tabs") : null;
const handlers = new Set<(m: TabMessage) => void>();
channel?.addEventListener("message", (e: MessageEvent<TabMessage>) => handlers.forEach((h) => h(e.data)));

/** True when other tabs can hear this one. */
export const tabsShared = channel !== null;

export function tellTabs(m: TabMessage): void {
  channel?.postMessage(m);
}

export function onTabs(h: (m: TabMessage) => void): () => void {
  handlers.add(h);
  return () => handlers.delete(h);
}
