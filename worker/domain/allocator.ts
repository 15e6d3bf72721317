// The draw of a fair opening (issue #13): the order, then round-robin serial dictatorship.
// Pure and deterministic: the DrawDO, the CLI's `draw verify` and the tests run this one module,
// so the same seed and the same snapshot give the same allocation wherever they are computed.
//
// Order: eligible students who wished, sorted by HMAC-SHA256(key = the 32-byte seed, message =
// the student id) as lower-case hex, so anyone can recompute it with a standard tool.
// Allocation: round 1 in that order, round 2 reversed, and so on (snake). At each turn a student
// gets their highest-ranked wish still feasible: the earliest slot of that company inside the
// wish's window with a free seat and no time conflict with the student's bookings (the earliest
// of those that keeps the most of their lower-ranked wishes possible), within the phase, total
// and per-company caps. A wish that cannot be met is lost with its reason and the
// turn goes on down the list. Seats and a student's bookings only grow during a draw, so a lost
// wish stays infeasible: losing it for good is exact, and the result is maximal.
import type { LostReason } from "./contract.ts";
import { overlaps } from "./rules.ts";
import { offsetAt } from "./timezone.ts";

export interface DrawWish {
  companyId: string;
  rank: number;
  /** "HH:MM" in the event's time zone: the interview starts at or after it. */
  notBefore: string | null;
  /** "HH:MM" in the event's time zone: the interview ends at or before it. */
  notAfter: string | null;
}

export interface DrawStudent {
  id: string;
  /** Phase 1: not on the deprioritized list. Phase 2: everyone. */
  eligible: boolean;
  /** In rank order. */
  wishes: DrawWish[];
}

export interface DrawSlot {
  id: string;
  companyId: string;
  startsAt: number;
  endsAt: number;
  capacity: number;
  /** Seats already taken when the draw sealed its snapshot. */
  taken: number;
}

/** A booking a drawn student already held at the seal. */
export interface DrawHolding {
  studentId: string;
  slotId: string;
  companyId: string;
  startsAt: number;
  endsAt: number;
  phase: 1 | 2;
}

export interface DrawCaps {
  phase1: number;
  total: number;
  perCompany: number;
}

/** Everything the allocation depends on besides the seed: what `draw export` publishes. */
export interface DrawSnapshot {
  phase: 1 | 2;
  timeZone: string;
  caps: DrawCaps;
  students: DrawStudent[];
  slots: DrawSlot[];
  holdings: DrawHolding[];
}

export interface WishOutcome {
  studentId: string;
  rank: number;
  companyId: string;
  outcome: "won" | "lost";
  slotId: string | null;
  reason: LostReason | null;
  /** The round in which the wish was decided (null: never reached, e.g. not eligible). */
  round: number | null;
  /** Wins are numbered in the order they were given (the commit order); null for a loss. */
  turn: number | null;
}

export interface Allocation {
  /** The drawn students, in draw order (position = index + 1). */
  order: string[];
  /** One per wish of every student of the snapshot: drawn students in order, then the others by id. */
  outcomes: WishOutcome[];
  /** The won wishes in the order they were given. */
  won: WishOutcome[];
  rounds: number;
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

export function hexToBytes(h: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(h)) throw new Error("a draw seed is 32 bytes written as 64 lower-case hex digits");
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function newSeed(): string {
  return hex(crypto.getRandomValues(new Uint8Array(32)).buffer);
}

/** The published commitment: SHA-256 of the seed's 32 bytes, hex. */
export async function commitmentOf(seedHex: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", hexToBytes(seedHex)));
}

/** `ids` sorted by HMAC-SHA256(seed, id) (hex, ascending; ties, which never happen, by id). */
export async function drawOrder(seedHex: string, ids: readonly string[]): Promise<string[]> {
  const key = await crypto.subtle.importKey("raw", hexToBytes(seedHex), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const enc = new TextEncoder();
  const macs = await Promise.all(ids.map(async (id) => ({ id, mac: hex(await crypto.subtle.sign("HMAC", key, enc.encode(id))) })));
  macs.sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return macs.map((m) => m.id);
}

/** The students the draw orders: eligible, with at least one wish. */
export const drawnStudents = (s: DrawSnapshot): string[] => s.students.filter((st) => st.eligible && st.wishes.length > 0).map((st) => st.id);

/** Order and allocation from the seed, as the DrawDO computes them and `draw verify` recomputes them. */
export async function runDraw(s: DrawSnapshot, seedHex: string): Promise<Allocation> {
  return allocate(s, await drawOrder(seedHex, drawnStudents(s)));
}

const DAY_MS = 86_400_000;
const hhmm = (v: string) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5));

/** A slot's start and end as minutes since local midnight in `timeZone` (an end at midnight is 1440). */
export function slotMinutes(slot: { startsAt: number; endsAt: number }, timeZone: string): { startMin: number; endMin: number } {
  const local = slot.startsAt + offsetAt(timeZone, slot.startsAt);
  const startMin = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  return { startMin, endMin: startMin + Math.round((slot.endsAt - slot.startsAt) / 60_000) };
}

/** Whether a slot of these local minutes lies inside the wish's window. */
export const windowAdmits = (w: Pick<DrawWish, "notBefore" | "notAfter">, m: { startMin: number; endMin: number }) =>
  (w.notBefore === null || m.startMin >= hhmm(w.notBefore)) && (w.notAfter === null || m.endMin <= hhmm(w.notAfter));

/** The cap a student holding `held` has reached in this phase, if any (phase cap first, as decideBooking). */
export function capReached(phase: 1 | 2, caps: DrawCaps, held: readonly { phase: 1 | 2 }[]): "phase_cap" | "total_cap" | null {
  if (phase === 1 && held.filter((h) => h.phase === 1).length >= caps.phase1) return "phase_cap";
  if (held.length >= caps.total) return "total_cap";
  return null;
}

/** Whether a student holding `held` may take another interview with `companyId`. */
export const companyCapLeft = (caps: DrawCaps, held: readonly { companyId: string }[], companyId: string) =>
  held.filter((h) => h.companyId === companyId).length < caps.perCompany;

interface SeatState {
  slot: DrawSlot;
  free: number;
  minutes: { startMin: number; endMin: number };
}

interface Held {
  companyId: string;
  startsAt: number;
  endsAt: number;
  phase: 1 | 2;
}

interface Turn {
  student: DrawStudent;
  held: Held[];
  /** Wishes not yet decided, in rank order. */
  open: DrawWish[];
}

/**
 * The allocation of `s` given the draw `order` (every drawn student exactly once). Throws when
 * the order does not match the snapshot: that is a fault of the caller, not a refusal.
 */
export function allocate(s: DrawSnapshot, order: readonly string[]): Allocation {
  const drawn = drawnStudents(s);
  const inOrder = new Set(order);
  if (order.length !== drawn.length || inOrder.size !== order.length || !drawn.every((id) => inOrder.has(id)))
    throw new Error("the draw order must list every eligible student with a wish, once");

  const seatsByCompany = new Map<string, SeatState[]>();
  for (const slot of [...s.slots].sort((a, b) => a.startsAt - b.startsAt || (a.id < b.id ? -1 : 1))) {
    const seat = { slot, free: slot.capacity - slot.taken, minutes: slotMinutes(slot, s.timeZone) };
    const list = seatsByCompany.get(slot.companyId) ?? [];
    list.push(seat);
    seatsByCompany.set(slot.companyId, list);
  }
  const heldBy = new Map<string, Held[]>();
  for (const h of s.holdings) {
    const list = heldBy.get(h.studentId) ?? [];
    list.push({ companyId: h.companyId, startsAt: h.startsAt, endsAt: h.endsAt, phase: h.phase });
    heldBy.set(h.studentId, list);
  }
  const byId = new Map(s.students.map((st) => [st.id, st]));
  const decided = new Map<string, WishOutcome>();
  const key = (studentId: string, rank: number) => `${studentId}:${rank}`;
  const lose = (studentId: string, w: DrawWish, reason: LostReason, round: number | null) =>
    decided.set(key(studentId, w.rank), { studentId, rank: w.rank, companyId: w.companyId, outcome: "lost", slotId: null, reason, round, turn: null });

  /** Whether `w` could still be met by a student holding `held`, with one seat fewer on `taken`. */
  const possible = (held: readonly Held[], w: DrawWish, taken: SeatState): boolean =>
    companyCapLeft(s.caps, held, w.companyId) &&
    (seatsByCompany.get(w.companyId) ?? []).some(
      (seat) => seat.free - (seat === taken ? 1 : 0) > 0 && windowAdmits(w, seat.minutes) && !held.some((h) => overlaps(h, seat.slot)),
    );

  /** The seat this wish gets now, or why it cannot be met. */
  const tryWish = (t: Turn, w: DrawWish): SeatState | LostReason => {
    if (!companyCapLeft(s.caps, t.held, w.companyId)) return "company_already_booked";
    let inside = false;
    let free = false;
    const fits: SeatState[] = [];
    for (const seat of seatsByCompany.get(w.companyId) ?? []) {
      if (!windowAdmits(w, seat.minutes)) continue;
      inside = true;
      if (seat.free <= 0) continue;
      free = true;
      if (!t.held.some((h) => overlaps(h, seat.slot))) fits.push(seat);
    }
    if (!fits.length) return !inside ? "no_slot_in_window" : !free ? "company_full" : "time_conflict";
    // The earliest seat that keeps the most of the student's lower-ranked wishes possible. The
    // earliest alone can take the only time another wish of theirs has: the property test found
    // two students with the same wishes ending two interviews apart that way.
    const after = (seat: SeatState): Held[] => [...t.held, { companyId: w.companyId, startsAt: seat.slot.startsAt, endsAt: seat.slot.endsAt, phase: s.phase }];
    if (fits.length === 1 || capReached(s.phase, s.caps, after(fits[0]!))) return fits[0]!;
    let best = fits[0]!;
    let bestKept = -1;
    for (const seat of fits) {
      const held = after(seat);
      const kept = t.open.filter((other) => possible(held, other, seat)).length;
      if (kept > bestKept) [best, bestKept] = [seat, kept];
      if (kept === t.open.length) break;
    }
    return best;
  };

  let turnNo = 0;
  const won: WishOutcome[] = [];
  /** One turn; false when the student leaves (capped, or out of wishes). */
  const play = (t: Turn, round: number): boolean => {
    const capped = capReached(s.phase, s.caps, t.held);
    if (capped) {
      for (const w of t.open.splice(0)) lose(t.student.id, w, capped, round);
      return false;
    }
    while (t.open.length) {
      const w = t.open.shift()!;
      const got = tryWish(t, w);
      if (typeof got === "string") {
        lose(t.student.id, w, got, round);
        continue;
      }
      got.free--;
      t.held.push({ companyId: w.companyId, startsAt: got.slot.startsAt, endsAt: got.slot.endsAt, phase: s.phase });
      const o: WishOutcome = { studentId: t.student.id, rank: w.rank, companyId: w.companyId, outcome: "won", slotId: got.slot.id, reason: null, round, turn: ++turnNo };
      decided.set(key(t.student.id, w.rank), o);
      won.push(o);
      return true;
    }
    return false;
  };

  let active: Turn[] = order.map((id) => {
    const student = byId.get(id)!;
    return { student, held: [...(heldBy.get(id) ?? [])], open: [...student.wishes].sort((a, b) => a.rank - b.rank) };
  });
  let round = 0;
  while (active.length) {
    round++;
    const stays = new Set<Turn>();
    for (const t of round % 2 === 1 ? active : [...active].reverse()) if (play(t, round)) stays.add(t);
    active = active.filter((t) => stays.has(t));
  }

  const others = s.students.filter((st) => !inOrder.has(st.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const st of others) for (const w of st.wishes) if (!st.eligible) lose(st.id, w, "not_eligible", null);
  const outcomes = [...order.map((id) => byId.get(id)!), ...others].flatMap((st) =>
    [...st.wishes].sort((a, b) => a.rank - b.rank).map((w) => decided.get(key(st.id, w.rank))!),
  );
  return { order: [...order], outcomes, won, rounds: round };
}
