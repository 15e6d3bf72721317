// The scenarios' requests (issue #3): who books what, from a seeded random generator, so that a
// run is reproducible and the three runs of a benchmark see the same demand.

export type Op =
  /** `delayMs`: the client waits that long before sending (a slower student, bench/lib/draw-scenarios.ts). */
  | { kind: "book"; student: number; slotId: string; delayMs?: number }
  | { kind: "cancel"; student: number; bookingId: string }
  | { kind: "read"; path: string }
  /**
   * The student's page says a phase opens soon (GET /api/bookings/ready): before the herd, not part
   * of it. The app wakes a slot it picks at random; `slotId` (random too) tells the ceiling which.
   */
  | { kind: "ready"; student: number; slotId: string };

export interface Outcome {
  /** ms since the scenario's start, in the load process. */
  startMs: number;
  endMs: number;
  /** HTTP status, or 0 when no answer came (timeout, reset). */
  status: number;
  /** The contract's error code, "ok" for a 2xx. */
  code: string;
  bookingId?: string;
}

export type Result = Op & Outcome;

export interface SlotRef {
  id: string;
  companyIndex: number;
}

export interface Demand {
  companies: number;
  /** Slot ids per company index. */
  slotsByCompany: string[][];
  /** Share of the companies that receive `hotShare` of the requests (issue #3: 20 % get 80 %). */
  hotCompanies: number;
  hotShare: number;
}

/** mulberry32: small, fast, good enough for picking slots. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export function shuffle<T>(r: () => number, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

export function demandOf(slots: SlotRef[], companies: number): Demand {
  const slotsByCompany: string[][] = Array.from({ length: companies }, () => []);
  for (const s of slots) slotsByCompany[s.companyIndex]!.push(s.id);
  return { companies, slotsByCompany, hotCompanies: Math.max(1, Math.round(companies * 0.2)), hotShare: 0.8 };
}

/** A company index, skewed: the first `hotCompanies` get `hotShare` of the picks. */
export function pickCompany(r: () => number, d: Demand): number {
  const hot = d.hotCompanies < d.companies && r() < d.hotShare;
  if (hot || d.hotCompanies >= d.companies) return Math.floor(r() * d.hotCompanies);
  return d.hotCompanies + Math.floor(r() * (d.companies - d.hotCompanies));
}

export function pickSlot(r: () => number, d: Demand, company = pickCompany(r, d)): string {
  return pick(r, d.slotsByCompany[company]!);
}

/**
 * The first `n` priority students (`deprioritized[i]` false), all at once, on one slot: the first
 * of the last company, a cold one, so that this scenario does not pre-fill the herd's hot companies.
 */
export function hotSlotOps(deprioritized: boolean[], n: number, d: Demand): Op[] {
  const slotId = d.slotsByCompany[d.companies - 1]![0]!;
  return deprioritized.flatMap((dep, student) => (dep ? [] : [{ kind: "book" as const, student, slotId }])).slice(0, n);
}

/** Every student's `perStudent` bookings (distinct companies, skewed demand), all at once, shuffled. */
export function herdOps(r: () => number, students: number, perStudent: number, d: Demand): Op[] {
  const ops: Op[] = [];
  for (let student = 0; student < students; student++) {
    const companies = new Set<number>();
    while (companies.size < Math.min(perStudent, d.companies)) companies.add(pickCompany(r, d));
    for (const c of companies) ops.push({ kind: "book", student, slotId: pickSlot(r, d, c) });
  }
  return shuffle(r, ops);
}

export interface SteadyMix {
  book: number;
  cancel: number;
  /** The rest are catalogue reads. */
}

export const STEADY_MIX: SteadyMix = { book: 0.5, cancel: 0.2 };

/** The next request of a steady client; `held` are confirmed bookings one may cancel (taken out when picked). */
export function steadyOp(r: () => number, students: number, d: Demand, companyIds: string[], held: { student: number; bookingId: string }[]): Op {
  const x = r();
  if (x < STEADY_MIX.book || (x < STEADY_MIX.book + STEADY_MIX.cancel && held.length === 0))
    return { kind: "book", student: Math.floor(r() * students), slotId: pickSlot(r, d) };
  if (x < STEADY_MIX.book + STEADY_MIX.cancel) {
    const i = Math.floor(r() * held.length);
    const h = held[i]!;
    held[i] = held[held.length - 1]!;
    held.pop();
    return { kind: "cancel", student: h.student, bookingId: h.bookingId };
  }
  return r() < 0.5 ? { kind: "read", path: "/api/companies" } : { kind: "read", path: `/api/companies/${pick(r, companyIds)}` };
}

export interface SteadyPlan {
  durationMs: number;
  clients: number;
  /** The workload's seed: steady draws from its own generator, seeded from it. */
  seed: number;
  demand: Demand;
  companyIds: string[];
  /** Confirmed bookings at the start, which the clients may cancel. */
  held: { student: number; bookingId: string }[];
}

/** `clients` closed-loop clients: each sends its next request when the last one is answered, until `durationMs`. */
export async function steadyLoop(p: SteadyPlan, students: number, elapsedMs: () => number, send: (op: Op) => Promise<Result>): Promise<Result[]> {
  const r = rng(p.seed + 7);
  const held = [...p.held];
  const results: Result[] = [];
  const client = async () => {
    while (elapsedMs() < p.durationMs) {
      const out = await send(steadyOp(r, students, p.demand, p.companyIds, held));
      results.push(out);
      if (out.kind === "book" && out.bookingId) held.push({ student: out.student, bookingId: out.bookingId });
    }
  };
  await Promise.all(Array.from({ length: p.clients }, client));
  return results;
}
