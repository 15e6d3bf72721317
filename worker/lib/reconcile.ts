// Reconcile (DESIGN.md invariant "DO state and D1 agree"): reads every SlotDO of an event and every
// StudentDO that holds, held or tried a booking, compares them with D1 and, on request, repairs
// D1 from the objects' truth. Seats live in SlotDO and bookings in StudentDO; D1 is the record
// that must follow them, so a drift is always fixed on the D1 side or reported for a person.
import { and, eq, sql } from "drizzle-orm";
import type { SlotState, StudentState } from "../../durable-objects/api.ts";
import { type BookingRow, D1Sink } from "../../durable-objects/d1-sink.ts";
import type { Db } from "../db/client.ts";
import { bookingAttempts, bookings, slots, users } from "../db/schema.ts";
import type { EventRow } from "./events.ts";
import type { Drift, ReconcileReport } from "../domain/reconcile.ts";
import { RECORDER_SHARDS, recorderStub, slotStub, studentStub } from "./objects.ts";

interface Snapshot {
  slotRows: { id: string; taken: number }[];
  d1Bookings: Map<string, { id: string; slotId: string; studentId: string; status: string }>;
  slotStates: Map<string, SlotState>;
  studentStates: Map<string, StudentState>;
}

/** Parallel calls, a few at a time (each is a subrequest). */
async function inChunks<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

/**
 * Objects cannot be listed: the StudentDOs read are those D1 or a seat knows of (bookings,
 * attempts, seats), or, with `allStudents`, every student account (a refusal still waiting in
 * an outbox has left no trace elsewhere).
 */
async function snapshot(db: Db, env: Env, event: EventRow, allStudents: boolean): Promise<Snapshot> {
  const [slotRows, bookingRows, attemptStudents, accounts] = await db.batch([
    db.select({ id: slots.id, taken: slots.taken }).from(slots).where(eq(slots.eventId, event.id)),
    db.select({ id: bookings.id, slotId: bookings.slotId, studentId: bookings.studentId, status: bookings.status }).from(bookings).where(eq(bookings.eventId, event.id)),
    db.selectDistinct({ studentId: bookingAttempts.studentId }).from(bookingAttempts).where(eq(bookingAttempts.eventId, event.id)),
    db.select({ studentId: users.id }).from(users).where(allStudents ? eq(users.role, "student") : sql`0`),
  ]);
  const slotStates = new Map<string, SlotState>();
  const states = await inChunks(slotRows, 25, (s) => slotStub(env, s.id).inspect());
  slotRows.forEach((s, i) => slotStates.set(s.id, states[i]!));
  const students = new Set<string>([...bookingRows.map((b) => b.studentId), ...attemptStudents.map((a) => a.studentId), ...accounts.map((a) => a.studentId)]);
  for (const st of slotStates.values()) for (const seat of st.seats) students.add(seat.studentId);
  const ids = [...students];
  const studentStates = new Map<string, StudentState>();
  const inspected = await inChunks(ids, 25, (id) => studentStub(env, event.id, id).inspect());
  ids.forEach((id, i) => studentStates.set(id, inspected[i]!));
  return { slotRows, d1Bookings: new Map(bookingRows.map((b) => [b.id, b])), slotStates, studentStates };
}

function compare(s: Snapshot): Drift[] {
  const drifts: Drift[] = [];
  const seated = new Map<string, { slotId: string; studentId: string }>();
  for (const [slotId, st] of s.slotStates) for (const seat of st.seats) if (seat.state === "seated") seated.set(seat.bookingId, { slotId, studentId: seat.studentId });
  const known = new Map<string, { studentId: string; status: string; slotId: string }>();
  for (const [studentId, st] of s.studentStates) {
    // Refusal rows held back on purpose (up to REFUSAL_LINGER_SECONDS) are on time, not a backlog.
    const late = st.outbox - st.waiting;
    if (late > 0) drifts.push({ kind: "outbox_backlog", studentId, do: `${late} write(s) waiting`, fixable: true });
    if (st.deadLetters > 0) drifts.push({ kind: "dead_letter", studentId, do: `${st.deadLetters} write(s) D1 refused`, fixable: false });
    for (const b of st.bookings) {
      known.set(b.id, { studentId, status: b.status, slotId: b.slotId });
      const d1 = s.d1Bookings.get(b.id);
      const base = { slotId: b.slotId, studentId, bookingId: b.id };
      if (b.status === "pending" || b.status === "cancelling") {
        drifts.push({ ...base, kind: "open_hold", d1: d1?.status ?? "absent", do: b.status, fixable: false });
        continue;
      }
      if (b.status === "confirmed" && !seated.has(b.id)) drifts.push({ ...base, kind: "booking_without_seat", d1: d1?.status ?? "absent", do: "confirmed, no seat", fixable: false });
      // Rows still in the outbox are on their way: not drift (outbox_backlog reports them).
      if (st.outbox > 0) continue;
      if (!d1) drifts.push({ ...base, kind: "missing_in_d1", d1: "absent", do: b.status, fixable: true });
      else if (d1.status !== b.status) drifts.push({ ...base, kind: "status_mismatch", d1: d1.status, do: b.status, fixable: true });
    }
  }
  for (const [bookingId, seat] of seated) {
    const k = known.get(bookingId);
    if (!k || (k.status !== "confirmed" && k.status !== "cancelling" && k.status !== "pending"))
      drifts.push({ kind: "seat_without_booking", slotId: seat.slotId, studentId: seat.studentId, bookingId, d1: s.d1Bookings.get(bookingId)?.status ?? "absent", do: `seated, booking ${k?.status ?? "unknown"}`, fixable: false });
  }
  for (const b of s.d1Bookings.values())
    if (b.status === "confirmed" && !known.has(b.id) && !seated.has(b.id))
      drifts.push({ kind: "not_in_do", slotId: b.slotId, studentId: b.studentId, bookingId: b.id, d1: "confirmed", do: "absent", fixable: true });
  for (const row of s.slotRows) {
    const st = s.slotStates.get(row.id);
    if (st && st.taken !== row.taken) drifts.push({ kind: "taken_mismatch", slotId: row.id, d1: `taken ${row.taken}`, do: `${st.taken} seated`, fixable: true });
  }
  return drifts;
}

/** Repairs D1 from the objects: booking rows through the outbox's own sink (overwrite + recount). */
async function repair(db: Db, d1: D1Database, event: EventRow, s: Snapshot, drifts: Drift[]): Promise<number> {
  const now = new Date().toISOString();
  const records: BookingRow[] = [];
  const recount = new Set<string>();
  let fixed = 0;
  for (const d of drifts) {
    if (d.kind === "missing_in_d1" || d.kind === "status_mismatch") {
      const st = s.studentStates.get(d.studentId!);
      const b = st?.bookings.find((x) => x.id === d.bookingId);
      if (!b || (b.status !== "confirmed" && b.status !== "cancelled")) continue;
      const seatAt = s.slotStates.get(b.slotId)?.seats.find((x) => x.bookingId === b.id)?.at;
      records.push({
        id: b.id,
        eventId: event.id,
        slotId: b.slotId,
        studentId: d.studentId!,
        companyId: b.companyId,
        startsAt: b.startsAt,
        endsAt: b.endsAt,
        phase: b.phase,
        status: b.status,
        origin: b.origin,
        // StudentDO.inspect() does not expose its timestamps: the seat's time is the booking's.
        createdAt: seatAt ? new Date(seatAt).toISOString() : now,
        updatedAt: now,
        cancelledAt: b.status === "cancelled" ? now : null,
        cancelReason: b.status === "cancelled" ? "reconcile" : null,
      });
      fixed++;
    } else if (d.kind === "not_in_do") {
      await db
        .update(bookings)
        .set({ status: "cancelled", cancelledAt: now, updatedAt: now, cancelReason: "reconcile: unknown to the booking objects" })
        .where(and(eq(bookings.id, d.bookingId!), eq(bookings.status, "confirmed")));
      recount.add(d.slotId!);
      fixed++;
    } else if (d.kind === "taken_mismatch") {
      recount.add(d.slotId!);
      fixed++;
    }
  }
  await new D1Sink(d1).overwrite(records);
  for (const slotId of recount)
    await db
      .update(slots)
      .set({ taken: sql`(SELECT count(*) FROM ${bookings} WHERE ${bookings.slotId} = ${slotId} AND ${bookings.status} = 'confirmed')` })
      .where(eq(slots.id, slotId));
  return fixed;
}

export async function reconcileEvent(db: Db, env: Env, event: EventRow, fix: boolean, allStudents = false): Promise<ReconcileReport & { fixes: Drift[] }> {
  // Parcels waiting in the recorders are on their way to D1: let them land before comparing.
  await Promise.all(Array.from({ length: RECORDER_SHARDS }, (_, i) => recorderStub(env, event.id, i).drain()));
  let snap = await snapshot(db, env, event, allStudents);
  let drifts = compare(snap);
  let fixed = 0;
  let fixes: Drift[] = [];
  if (fix && drifts.some((d) => d.fixable)) {
    const backlog = drifts.filter((d) => d.kind === "outbox_backlog");
    if (backlog.length) {
      // Let the outboxes land first: most of what they carry is the drift itself.
      const left = await inChunks(backlog, 25, (d) => studentStub(env, event.id, d.studentId!).drain());
      fixed += left.filter((n) => n === 0).length;
      snap = await snapshot(db, env, event, allStudents);
    }
    const now = compare(snap);
    fixes = now.filter((d) => d.fixable && d.kind !== "outbox_backlog");
    fixed += await repair(db, env.DB, event, snap, fixes);
    const after = compare(await snapshot(db, env, event, allStudents));
    return { event: { id: event.id, name: event.name }, checked: counts(snap), drifts, fixed, remaining: after, fixes };
  }
  return { event: { id: event.id, name: event.name }, checked: counts(snap), drifts, fixed, remaining: drifts, fixes };
}

const counts = (s: Snapshot) => ({ slots: s.slotRows.length, students: s.studentStates.size, bookingsInD1: s.d1Bookings.size });
