// Fixtures of the fair opening's tests (issue #13): an event whose wishes are open, wishes written
// through the API, and the draw's published rows in D1.
import { env } from "cloudflare:workers";
import { exportQueries } from "../worker/lib/draw-export.ts";
import { type EventOptions, type SlotFixture, api, createCompany, createEvent, createSlots, createUsers, updateEvent } from "./helpers.ts";

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * An event (see createEvent's `phase`) whose wishes opened an hour before phase 1, both phases
 * drawn unless told otherwise.
 */
export async function createDrawEvent(o: EventOptions & { drawPhase1?: boolean; drawPhase2?: boolean; maxWishes?: number; wishesOpen?: number } = {}): Promise<string> {
  const eventId = await createEvent(o);
  const row = await env.DB.prepare("SELECT phase1_start FROM events WHERE id = ?").bind(eventId).first<{ phase1_start: string }>();
  await updateEvent(eventId, {
    wishes_open: iso(o.wishesOpen ?? Date.parse(row!.phase1_start) - HOUR),
    draw_phase1: o.drawPhase1 === false ? 0 : 1,
    draw_phase2: o.drawPhase2 === false ? 0 : 1,
    max_wishes: o.maxWishes ?? 10,
  });
  return eventId;
}

export type WishInput = { companyId: string; notBefore?: string | null; notAfter?: string | null };

export const putWishes = (token: string, wishes: WishInput[]) => api("PUT", "/wishes", { token, body: { wishes } });

/** Wishes straight into D1 (as many students' worth as a test needs, without a request each). */
export async function insertWishes(eventId: string, lists: { studentId: string; wishes: WishInput[] }[]): Promise<void> {
  const stmt = env.DB.prepare("INSERT INTO wishes (event_id, student_id, rank, company_id, not_before, not_after) VALUES (?, ?, ?, ?, ?, ?)");
  const all = lists.flatMap((l) => l.wishes.map((w, i) => stmt.bind(eventId, l.studentId, i + 1, w.companyId, w.notBefore ?? null, w.notAfter ?? null)));
  for (let i = 0; i < all.length; i += 200) await env.DB.batch(all.slice(i, i + 200));
}

export async function storedWishes(eventId: string, studentId: string) {
  return (
    await env.DB.prepare("SELECT rank, company_id, not_before, not_after FROM wishes WHERE event_id = ? AND student_id = ? ORDER BY rank")
      .bind(eventId, studentId)
      .all<{ rank: number; company_id: string; not_before: string | null; not_after: string | null }>()
  ).results;
}

export const drawDo = (eventId: string) => env.DRAW.getByName(`draw:${eventId}`);

export async function drawRows(eventId: string) {
  return (await env.DB.prepare("SELECT phase, status, commitment, seed FROM draws WHERE event_id = ? ORDER BY phase").bind(eventId).all<{ phase: number; status: string; commitment: string; seed: string | null }>()).results;
}

export async function entries(eventId: string, phase: number) {
  return (
    await env.DB.prepare("SELECT student_id, rank, company_id, outcome, reason, slot_id, booking_id, position FROM draw_entries WHERE event_id = ? AND phase = ? ORDER BY student_id, rank")
      .bind(eventId, phase)
      .all<{ student_id: string; rank: number; company_id: string; outcome: string; reason: string | null; slot_id: string | null; booking_id: string | null; position: number | null }>()
  ).results;
}

/** SHA-256 of a hex seed's bytes, hex: the commitment, computed apart from the allocator's code. */
export async function sha256Hex(hex: string): Promise<string> {
  const bytes = new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)));
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `n` verified companies with `perCompany` slots each of two seats, all at the same times (30 days ahead, from 08:00Z). */
export async function companiesWithSlots(eventId: string, n: number, perCompany: number): Promise<{ companies: string[]; slots: SlotFixture[] }> {
  const day = Date.parse(`${new Date(Date.now() + 30 * 24 * HOUR).toISOString().slice(0, 10)}T08:00:00Z`);
  const companies: string[] = [];
  const slots: SlotFixture[] = [];
  for (let c = 0; c < n; c++) {
    companies.push(await createCompany(eventId));
    slots.push(...(await createSlots(eventId, companies[c]!, perCompany, { firstStart: day })));
  }
  return { companies, slots };
}

/**
 * Phase 1 started an hour ago and opens with a draw not yet run: `students` with four wishes each
 * over six companies (four slots of two seats, at the same times), a fifth of them deprioritized,
 * and two companies nobody wished for (their seats stay free for first come, first served).
 */
export async function drawnEvent(students = 40) {
  const eventId = await createDrawEvent({ phase: 1 });
  const { companies, slots } = await companiesWithSlots(eventId, 8, 4);
  const dep = await createUsers(Math.floor(students / 5), { deprioritized: true, eventId, prefix: "dep" });
  const all = [...(await createUsers(students - dep.length)), ...dep];
  let seed = 3;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  await insertWishes(
    eventId,
    all.map((s) => {
      const picked = new Set<string>();
      while (picked.size < 4) picked.add(companies[Math.floor(rand() * 6)]!);
      return { studentId: s.id, wishes: [...picked].map((companyId) => ({ companyId })) };
    }),
  );
  return { eventId, companies, slots, students: all, deprioritized: dep, unwished: companies.slice(6) };
}

/** The draw's published rows of a phase, as `draw export` reads them. */
export async function exportRows(eventId: string, phase: 1 | 2) {
  return Promise.all(exportQueries(`'${eventId}'`, phase).map(async (q) => (await env.DB.prepare(q).all<Record<string, unknown>>()).results));
}
