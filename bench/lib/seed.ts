// A realistic event written straight into D1 (SQL batches, no password hashing per account) and a
// session token per student minted with the bench's secret (worker/lib/jwt.ts signSession).
import { randomUUID } from "node:crypto";
import { DEFAULT_EVENT_CONFIG } from "../../worker/domain/event-config.ts";
import { slotTimes } from "../../worker/domain/slot-generation.ts";
import { hashPassword } from "../../worker/lib/password.ts";
import { signSession } from "../../worker/lib/jwt.ts";
import { insert } from "../../cli/lib/sql.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

export interface SeedSize {
  companies: number;
  /** Slots per company: the event's day is sized to give exactly this many. */
  slotsPerCompany: number;
  students: number;
  deprioritizedShare: number;
}

export interface Student {
  id: string;
  email: string;
  deprioritized: boolean;
  token: string;
}

export interface Slot {
  id: string;
  companyId: string;
  companyIndex: number;
  startsAt: number;
  endsAt: number;
  capacity: number;
}

export interface Seeded {
  eventId: string;
  companyIds: string[];
  slots: Slot[];
  students: Student[];
  caps: { phase1: number; total: number; perCompany: number };
}

/** Day end that yields `n` slots of the default length and buffer from 09:00. */
function dayEndFor(n: number): string {
  const minutes = 9 * 60 + n * DEFAULT_EVENT_CONFIG.slotDurationMinutes + (n - 1) * DEFAULT_EVENT_CONFIG.bufferMinutes;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * The bench's event, 30 days ahead with `slotsPerCompany` slots a day; phase 1 open since a minute
 * ago (openPhase2() moves the boundary to "now" for the phase-2 herd). The reference gets the same.
 */
export function benchEvent(slotsPerCompany: number, now: number) {
  const date = iso(now + 30 * DAY).slice(0, 10);
  const config = { ...DEFAULT_EVENT_CONFIG, dayEnd: dayEndFor(slotsPerCompany), date, name: `Bench ${date}` };
  const times = slotTimes(config);
  if (times.length !== slotsPerCompany) throw new Error(`expected ${slotsPerCompany} slots per company, got ${times.length}`);
  const windows = { phase1Start: iso(now - 60_000), phase1End: iso(now + DAY), phase2Start: iso(now + DAY), phase2End: iso(now + 20 * DAY), cancelDeadline: iso(now + 25 * DAY) };
  return { config, times, windows };
}

/** Spread evenly over the list, so that any prefix of students has the same share. */
export const isDeprioritized = (i: number, share: number) => Math.floor((i + 1) * share) > Math.floor(i * share);

export async function seed(d1: D1Database, size: SeedSize, jwtSecret: string, log: (s: string) => void): Promise<Seeded> {
  const now = Date.now();
  const eventId = randomUUID();
  const { config, times, windows } = benchEvent(size.slotsPerCompany, now);
  const sql: string[] = [];
  sql.push(
    insert("events", {
      id: eventId,
      name: config.name,
      date: config.date,
      time_zone: config.timeZone,
      slot_duration_minutes: config.slotDurationMinutes,
      buffer_minutes: config.bufferMinutes,
      slot_capacity: config.slotCapacity,
      day_start: config.dayStart,
      day_end: config.dayEnd,
      breaks: "[]",
      phase1_start: windows.phase1Start,
      phase1_end: windows.phase1End,
      phase2_start: windows.phase2Start,
      phase2_end: windows.phase2End,
      max_bookings_phase1: config.maxBookingsPhase1,
      max_bookings_total: config.maxBookingsTotal,
      max_bookings_per_company: config.maxBookingsPerCompany,
      cancel_deadline: windows.cancelDeadline,
      booking_open: true,
    }),
  );
  const companyIds: string[] = [];
  const slots: Slot[] = [];
  for (let c = 0; c < size.companies; c++) {
    const companyId = randomUUID();
    companyIds.push(companyId);
    sql.push(insert("companies", { id: companyId, name: `Bench company ${c + 1}`, description: "Load test company." }));
    sql.push(insert("event_companies", { event_id: eventId, company_id: companyId, verified_at: iso(now), verified_by: "bench" }));
    sql.push(insert("offers", { id: randomUUID(), event_id: eventId, company_id: companyId, title: `Role ${c + 1}`, tags: JSON.stringify(["bench"]) }));
    for (const t of times) {
      const slot = { id: randomUUID(), companyId, companyIndex: c, startsAt: t.startsAt, endsAt: t.endsAt, capacity: config.slotCapacity };
      slots.push(slot);
      sql.push(insert("slots", { id: slot.id, event_id: eventId, company_id: companyId, starts_at: iso(t.startsAt), ends_at: iso(t.endsAt), capacity: slot.capacity }));
    }
  }
  // One real hash shared by every account: logins work, and the seed does not spend minutes hashing.
  const hash = await hashPassword("bench-student-password");
  let deprioritizedCount = 0;
  const students: Student[] = [];
  for (let i = 0; i < size.students; i++) {
    const id = randomUUID();
    const email = `bench-student-${i + 1}@example.com`;
    const deprioritized = isDeprioritized(i, size.deprioritizedShare);
    if (deprioritized) deprioritizedCount++;
    const fullName = `Bench Student ${i + 1}`;
    // Verified: the bench measures booking, not the sign-up mails (students book only once verified).
    sql.push(insert("users", { id, email, password_hash: hash, role: "student", full_name: fullName, deprioritized, email_verified: true }));
    if (deprioritized) sql.push(insert("deprioritized_emails", { event_id: eventId, email }));
    const token = await signSession({ id, email, role: "student", fullName, companyId: null, emailVerified: true, tokenVersion: 0 }, jwtSecret, 4 * HOUR / 1000);
    students.push({ id, email, deprioritized, token });
  }
  const t0 = Date.now();
  // Batches of 250: on a loaded machine Miniflare's proxy dropped a 1 000-statement batch
  // ("fetch failed") now and then; each batch is one transaction, so a retry cannot double rows.
  for (let i = 0; i < sql.length; i += 250) {
    const batch = () => d1.batch(sql.slice(i, i + 250).map((s) => d1.prepare(s)));
    await batch().catch(async (err: unknown) => {
      log(`seed: batch ${i / 250 + 1} failed (${err instanceof Error ? err.message : String(err)}), retrying once`);
      await batch();
    });
  }
  log(`seeded ${size.companies} companies, ${slots.length} slots, ${students.length} students (${deprioritizedCount} deprioritized) in ${Date.now() - t0} ms`);
  return {
    eventId,
    companyIds,
    slots,
    students,
    caps: { phase1: config.maxBookingsPhase1, total: config.maxBookingsTotal, perCompany: config.maxBookingsPerCompany },
  };
}

/** Phase 2 opens now (the Worker sees it once its configuration cache expires). */
export async function openPhase2(d1: D1Database, eventId: string): Promise<void> {
  const now = iso(Date.now() - 1000);
  await d1.prepare("UPDATE events SET phase1_end = ?, phase2_start = ? WHERE id = ?").bind(now, now, eventId).run();
}
