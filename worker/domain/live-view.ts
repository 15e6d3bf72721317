// A client's view of the live seats (GET /api/live), built from the hub's messages: the site's
// pages, the tests' clients and the benchmark's all apply them with this one function.
//
// A seat message applies only on top of the company's previous one (`prevSeq` = the seq the view
// holds for that company); otherwise an update was missed and the client re-reads a snapshot
// ("gap"). Anything not newer than what the view holds is ignored ("stale").
import type { LivePhase, LiveServerMessage, LiveSlot } from "./contract.ts";

export interface LiveView {
  slots: Map<string, LiveSlot>;
  companies: Map<string, { free: number; seq: number }>;
  phase: (LivePhase & { seq: number }) | null;
  /** The greatest seq applied. */
  seq: number;
}

export type Applied = "applied" | "stale" | "gap";

export const emptyView = (): LiveView => ({ slots: new Map(), companies: new Map(), phase: null, seq: 0 });

export function applyLive(v: LiveView, m: LiveServerMessage): Applied {
  switch (m.type) {
    case "snapshot": {
      // A snapshot is the whole state of the subscription: it replaces the view.
      v.slots.clear();
      v.companies.clear();
      for (const s of m.slots) v.slots.set(s.slotId, { slotId: s.slotId, companyId: s.companyId, taken: s.taken, capacity: s.capacity, blocked: s.blocked ?? false });
      for (const c of m.companies) v.companies.set(c.companyId, { free: c.free, seq: c.seq });
      v.phase = { ...m.event, seq: m.seq };
      v.seq = m.seq;
      return "applied";
    }
    case "seat": {
      const c = v.companies.get(m.companyId);
      if (c && m.seq <= c.seq) return "stale";
      if (!c || m.prevSeq !== c.seq) return "gap";
      v.companies.set(m.companyId, { free: m.free, seq: m.seq });
      v.slots.set(m.slotId, { slotId: m.slotId, companyId: m.companyId, taken: m.taken, capacity: m.capacity, blocked: m.blocked });
      v.seq = Math.max(v.seq, m.seq);
      return "applied";
    }
    case "event":
      if (v.phase && m.seq <= v.phase.seq) return "stale";
      v.phase = { currentPhase: m.currentPhase, bookingOpen: m.bookingOpen, seq: m.seq };
      v.seq = Math.max(v.seq, m.seq);
      return "applied";
    default:
      return "stale";
  }
}
