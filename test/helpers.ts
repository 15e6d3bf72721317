// Test fixtures: events, companies, slots and users written straight into the local D1 (the way
// the CLI does), tokens minted with the test secret, and views of the stored state in the
// Durable Objects and D1 so that tests assert on what was kept, not only on what was answered.
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { hashPassword } from "../worker/lib/password.ts";
import { signSession } from "../worker/lib/jwt.ts";
import type { Role } from "../worker/domain/contract.ts";
import { type Call, signUpVerified } from "./mailbox.ts";
import type { SlotState, StudentState } from "../durable-objects/api.ts";
import { recorderStub, slotStub, studentStub } from "../worker/lib/objects.ts";
import { purgePublicReads } from "../worker/lib/public-reads.ts";
import { refusalRowsOwed } from "../worker/lib/refusal-rows.ts";

export const PASSWORD = "correct horse battery";
const MIN = 60_000;
const HOUR = 60 * MIN;

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One request through the real Worker entry (routing, middleware, DOs, D1). */
export async function api<T = any>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
    headers["content-type"] = "application/json";
  const res = await exports.default.fetch(new Request(`http://127.0.0.1/api${path}`, { method, headers, body }));
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* CSV, HTML... stays text */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** The API as the shared inbox helpers call it (test/mailbox.ts). */
export const call: Call = (method, path, body) => api(method, path, body === undefined ? {} : { body });

/** A new account the way a person makes one: sign up, open the verification mail, follow the link. */
export const signUp = (body: Parameters<typeof signUpVerified>[1]) => signUpVerified(call, body);

const id = () => crypto.randomUUID();
const isoAt = (ms: number) => new Date(ms).toISOString();

let hashed: Promise<string> | null = null;
/** One real PBKDF2 hash per test file (it costs ~100 ms); every fixture user shares it. */
export const passwordHash = () => (hashed ??= hashPassword(PASSWORD));

export interface EventOptions {
  /** Which phase is open now: 0 = before phase 1, 1, 2, or "after" = both over. */
  phase?: 0 | 1 | 2 | "after";
  bookingOpen?: boolean;
  maxBookingsPhase1?: number;
  maxBookingsTotal?: number;
  maxBookingsPerCompany?: number;
  slotCapacity?: number;
  cancelDeadline?: string | null;
  date?: string;
  timeZone?: string;
  breaks?: { start: string; end: string }[];
  dayStart?: string;
  dayEnd?: string;
}

/** Archives whatever event is active and creates a fresh one (DO names include it: fresh objects). */
export async function createEvent(o: EventOptions = {}): Promise<string> {
  const now = Date.now();
  const phase = o.phase ?? 1;
  // Phase 1 then phase 2, each two hours, placed so that `phase` is the one open now.
  const p1Start = phase === 0 ? now + HOUR : phase === 1 ? now - HOUR : phase === 2 ? now - 3 * HOUR : now - 5 * HOUR;
  const eventId = id();
  await env.DB.batch([
    env.DB.prepare("UPDATE events SET status = 'archived', archived_at = ? WHERE status = 'active'").bind(isoAt(now)),
    env.DB.prepare(
      `INSERT INTO events (id, name, date, time_zone, slot_capacity, day_start, day_end, breaks, phase1_start, phase1_end,
         phase2_start, phase2_end, max_bookings_phase1, max_bookings_total, max_bookings_per_company, cancel_deadline, booking_open)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(
      eventId,
      `INF test ${eventId.slice(0, 8)}`,
      o.date ?? isoAt(now + 30 * 24 * HOUR).slice(0, 10),
      o.timeZone ?? "Europe/Brussels",
      o.slotCapacity ?? 2,
      o.dayStart ?? "09:00",
      o.dayEnd ?? "13:00",
      JSON.stringify(o.breaks ?? []),
      isoAt(p1Start),
      isoAt(p1Start + 2 * HOUR),
      isoAt(p1Start + 2 * HOUR),
      isoAt(p1Start + 4 * HOUR),
      o.maxBookingsPhase1 ?? 3,
      o.maxBookingsTotal ?? 6,
      o.maxBookingsPerCompany ?? 1,
      o.cancelDeadline === undefined ? null : o.cancelDeadline,
      o.bookingOpen === false ? 0 : 1,
    ),
  ]);
  // The public reads are cached for a few seconds; a test's new event is the active one at once.
  await purgePublicReads({ req: { url: "http://127.0.0.1/" } });
  return eventId;
}

/** Rewrites columns of an event (as the CLI or another isolate would: no cache invalidation). */
export async function updateEvent(eventId: string, cols: Record<string, string | number | null>): Promise<void> {
  const names = Object.keys(cols);
  await env.DB.prepare(`UPDATE events SET ${names.map((n) => `${n} = ?`).join(", ")} WHERE id = ?`)
    .bind(...names.map((n) => cols[n] ?? null), eventId)
    .run();
}

export async function createCompany(eventId: string, o: { verified?: boolean; name?: string } = {}): Promise<string> {
  const companyId = id();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO companies (id, name, description) VALUES (?, ?, ?)").bind(
      companyId,
      o.name ?? `Company ${companyId.slice(0, 6)}`,
      "We hire people who read the tests.",
    ),
    env.DB.prepare("INSERT INTO event_companies (event_id, company_id, verified_at) VALUES (?, ?, ?)").bind(
      eventId,
      companyId,
      o.verified === false ? null : isoAt(Date.now()),
    ),
  ]);
  return companyId;
}

export interface SlotFixture {
  id: string;
  companyId: string;
  startsAt: string;
  endsAt: string;
}

/** `count` slots of 10 minutes every 15 minutes from `firstStart` (default: 30 days ahead, 08:00Z). */
export async function createSlots(
  eventId: string,
  companyId: string,
  count: number,
  o: { capacity?: number; firstStart?: number } = {},
): Promise<SlotFixture[]> {
  const first = o.firstStart ?? Date.parse(`${isoAt(Date.now() + 30 * 24 * HOUR).slice(0, 10)}T08:00:00Z`);
  const made: SlotFixture[] = [];
  for (let i = 0; i < count; i++) {
    const start = first + i * 15 * MIN;
    made.push({ id: id(), companyId, startsAt: isoAt(start), endsAt: isoAt(start + 10 * MIN) });
  }
  const stmt = env.DB.prepare("INSERT INTO slots (id, event_id, company_id, starts_at, ends_at, capacity) VALUES (?, ?, ?, ?, ?, ?)");
  for (let i = 0; i < made.length; i += 50)
    await env.DB.batch(made.slice(i, i + 50).map((s) => stmt.bind(s.id, eventId, companyId, s.startsAt, s.endsAt, o.capacity ?? 2)));
  return made;
}

export interface UserFixture {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  companyId: string | null;
  emailVerified: boolean;
  tokenVersion: number;
  token: string;
}

/** Users straight into D1 with a real password hash, and a session token for each. */
export async function createUsers(
  count: number,
  o: { role?: Role; companyId?: string | null; deprioritized?: boolean; eventId?: string; prefix?: string; verified?: boolean; domain?: string } = {},
): Promise<UserFixture[]> {
  const hash = await passwordHash();
  const role = o.role ?? "student";
  const tag = o.prefix ?? role;
  const users: UserFixture[] = [];
  for (let i = 0; i < count; i++) {
    const uid = id();
    const email = `${tag}-${uid.slice(0, 12)}@${o.domain ?? "example.test"}`;
    const u = { id: uid, email, fullName: `${tag} ${i + 1}`, role, companyId: o.companyId ?? null, emailVerified: o.verified !== false, tokenVersion: 0 };
    users.push({ ...u, token: await signSession(u, env.JWT_SECRET) });
  }
  const stmt = env.DB.prepare(
    "INSERT INTO users (id, email, password_hash, role, full_name, deprioritized, company_id, email_verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const dep = env.DB.prepare("INSERT INTO deprioritized_emails (event_id, email) VALUES (?, ?)");
  for (let i = 0; i < users.length; i += 40) {
    const chunk = users.slice(i, i + 40);
    const stmts = chunk.map((u) => stmt.bind(u.id, u.email, hash, u.role, u.fullName, o.deprioritized ? 1 : 0, u.companyId, u.emailVerified ? 1 : 0));
    if (o.deprioritized && o.eventId) stmts.push(...chunk.map((u) => dep.bind(o.eventId!, u.email)));
    await env.DB.batch(stmts);
  }
  return users;
}

export const createUser = async (o: Parameters<typeof createUsers>[1] = {}) => (await createUsers(1, o))[0]!;

// ---- the stored state ------------------------------------------------------------------------

export const studentDo = (eventId: string, userId: string) => studentStub(env, eventId, userId);
export const slotDo = (slotId: string) => slotStub(env, slotId);

export const studentState = (eventId: string, userId: string): Promise<StudentState> => studentDo(eventId, userId).inspect();
export const slotState = (slotId: string): Promise<SlotState> => slotDo(slotId).inspect();

/** Runs `fn` on the storage of a new object that has no tables of its own (a RecorderDO keeps none). */
export const onEmptyStorage = <T>(fn: (storage: DurableObjectStorage) => T): Promise<T> =>
  runInDurableObject(recorderStub(env, crypto.randomUUID(), 0), (_o: unknown, state) => fn(state.storage));

/**
 * Writes every listed student's outbox to D1, waits for the attempt rows of the clicks the Worker
 * answered itself (worker/lib/full-slots.ts), and checks nothing is left behind.
 */
export async function drainAll(eventId: string, userIds: string[]): Promise<void> {
  const left = await Promise.all(userIds.map((u) => studentDo(eventId, u).drain()));
  const stuck = left.reduce((a, b) => a + b, 0);
  if (stuck) throw new Error(`${stuck} outbox records could not be written to D1`);
  await refusalRowsWritten();
}

/** Waits until the Worker holds no attempt row that D1 lacks (its deliveries run every 200 ms). */
export async function refusalRowsWritten(timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (refusalRowsOwed() > 0) {
    if (Date.now() > until) throw new Error(`${refusalRowsOwed()} attempt rows of the Worker's refusals are not in D1`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface D1Booking {
  id: string;
  slot_id: string;
  student_id: string;
  company_id: string;
  status: string;
  phase: number;
}

export async function d1Bookings(eventId: string, where = "1 = 1", ...params: unknown[]): Promise<D1Booking[]> {
  const r = await env.DB.prepare(`SELECT id, slot_id, student_id, company_id, status, phase FROM bookings WHERE event_id = ? AND ${where}`)
    .bind(eventId, ...params)
    .all<D1Booking>();
  return r.results;
}

export async function d1Attempts(eventId: string): Promise<{ student_id: string; slot_id: string; success: number; error_code: string | null; response_time_ms: number }[]> {
  const r = await env.DB.prepare("SELECT student_id, slot_id, success, error_code, response_time_ms FROM booking_attempts WHERE event_id = ?")
    .bind(eventId)
    .all<{ student_id: string; slot_id: string; success: number; error_code: string | null; response_time_ms: number }>();
  return r.results;
}

export async function d1Taken(slotId: string): Promise<number> {
  return (await env.DB.prepare("SELECT taken FROM slots WHERE id = ?").bind(slotId).first<number>("taken")) ?? -1;
}

export const countBy = <T>(xs: T[], key: (x: T) => string) => {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
};

/**
 * Waits, if needed, until the current wall-clock window of `periodS` seconds has at least `marginMs`
 * left. Local rate-limit bindings (Miniflare) count in windows aligned to the clock: a burst that
 * straddles a window's edge is counted in two windows, and would pass a limit it should meet.
 */
export async function clearOfWindowEdge(periodS = 60, marginMs = 15_000): Promise<void> {
  const left = periodS * 1000 - (Date.now() % (periodS * 1000));
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 100));
}

/** Fires all requests together: the calls start before any of them is awaited. */
export const together = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));
