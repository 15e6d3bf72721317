// The attempt rows of refused clicks, delivered by the Worker: those it refuses itself, without the
// objects (the gate, rules.ts `decideGate`: closed, started, phase gate; a slot it knows full,
// full-slots.ts), and those a StudentDO refused, whose row comes back with the answer
// (BookInput.carry): the object then owes nothing for them. Every attempt is recorded in
// booking_attempts (DESIGN.md): the isolate gathers these rows and hands them to a recorder in one
// parcel every FLUSH_MS. They live in the isolate's memory until the recorder has them in D1 (under
// a second; retried for half a minute, then kept for the next parcel): an isolate killed meanwhile
// loses those refusal rows, never a booking.
import { type PackedAttempt, packAttempt } from "../../durable-objects/d1-sink.ts";
import { RECORDER_SHARDS, recorderStub } from "./objects.ts";
import { type LogValue, errorFields, logLine } from "./log.ts";

/** How long rows gather before they go (one parcel per isolate per FLUSH_MS at most). */
const FLUSH_MS = 200;
/** Waits between tries of a parcel the recorder could not take; past them the rows wait for the next one. */
const RETRY_MS = [500, 2_000, 5_000, 10_000];
/** Rows kept at most while the recorder is unreachable (the oldest go first, logged). */
const MAX_ROWS = 50_000;

type Row = PackedAttempt;
let rows: { eventId: string; row: Row }[] = [];
let sending = 0;
let parcels = 0;
/** A delivery is waiting for its FLUSH_MS (the rows pushed meanwhile go with it). */
let scheduled = false;

/** Rows this isolate holds that D1 does not yet: gathering or on their way (the tests wait for 0). */
export const refusalRowsOwed = () => rows.length + sending;
let answered = 0;
/** Clicks this isolate refused itself since it started (the gate's refusals, full slots' notes). */
export const refusedHere = () => answered;

/**
 * Keeps the attempt row of a click the Worker refused itself and, if no delivery is waiting,
 * starts one in this request's waitUntil: rows of later clicks join it until it leaves.
 */
export function recordRefusal(
  env: Env,
  waitUntil: (p: Promise<unknown>) => void,
  a: { eventId: string; studentId: string; slotId: string; code: string; message: string; receivedAt: number },
): void {
  answered++;
  carryRefusalRow(env, waitUntil, a.eventId, packAttempt({ ...a, id: crypto.randomUUID(), answeredAt: Date.now() }));
}

/** Keeps the row of a click a StudentDO refused (it came back with the answer) for the isolate's next parcel. */
export function carryRefusalRow(env: Env, waitUntil: (p: Promise<unknown>) => void, eventId: string, row: Row): void {
  rows.push({ eventId, row });
  if (!scheduled) {
    scheduled = true;
    waitUntil(deliver(env));
  }
}

async function deliver(env: Env): Promise<void> {
  await new Promise((r) => setTimeout(r, FLUSH_MS));
  scheduled = false;
  const taken = rows;
  rows = [];
  sending += taken.length;
  try {
    const byEvent = new Map<string, Row[]>();
    for (const r of taken) {
      const list = byEvent.get(r.eventId);
      if (list) list.push(r.row);
      else byEvent.set(r.eventId, [r.row]);
    }
    for (const [eventId, packed] of byEvent) await send(env, eventId, packed);
  } finally {
    sending -= taken.length;
  }
}

/** One parcel to a recorder (shards in turn), retried; rows it could not place go back to wait. */
async function send(env: Env, eventId: string, packed: Row[]): Promise<void> {
  const parcel = { bookings: "[]", attempts: JSON.stringify(packed) };
  let error: LogValue = "";
  for (let i = 0; i <= RETRY_MS.length; i++) {
    if (i) await new Promise((r) => setTimeout(r, RETRY_MS[i - 1]));
    try {
      const verdict = await recorderStub(env, eventId, parcels++ % RECORDER_SHARDS).append(parcel, "worker");
      if (verdict.ok) {
        for (const r of verdict.refused) logLine("error", "attempt rows refused by D1", { ids: r.ids.length, error: r.error });
        return;
      }
      error = verdict.error;
    } catch (err) {
      error = errorFields(err).cause;
    }
  }
  // Still owed: back with the rows gathering now, for the next click's delivery.
  const back = packed.map((row) => ({ eventId, row }));
  rows = [...back, ...rows];
  if (rows.length > MAX_ROWS) {
    logLine("error", "refusal attempt rows dropped: the recorder is unreachable", { dropped: rows.length - MAX_ROWS });
    rows = rows.slice(rows.length - MAX_ROWS);
  }
  logLine("error", "refusal attempt rows not delivered; kept for the next delivery", { rows: packed.length, error });
}
