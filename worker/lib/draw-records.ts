// The draw in D1 (issue #13): what the DrawDO reads when it seals a phase (wishes, seats, the
// bookings already held) and what it publishes (the draws row, the sealed wishes with their
// outcome, the seats and holdings at the seal: the export's content), and the reads of the
// routes (a student's results). Bulk rows travel as one JSON parameter per statement, unpacked
// by json_each (as durable-objects/d1-sink.ts does): D1 binds at most 100 parameters.
import type { DrawInfo, DrawStatus, DrawSummary, FairnessStats, LostReason, MyDraw } from "../domain/contract.ts";
import { fairnessStats } from "../domain/fairness.ts";
import type { DrawHolding, DrawSlot, DrawSnapshot, DrawStudent } from "../domain/allocator.ts";
import type { DrawPhase, DrawStatuses } from "../domain/draw-schedule.ts";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { draws } from "../db/schema.ts";
import type { EventRow } from "./events.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** Rows per statement: a JSON parameter stays far below D1's 2 MB value limit. */
const CHUNK = 2000;

/** `INSERT … SELECT` of `rows` (arrays in `columns` order) through json_each, in chunks, as statements of one batch. */
export function bulkUpsert(d1: D1Database, table: string, columns: readonly string[], key: readonly string[], rows: readonly unknown[][]): D1PreparedStatement[] {
  const pick = columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ");
  const update = columns.filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`).join(", ");
  const sql = `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${pick} FROM json_each(?1) WHERE true
    ON CONFLICT (${key.join(", ")}) DO ${update ? `UPDATE SET ${update}` : "NOTHING"}`;
  const out: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(d1.prepare(sql).bind(JSON.stringify(rows.slice(i, i + CHUNK))));
  return out;
}

/** A student's whole list, ranked by its order, in one transaction. */
export async function replaceWishes(d1: D1Database, eventId: string, studentId: string, list: readonly { companyId: string; notBefore: string | null; notAfter: string | null }[]): Promise<void> {
  const now = new Date().toISOString();
  await d1.batch([
    d1.prepare("DELETE FROM wishes WHERE event_id = ? AND student_id = ?").bind(eventId, studentId),
    ...bulkUpsert(
      d1,
      "wishes",
      ["event_id", "student_id", "rank", "company_id", "not_before", "not_after", "updated_at"],
      ["event_id", "student_id", "rank"],
      list.map((w, i) => [eventId, studentId, i + 1, w.companyId, w.notBefore, w.notAfter, now]),
    ),
  ]);
}

/** A draw as D1 publishes it: what the contract shows, and the summary once done. */
export type DrawRow = DrawInfo & { summary: DrawSummary | null };

/** The draws of an event as D1 holds them (drizzle rows of `draws`). */
export async function readDraws(db: Db, eventId: string): Promise<DrawRow[]> {
  return (await db.select().from(draws).where(eq(draws.eventId, eventId)).orderBy(draws.phase)).map(toDrawRow);
}

export const toDrawRow = (r: typeof draws.$inferSelect): DrawRow => ({
  phase: r.phase === 1 ? 1 : 2,
  status: r.status,
  commitment: r.commitment,
  seed: r.seed,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  allocated: r.allocated,
  summary: (r.summary as DrawSummary | null) ?? null,
});

export const statusesOf = (draws: readonly DrawRow[]): DrawStatuses => Object.fromEntries(draws.map((d) => [d.phase, d.status]));

export const drawInfo = ({ summary: _, ...info }: DrawRow): DrawInfo => info;

export interface PublishedDraw {
  phase: DrawPhase;
  status: DrawStatus;
  commitment: string;
  seed: string | null;
  /** The time zone and caps sealed with the snapshot (null before the seal). */
  config: Pick<DrawSnapshot, "timeZone" | "caps"> | null;
  startedAt: number | null;
  finishedAt: number | null;
  allocated: number | null;
  summary: DrawSummary | null;
}

/** The public row of a draw, written whole each time (the DrawDO holds the truth). */
export const upsertDraw = (d1: D1Database, eventId: string, d: PublishedDraw) =>
  d1
    .prepare(
      `INSERT INTO draws (event_id, phase, status, commitment, seed, started_at, finished_at, allocated, config, summary, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
       ON CONFLICT (event_id, phase) DO UPDATE SET status = excluded.status, commitment = excluded.commitment, seed = excluded.seed,
         started_at = excluded.started_at, finished_at = excluded.finished_at, allocated = excluded.allocated, config = excluded.config,
         summary = excluded.summary, updated_at = excluded.updated_at`,
    )
    .bind(
      eventId, d.phase, d.status, d.commitment, d.seed, iso(d.startedAt), iso(d.finishedAt), d.allocated,
      d.config ? JSON.stringify(d.config) : null, d.summary ? JSON.stringify(d.summary) : null, new Date().toISOString(),
    );

/** An audit row written by the draw itself (no person acts). */
export const drawAudit = (d1: D1Database, eventId: string, action: string, phase: DrawPhase, after: unknown) =>
  d1
    .prepare("INSERT INTO audit_log (event_id, actor_email, action, target_type, target_id, after) VALUES (?, 'draw', ?, 'draw', ?, ?)")
    .bind(eventId, action, `${eventId}:${phase}`, JSON.stringify(after));

/** What a phase's draw works on, read from D1 at the seal. */
export async function loadSnapshot(d1: D1Database, event: EventRow, phase: DrawPhase): Promise<DrawSnapshot> {
  const [wishRows, slotRows, heldRows] = await d1.batch([
    d1
      .prepare(
        `SELECT w.student_id, w.rank, w.company_id, w.not_before, w.not_after,
           (?2 = 2 OR NOT EXISTS (SELECT 1 FROM deprioritized_emails d WHERE d.event_id = w.event_id AND d.email = u.email)) AS eligible
         FROM wishes w JOIN users u ON u.id = w.student_id
         WHERE w.event_id = ?1 AND u.role = 'student' ORDER BY w.student_id, w.rank`,
      )
      .bind(event.id, phase),
    d1
      .prepare(
        `SELECT s.id, s.company_id, s.starts_at, s.ends_at, s.capacity,
           (SELECT count(*) FROM bookings b WHERE b.slot_id = s.id AND b.status = 'confirmed') AS taken
         FROM slots s JOIN event_companies ec ON ec.event_id = s.event_id AND ec.company_id = s.company_id AND ec.verified_at IS NOT NULL
         WHERE s.event_id = ?1 ORDER BY s.starts_at, s.id`,
      )
      .bind(event.id),
    d1
      .prepare(
        `SELECT b.student_id, b.slot_id, b.company_id, b.starts_at, b.ends_at, b.phase FROM bookings b
         WHERE b.event_id = ?1 AND b.status = 'confirmed' AND b.student_id IN (SELECT student_id FROM wishes WHERE event_id = ?1)`,
      )
      .bind(event.id),
  ]);
  type W = { student_id: string; rank: number; company_id: string; not_before: string | null; not_after: string | null; eligible: number };
  const students = new Map<string, DrawStudent>();
  for (const w of (wishRows?.results ?? []) as W[]) {
    let st = students.get(w.student_id);
    if (!st) students.set(w.student_id, (st = { id: w.student_id, eligible: w.eligible === 1, wishes: [] }));
    st.wishes.push({ companyId: w.company_id, rank: w.rank, notBefore: w.not_before, notAfter: w.not_after });
  }
  type S = { id: string; company_id: string; starts_at: string; ends_at: string; capacity: number; taken: number };
  const slots: DrawSlot[] = ((slotRows?.results ?? []) as S[]).map((s) => ({
    id: s.id,
    companyId: s.company_id,
    startsAt: Date.parse(s.starts_at),
    endsAt: Date.parse(s.ends_at),
    capacity: s.capacity,
    taken: s.taken,
  }));
  type H = { student_id: string; slot_id: string; company_id: string; starts_at: string; ends_at: string; phase: number };
  const holdings: DrawHolding[] = ((heldRows?.results ?? []) as H[]).map((h) => ({
    studentId: h.student_id,
    slotId: h.slot_id,
    companyId: h.company_id,
    startsAt: Date.parse(h.starts_at),
    endsAt: Date.parse(h.ends_at),
    phase: h.phase === 1 ? 1 : 2,
  }));
  return {
    phase,
    timeZone: event.timeZone,
    caps: { phase1: event.maxBookingsPhase1, total: event.maxBookingsTotal, perCompany: event.maxBookingsPerCompany },
    students: [...students.values()],
    slots,
    holdings,
  };
}

/** One sealed wish with its outcome, as draw_entries holds it. */
export interface EntryRow {
  studentId: string;
  rank: number;
  companyId: string;
  notBefore: string | null;
  notAfter: string | null;
  eligible: boolean;
  position: number | null;
  outcome: "won" | "lost";
  reason: LostReason | null;
  slotId: string | null;
  bookingId: string | null;
}

const ENTRY_COLUMNS = ["event_id", "phase", "student_id", "rank", "company_id", "not_before", "not_after", "eligible", "position", "outcome", "reason", "slot_id", "booking_id"] as const;

/** The statements that publish a sealed draw's snapshot and outcomes (idempotent: upserts). */
export function publishSealStatements(d1: D1Database, eventId: string, s: DrawSnapshot, entries: readonly EntryRow[]): D1PreparedStatement[] {
  const p = s.phase;
  return [
    ...bulkUpsert(d1, "draw_entries", ENTRY_COLUMNS, ["event_id", "phase", "student_id", "rank"], entries.map((e) => entryValues(eventId, p, e))),
    ...bulkUpsert(
      d1,
      "draw_seats",
      ["event_id", "phase", "slot_id", "company_id", "starts_at", "ends_at", "capacity", "taken"],
      ["event_id", "phase", "slot_id"],
      s.slots.map((x) => [eventId, p, x.id, x.companyId, iso(x.startsAt), iso(x.endsAt), x.capacity, x.taken]),
    ),
    ...bulkUpsert(
      d1,
      "draw_holdings",
      ["event_id", "phase", "student_id", "slot_id", "company_id", "starts_at", "ends_at", "booking_phase"],
      ["event_id", "phase", "student_id", "slot_id"],
      s.holdings.map((h) => [eventId, p, h.studentId, h.slotId, h.companyId, iso(h.startsAt), iso(h.endsAt), h.phase]),
    ),
  ];
}

const entryValues = (eventId: string, phase: DrawPhase, e: EntryRow) => [eventId, phase, e.studentId, e.rank, e.companyId, e.notBefore, e.notAfter, e.eligible ? 1 : 0, e.position, e.outcome, e.reason, e.slotId, e.bookingId];

/** The statements that record what the commit made of the won entries (their booking, or a loss). */
export const publishOutcomeStatements = (d1: D1Database, eventId: string, phase: DrawPhase, entries: readonly EntryRow[]) =>
  bulkUpsert(d1, "draw_entries", ENTRY_COLUMNS, ["event_id", "phase", "student_id", "rank"], entries.map((e) => entryValues(eventId, phase, e)));

/** A student's results in every finished draw of the event. */
export async function myResults(d1: D1Database, eventId: string, studentId: string): Promise<MyDraw[]> {
  const [mine, counts] = await d1.batch([
    d1
      .prepare(
        `SELECT e.phase, e.position, e.rank, e.company_id, e.outcome, e.booking_id, e.reason FROM draw_entries e
         JOIN draws d ON d.event_id = e.event_id AND d.phase = e.phase AND d.status = 'done'
         WHERE e.event_id = ?1 AND e.student_id = ?2 ORDER BY e.phase, e.rank`,
      )
      .bind(eventId, studentId),
    d1
      .prepare(
        `SELECT d.phase, (SELECT count(DISTINCT student_id) FROM draw_entries e WHERE e.event_id = d.event_id AND e.phase = d.phase AND e.position IS NOT NULL) AS drawn
         FROM draws d WHERE d.event_id = ?1 AND d.status = 'done' ORDER BY d.phase`,
      )
      .bind(eventId),
  ]);
  type R = { phase: DrawPhase; position: number | null; rank: number; company_id: string; outcome: "won" | "lost"; booking_id: string | null; reason: LostReason | null };
  const rows = (mine?.results ?? []) as R[];
  return ((counts?.results ?? []) as { phase: DrawPhase; drawn: number }[]).map(({ phase, drawn }) => {
    const here = rows.filter((r) => r.phase === phase);
    return {
      phase,
      position: here[0]?.position ?? null,
      drawn,
      results: here.map((r) => ({ companyId: r.company_id, rank: r.rank, outcome: r.outcome, bookingId: r.booking_id, reason: r.reason })),
    };
  });
}

/** Whose wishes a phase's first-come-first-served figures count: its draw's sealed ones, the current ones (its draw is next), or none. */
export type WishSource = "sealed" | "current" | "none";

/**
 * First come, first served in a phase, measured like a draw: the students counted are those who
 * booked that way in the phase plus those who wished for its draw (so that whoever was left with
 * nothing counts), first choice meaning a booking at the company ranked first.
 */
export async function fcfsStats(d1: D1Database, eventId: string, phase: DrawPhase, wishes: WishSource): Promise<FairnessStats> {
  // The students eligible in the phase only: a deprioritized student's phase-1 wish counts nowhere.
  const firstWishes =
    wishes === "sealed"
      ? d1.prepare("SELECT student_id, company_id FROM draw_entries WHERE event_id = ?1 AND phase = ?2 AND rank = 1 AND eligible = 1").bind(eventId, phase)
      : d1
          .prepare(
            `SELECT w.student_id, w.company_id FROM wishes w JOIN users u ON u.id = w.student_id
             WHERE w.event_id = ?1 AND w.rank = 1 AND ?3
               AND (?2 = 2 OR NOT EXISTS (SELECT 1 FROM deprioritized_emails d WHERE d.event_id = w.event_id AND d.email = u.email))`,
          )
          .bind(eventId, phase, wishes === "current" ? 1 : 0);
  const [booked, wished, seats] = await d1.batch([
    d1.prepare("SELECT student_id, company_id FROM bookings WHERE event_id = ? AND status = 'confirmed' AND origin = 'fcfs' AND phase = ?").bind(eventId, phase),
    firstWishes,
    d1.prepare("SELECT company_id, sum(capacity) AS seats FROM slots WHERE event_id = ? GROUP BY company_id ORDER BY company_id").bind(eventId),
  ]);
  const bookings = (booked?.results ?? []) as { student_id: string; company_id: string }[];
  const first = new Map(((wished?.results ?? []) as { student_id: string; company_id: string }[]).map((w) => [w.student_id, w.company_id]));
  const per = new Map<string, number>();
  for (const id of first.keys()) per.set(id, 0);
  for (const b of bookings) per.set(b.student_id, (per.get(b.student_id) ?? 0) + 1);
  const hits = [...first].filter(([id, company]) => bookings.some((b) => b.student_id === id && b.company_id === company)).length;
  const taken = new Map<string, number>();
  for (const b of bookings) taken.set(b.company_id, (taken.get(b.company_id) ?? 0) + 1);
  return fairnessStats({
    perStudent: [...per.values()],
    wished: first.size,
    firstChoiceHits: first.size ? hits : null,
    maxWithInterview: null,
    perCompany: ((seats?.results ?? []) as { company_id: string; seats: number }[]).map((r) => ({ companyId: r.company_id, seats: r.seats, taken: taken.get(r.company_id) ?? 0 })),
  });
}
