// Fairness figures of a phase's allocation (issue #13): who got at least one interview against
// the most the seats allowed, the spread of interviews per student, first choices. Pure; the
// DrawDO summarises its draw with it and the admin route the first-come-first-served bookings.
import type { DrawSummary, FairnessStats, LostReason } from "./contract.ts";
import { type Allocation, type DrawSnapshot, capReached, companyCapLeft, slotMinutes, windowAdmits } from "./allocator.ts";
import { overlaps } from "./rules.ts";

/** Gini coefficient of non-negative counts: 0 when everyone has the same, towards 1 when one has all. */
export function gini(xs: readonly number[]): number {
  const n = xs.length;
  const total = xs.reduce((a, b) => a + b, 0);
  if (n === 0 || total === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  let weighted = 0;
  sorted.forEach((x, i) => (weighted += (i + 1) * x));
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** out[k] = how many of `xs` equal k. */
export function distribution(xs: readonly number[]): number[] {
  const out: number[] = Array.from({ length: Math.max(0, ...xs) + 1 }, () => 0);
  for (const x of xs) out[x]!++;
  return out;
}

/** Maximum bipartite matching (Hopcroft–Karp): `adj[u]` lists the right vertices left vertex u may take. */
export function maxMatching(adj: readonly number[][], rightCount: number): number {
  const n = adj.length;
  const INF = 1 << 30;
  const matchL = new Int32Array(n).fill(-1);
  const matchR = new Int32Array(rightCount).fill(-1);
  const dist = new Int32Array(n);
  const bfs = (): boolean => {
    const queue: number[] = [];
    for (let u = 0; u < n; u++) {
      dist[u] = matchL[u] === -1 ? 0 : INF;
      if (dist[u] === 0) queue.push(u);
    }
    let found = false;
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q]!;
      for (const v of adj[u]!) {
        const w = matchR[v]!;
        if (w === -1) found = true;
        else if (dist[w] === INF) {
          dist[w] = dist[u]! + 1;
          queue.push(w);
        }
      }
    }
    return found;
  };
  const dfs = (u: number): boolean => {
    for (const v of adj[u]!) {
      const w = matchR[v]!;
      if (w === -1 || (dist[w] === dist[u]! + 1 && dfs(w))) {
        matchL[u] = v;
        matchR[v] = u;
        return true;
      }
    }
    dist[u] = INF;
    return false;
  };
  let size = 0;
  while (bfs()) for (let u = 0; u < n; u++) if (matchL[u] === -1 && dfs(u)) size++;
  return size;
}

/**
 * The most drawn students who could each get one interview from the seats free at the seal:
 * a maximum matching of students to seats of their wished companies, inside each wish's window,
 * clear of their own bookings, for students not yet capped.
 */
export function maxWithOneInterview(s: DrawSnapshot, drawn: readonly string[]): number {
  const seatIds = new Map<string, number[]>();
  let rightCount = 0;
  for (const slot of s.slots) {
    const free = Math.max(0, slot.capacity - slot.taken);
    seatIds.set(slot.id, Array.from({ length: free }, () => rightCount++));
  }
  const slotsOf = new Map<string, typeof s.slots>();
  for (const slot of s.slots) slotsOf.set(slot.companyId, [...(slotsOf.get(slot.companyId) ?? []), slot]);
  const held = new Map<string, typeof s.holdings>();
  for (const h of s.holdings) held.set(h.studentId, [...(held.get(h.studentId) ?? []), h]);
  const byId = new Map(s.students.map((st) => [st.id, st]));
  const minutes = new Map(s.slots.map((slot) => [slot.id, slotMinutes(slot, s.timeZone)]));
  const adj = drawn.map((id) => {
    const st = byId.get(id)!;
    const mine = held.get(id) ?? [];
    if (capReached(s.phase, s.caps, mine)) return [];
    const out = new Set<number>();
    for (const w of st.wishes) {
      if (!companyCapLeft(s.caps, mine, w.companyId)) continue;
      for (const slot of slotsOf.get(w.companyId) ?? []) {
        if (!windowAdmits(w, minutes.get(slot.id)!)) continue;
        if (mine.some((h) => overlaps(h, slot))) continue;
        for (const seat of seatIds.get(slot.id)!) out.add(seat);
      }
    }
    return [...out];
  });
  return maxMatching(adj, rightCount);
}

export interface StatsInput {
  /** Interviews per student of the population counted. */
  perStudent: readonly number[];
  wished: number;
  /** Students of `wished` who got their first wish; null when nobody wished. */
  firstChoiceHits: number | null;
  maxWithInterview: number | null;
  perCompany: FairnessStats["perCompany"];
}

export function fairnessStats(i: StatsInput): FairnessStats {
  return {
    students: i.perStudent.length,
    wished: i.wished,
    withInterview: i.perStudent.filter((n) => n > 0).length,
    maxWithInterview: i.maxWithInterview,
    interviews: i.perStudent.reduce((a, b) => a + b, 0),
    distribution: distribution(i.perStudent),
    firstChoiceRate: i.firstChoiceHits === null || i.wished === 0 ? null : i.firstChoiceHits / i.wished,
    gini: gini(i.perStudent),
    perCompany: i.perCompany,
  };
}

/** The draw's own figures: its participants, what they won, and the seats it had. */
export function drawStats(s: DrawSnapshot, a: Allocation): FairnessStats {
  const wins = new Map<string, number>();
  for (const w of a.won) wins.set(w.studentId, (wins.get(w.studentId) ?? 0) + 1);
  const firstRank = new Map(s.students.map((st) => [st.id, Math.min(...st.wishes.map((w) => w.rank))]));
  const firstHits = a.won.filter((w) => firstRank.get(w.studentId) === w.rank).length;
  const perCompany = new Map<string, { seats: number; taken: number }>();
  for (const slot of s.slots) {
    const c = perCompany.get(slot.companyId) ?? { seats: 0, taken: 0 };
    c.seats += Math.max(0, slot.capacity - slot.taken);
    perCompany.set(slot.companyId, c);
  }
  for (const w of a.won) perCompany.get(w.companyId)!.taken++;
  return fairnessStats({
    perStudent: a.order.map((id) => wins.get(id) ?? 0),
    wished: a.order.length,
    firstChoiceHits: firstHits,
    maxWithInterview: maxWithOneInterview(s, a.order),
    perCompany: [...perCompany].map(([companyId, c]) => ({ companyId, ...c })).sort((x, y) => (x.companyId < y.companyId ? -1 : 1)),
  });
}

/** Lost wishes by reason. */
export function lostByReason(a: Allocation): Partial<Record<LostReason, number>> {
  const out: Partial<Record<LostReason, number>> = {};
  for (const o of a.outcomes) if (o.reason) out[o.reason] = (out[o.reason] ?? 0) + 1;
  return out;
}

/** A draw's summary from its snapshot and (committed, or dry-run) allocation. */
export function summarize(s: DrawSnapshot, a: Allocation, run: Pick<DrawSummary, "dryRun" | "sealMs" | "commitMs" | "diverged">): DrawSummary {
  return { phase: s.phase, drawn: a.order.length, allocated: a.won.length, lost: lostByReason(a), ...run, stats: drawStats(s, a) };
}
