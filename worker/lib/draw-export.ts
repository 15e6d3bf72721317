// The published snapshot of a draw (issue #13) as one CSV file, and its verification: anyone with
// the file and the revealed seed recomputes the order and the allocation with the same allocator
// and compares them with what was published. Students appear by account id only (pseudonymous).
//
// One row per fact, `kind` says which: `meta` (key, value), `slot` (the seats at the seal),
// `holding` (a booking a drawn student already held), `wish` (a sealed wish and its published
// outcome: won with the booked slot, or lost with the reason). Used by `npm run event -- draw
// export|verify` (cli/commands/draw.ts) and by the tests, on the rows D1 holds.
import { type Allocation, type DrawSnapshot, commitmentOf, runDraw } from "../domain/allocator.ts";
import { LOST_REASONS, type LostReason } from "../domain/contract.ts";
import type { DrawPhase } from "../domain/draw-schedule.ts";
import { type CsvRecord, toCsv } from "../domain/csv.ts";

export const EXPORT_COLUMNS = [
  "kind", "student", "rank", "company", "not_before", "not_after", "eligible", "slot", "starts_at", "ends_at",
  "capacity", "taken", "booking_phase", "outcome", "reason", "key", "value",
] as const;
type Column = (typeof EXPORT_COLUMNS)[number];

/** The statements that read a draw's published rows; `eventId` is a SQL expression (a literal or a subquery). */
export const exportQueries = (eventId: string, phase: DrawPhase): string[] => [
  `SELECT phase, status, commitment, seed, config FROM draws WHERE event_id = ${eventId} AND phase = ${phase}`,
  `SELECT student_id, rank, company_id, not_before, not_after, eligible, outcome, reason, slot_id FROM draw_entries
     WHERE event_id = ${eventId} AND phase = ${phase} ORDER BY student_id, rank`,
  `SELECT slot_id, company_id, starts_at, ends_at, capacity, taken FROM draw_seats WHERE event_id = ${eventId} AND phase = ${phase} ORDER BY starts_at, slot_id`,
  `SELECT student_id, slot_id, company_id, starts_at, ends_at, booking_phase FROM draw_holdings
     WHERE event_id = ${eventId} AND phase = ${phase} ORDER BY student_id, starts_at`,
];

type Raw = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** The CSV of a draw from the rows of `exportQueries`, in that order; null when the draw is not sealed. */
export function exportCsv(eventName: string, [drawRows, entries, seats, holdings]: Raw[][]): string | null {
  const d = drawRows?.[0];
  if (!d || !d.config) return null;
  const config = JSON.parse(String(d.config)) as Pick<DrawSnapshot, "timeZone" | "caps">;
  const row = (cells: Partial<Record<Column, unknown>>) => EXPORT_COLUMNS.map((c) => cells[c] ?? null);
  const meta: [string, unknown][] = [
    ["event", eventName],
    ["phase", d.phase],
    ["time_zone", config.timeZone],
    ["cap_phase1", config.caps.phase1],
    ["cap_total", config.caps.total],
    ["cap_per_company", config.caps.perCompany],
    ["commitment", d.commitment],
  ];
  return toCsv([...EXPORT_COLUMNS], [
    ...meta.map(([key, value]) => row({ kind: "meta", key, value })),
    ...(seats ?? []).map((s) => row({ kind: "slot", slot: s.slot_id, company: s.company_id, starts_at: s.starts_at, ends_at: s.ends_at, capacity: s.capacity, taken: s.taken })),
    ...(holdings ?? []).map((h) => row({ kind: "holding", student: h.student_id, slot: h.slot_id, company: h.company_id, starts_at: h.starts_at, ends_at: h.ends_at, booking_phase: h.booking_phase })),
    ...(entries ?? []).map((e) =>
      row({
        kind: "wish", student: e.student_id, rank: e.rank, company: e.company_id, not_before: e.not_before, not_after: e.not_after,
        eligible: e.eligible, outcome: e.outcome, reason: e.reason, slot: e.outcome === "won" ? e.slot_id : null,
      }),
    ),
  ]);
}

/** A line of the file that cannot be read. */
export class DrawExportError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

export interface PublishedOutcome {
  outcome: "won" | "lost";
  slotId: string | null;
  reason: LostReason | null;
}

export interface DrawExport {
  phase: DrawPhase;
  commitment: string;
  snapshot: DrawSnapshot;
  /** What was published per wish, keyed `student:rank`. */
  published: Map<string, PublishedOutcome>;
}

/** The export back into a snapshot and its published outcomes; refuses (with the line) anything it cannot trust. */
export function parseExport(records: readonly CsvRecord[]): DrawExport {
  const [head, ...rest] = records;
  if (!head || head.cells.join(",") !== EXPORT_COLUMNS.join(",")) throw new DrawExportError(head?.line ?? 1, `expected the header ${EXPORT_COLUMNS.join(",")}`);
  const meta = new Map<string, string>();
  const slots: DrawSnapshot["slots"] = [];
  const holdings: DrawSnapshot["holdings"] = [];
  const students = new Map<string, DrawSnapshot["students"][number]>();
  const published = new Map<string, PublishedOutcome>();
  for (const r of rest) {
    const get = (c: Column) => r.cells[EXPORT_COLUMNS.indexOf(c)] ?? "";
    const need = (c: Column) => {
      const v = get(c);
      if (v === "") throw new DrawExportError(r.line, `${get("kind")}: ${c} is missing`);
      return v;
    };
    const int = (c: Column) => {
      const n = Number(need(c));
      if (!Number.isInteger(n) || n < 0) throw new DrawExportError(r.line, `${c} must be a whole number`);
      return n;
    };
    const time = (c: Column) => {
      const t = Date.parse(need(c));
      if (Number.isNaN(t)) throw new DrawExportError(r.line, `${c} must be an ISO date-time`);
      return t;
    };
    const hhmm = (c: Column) => {
      const v = get(c);
      if (v !== "" && !/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) throw new DrawExportError(r.line, `${c} must be HH:MM`);
      return v === "" ? null : v;
    };
    switch (get("kind")) {
      case "meta":
        meta.set(need("key"), need("value"));
        break;
      case "slot":
        slots.push({ id: need("slot"), companyId: need("company"), startsAt: time("starts_at"), endsAt: time("ends_at"), capacity: int("capacity"), taken: int("taken") });
        break;
      case "holding":
        holdings.push({ studentId: need("student"), slotId: need("slot"), companyId: need("company"), startsAt: time("starts_at"), endsAt: time("ends_at"), phase: int("booking_phase") === 1 ? 1 : 2 });
        break;
      case "wish": {
        const id = need("student");
        let st = students.get(id);
        if (!st) students.set(id, (st = { id, eligible: need("eligible") === "1", wishes: [] }));
        const rank = int("rank");
        st.wishes.push({ companyId: need("company"), rank, notBefore: hhmm("not_before"), notAfter: hhmm("not_after") });
        const outcome = need("outcome");
        const reason = get("reason");
        if (outcome !== "won" && outcome !== "lost") throw new DrawExportError(r.line, "outcome must be won or lost");
        if (reason !== "" && !(LOST_REASONS as readonly string[]).includes(reason)) throw new DrawExportError(r.line, `unknown reason ${reason}`);
        published.set(`${id}:${rank}`, { outcome, slotId: get("slot") || null, reason: (reason || null) as LostReason | null });
        break;
      }
      default:
        throw new DrawExportError(r.line, `unknown kind "${get("kind")}"`);
    }
  }
  const phase = Number(meta.get("phase"));
  const num = (k: string) => {
    const n = Number(meta.get(k));
    if (!meta.has(k) || !Number.isInteger(n)) throw new DrawExportError(1, `the meta row ${k} is missing`);
    return n;
  };
  if (phase !== 1 && phase !== 2) throw new DrawExportError(1, "the meta row phase must be 1 or 2");
  const commitment = meta.get("commitment");
  const timeZone = meta.get("time_zone");
  if (!commitment || !timeZone) throw new DrawExportError(1, "the meta rows commitment and time_zone are required");
  return {
    phase,
    commitment,
    snapshot: { phase, timeZone, caps: { phase1: num("cap_phase1"), total: num("cap_total"), perCompany: num("cap_per_company") }, students: [...students.values()], slots, holdings },
    published,
  };
}

export interface Mismatch {
  studentId: string;
  rank: number;
  computed: string;
  published: string;
}

export interface VerifyReport {
  /** SHA-256 of the seed equals the commitment published before the draw. */
  commitmentOk: boolean;
  allocation: Allocation;
  /** Wishes whose recomputed outcome differs from the published one. */
  mismatches: Mismatch[];
}

const describe = (o: { outcome: string; slotId: string | null; reason: string | null }) => (o.outcome === "won" ? `won ${o.slotId}` : `lost (${o.reason})`);

/** Recomputes the draw from the export and the seed, and compares it with what was published. */
export async function verifyExport(x: DrawExport, seedHex: string): Promise<VerifyReport> {
  const allocation = await runDraw(x.snapshot, seedHex);
  const mismatches: Mismatch[] = [];
  for (const o of allocation.outcomes) {
    const p = x.published.get(`${o.studentId}:${o.rank}`);
    const computed = describe(o);
    const shown = p ? describe(p) : "missing";
    if (computed !== shown) mismatches.push({ studentId: o.studentId, rank: o.rank, computed, published: shown });
  }
  return { commitmentOk: (await commitmentOf(seedHex)) === x.commitment, allocation, mismatches };
}

/** Booked slots that differ from the recomputed wins: `booked` lists (student, slot) of the draw's bookings. */
export function bookedMismatches(a: Allocation, booked: readonly { studentId: string; slotId: string }[]): { missing: string[]; extra: string[] } {
  const want = new Set(a.won.map((w) => `${w.studentId} ${w.slotId}`));
  const have = new Set(booked.map((b) => `${b.studentId} ${b.slotId}`));
  return { missing: [...want].filter((k) => !have.has(k)).sort(), extra: [...have].filter((k) => !want.has(k)).sort() };
}
