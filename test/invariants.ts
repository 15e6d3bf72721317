// The invariants of DESIGN.md, checked on the stored state: every StudentDO, every SlotDO and D1
// must tell the same story, and it must be exactly the story the clients were told.
import { expect } from "vitest";
import { d1Bookings, d1Taken, drainAll, slotState, studentState } from "./helpers.ts";

export interface InvariantInput {
  eventId: string;
  studentIds: string[];
  slots: { id: string; capacity: number; companyId?: string }[];
  /** Booking ids answered 201 (and not cancelled since). When given, nothing else may be confirmed. */
  acknowledged?: Set<string>;
  /** The event's caps, when the test wants them checked per student. */
  caps?: { phase1: number; total: number; perCompany: number };
  /** Students who must hold no phase-1 booking. */
  deprioritized?: Set<string>;
}

export async function expectInvariants(i: InvariantInput): Promise<void> {
  await drainAll(i.eventId, i.studentIds);
  const d1 = await d1Bookings(i.eventId, "status = 'confirmed'");
  const d1ById = new Map(d1.map((b) => [b.id, b]));
  expect(new Set(d1.map((b) => b.id)).size, "no booking id twice in D1").toBe(d1.length);

  const doConfirmed = new Map<string, { studentId: string; slotId: string }>();
  for (const s of i.studentIds) {
    const st = await studentState(i.eventId, s);
    expect(st.outbox, `student ${s}: outbox drained`).toBe(0);
    expect(st.deadLetters, `student ${s}: nothing dead-lettered`).toBe(0);
    expect(st.bookings.filter((b) => b.status === "pending" || b.status === "cancelling"), `student ${s}: no hold left`).toEqual([]);
    const mine = st.bookings.filter((b) => b.status === "confirmed");
    for (const b of mine) doConfirmed.set(b.id, { studentId: s, slotId: b.slotId });
    // No overlap in time between one student's confirmed bookings.
    const sorted = [...mine].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    for (let k = 1; k < sorted.length; k++) expect(sorted[k]!.startsAt >= sorted[k - 1]!.endsAt, `student ${s}: overlap`).toBe(true);
    if (i.caps) {
      expect(mine.length).toBeLessThanOrEqual(i.caps.total);
      expect(mine.filter((b) => b.phase === 1).length).toBeLessThanOrEqual(i.caps.phase1);
      const perCompany = new Map<string, number>();
      for (const b of mine) perCompany.set(b.companyId, (perCompany.get(b.companyId) ?? 0) + 1);
      for (const n of perCompany.values()) expect(n).toBeLessThanOrEqual(i.caps.perCompany);
    }
    if (i.deprioritized?.has(s)) expect(mine.filter((b) => b.phase === 1)).toEqual([]);
  }

  // StudentDOs and D1 hold the same confirmed bookings (for the students in scope).
  const inScope = new Set(i.studentIds);
  const d1InScope = d1.filter((b) => inScope.has(b.student_id));
  expect(new Set(d1InScope.map((b) => b.id)), "D1 = StudentDOs").toEqual(new Set(doConfirmed.keys()));
  for (const [bid, b] of doConfirmed) {
    expect(d1ById.get(bid)?.student_id).toBe(b.studentId);
    expect(d1ById.get(bid)?.slot_id).toBe(b.slotId);
  }

  // Each SlotDO seats exactly the confirmed bookings of its slot, within capacity; D1's counter agrees.
  for (const slot of i.slots) {
    const st = await slotState(slot.id);
    const seated = st.seats.filter((x) => x.state === "seated");
    expect(seated.length, `slot ${slot.id}: within capacity`).toBeLessThanOrEqual(slot.capacity);
    expect(st.taken).toBe(seated.length);
    const confirmedHere = d1.filter((b) => b.slot_id === slot.id);
    expect(new Set(seated.map((x) => x.bookingId)), `slot ${slot.id}: seats = bookings`).toEqual(new Set(confirmedHere.map((b) => b.id)));
    expect(await d1Taken(slot.id), `slot ${slot.id}: D1 taken counter`).toBe(seated.length);
  }

  if (i.acknowledged) expect(new Set(doConfirmed.keys()), "confirmed = acknowledged").toEqual(i.acknowledged);
}
