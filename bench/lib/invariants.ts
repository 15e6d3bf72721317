// The invariants of DESIGN.md on the stored state (the same list as test/invariants.ts, which
// asserts them inside vitest): every StudentDO, every SlotDO and D1 tell the same story, within
// every cap, and it is exactly the story the clients were told. Returns the violations found.

export interface StudentBooking {
  id: string;
  slotId: string;
  companyId: string;
  startsAt: string;
  endsAt: string;
  phase: 1 | 2;
  status: "pending" | "confirmed" | "cancelling" | "cancelled";
}

export interface StudentSnapshot {
  id: string;
  deprioritized: boolean;
  bookings: StudentBooking[];
  outbox: number;
  deadLetters: number;
}

export interface SlotSnapshot {
  id: string;
  capacity: number;
  taken: number;
  seated: string[];
  /** D1's `slots.taken` counter. */
  d1Taken: number;
}

export interface D1Booking {
  id: string;
  slot_id: string;
  student_id: string;
}

export interface Expectation {
  caps: { phase1: number; total: number; perCompany: number };
  /** Booking ids answered 201 and not cancelled since (200 on DELETE). */
  acknowledged: Set<string>;
  /** Requests that got no answer: the server may have done them or not. */
  uncertainBooks: Set<string>; // `${studentId}:${slotId}`
  uncertainCancels: Set<string>; // booking ids
}

export interface StoredState {
  students: StudentSnapshot[];
  slots: SlotSnapshot[];
  /** Every confirmed booking of the event in D1. */
  d1Confirmed: D1Booking[];
}

export function checkInvariants(s: StoredState, e: Expectation): string[] {
  const v: string[] = [];
  const d1ById = new Map(s.d1Confirmed.map((b) => [b.id, b]));
  if (d1ById.size !== s.d1Confirmed.length) v.push("D1: a booking id appears twice");
  const pairs = new Set<string>();
  for (const b of s.d1Confirmed) {
    const k = `${b.student_id}:${b.slot_id}`;
    if (pairs.has(k)) v.push(`D1: student ${b.student_id} confirmed twice on slot ${b.slot_id}`);
    pairs.add(k);
  }

  const doConfirmed = new Map<string, { studentId: string; slotId: string }>();
  for (const st of s.students) {
    if (st.outbox !== 0) v.push(`student ${st.id}: ${st.outbox} outbox rows not written to D1 after drain`);
    if (st.deadLetters !== 0) v.push(`student ${st.id}: ${st.deadLetters} dead-lettered outbox rows`);
    const open = st.bookings.filter((b) => b.status === "pending" || b.status === "cancelling");
    if (open.length) v.push(`student ${st.id}: ${open.length} holds left unresolved`);
    const mine = st.bookings.filter((b) => b.status === "confirmed");
    for (const b of mine) doConfirmed.set(b.id, { studentId: st.id, slotId: b.slotId });
    if (mine.length > e.caps.total) v.push(`student ${st.id}: ${mine.length} bookings > total cap ${e.caps.total}`);
    const p1 = mine.filter((b) => b.phase === 1).length;
    if (p1 > e.caps.phase1) v.push(`student ${st.id}: ${p1} phase-1 bookings > cap ${e.caps.phase1}`);
    if (st.deprioritized && p1 > 0) v.push(`student ${st.id}: deprioritized but holds ${p1} phase-1 bookings`);
    const perCompany = new Map<string, number>();
    for (const b of mine) perCompany.set(b.companyId, (perCompany.get(b.companyId) ?? 0) + 1);
    for (const [c, n] of perCompany) if (n > e.caps.perCompany) v.push(`student ${st.id}: ${n} bookings at company ${c}`);
    const sorted = [...mine].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    for (let k = 1; k < sorted.length; k++)
      if (sorted[k]!.startsAt < sorted[k - 1]!.endsAt) v.push(`student ${st.id}: bookings ${sorted[k - 1]!.id} and ${sorted[k]!.id} overlap`);
  }

  // StudentDOs and D1 hold the same confirmed bookings.
  for (const [id, b] of doConfirmed) {
    const row = d1ById.get(id);
    if (!row) v.push(`booking ${id}: confirmed in StudentDO ${b.studentId}, missing in D1`);
    else if (row.student_id !== b.studentId || row.slot_id !== b.slotId) v.push(`booking ${id}: D1 row disagrees with StudentDO`);
  }
  for (const row of s.d1Confirmed) if (!doConfirmed.has(row.id)) v.push(`booking ${row.id}: confirmed in D1, not in StudentDO ${row.student_id}`);

  // Each SlotDO seats exactly the confirmed bookings of its slot, within capacity; D1's counter agrees.
  const bySlot = new Map<string, Set<string>>();
  for (const row of s.d1Confirmed) {
    let set = bySlot.get(row.slot_id);
    if (!set) bySlot.set(row.slot_id, (set = new Set()));
    set.add(row.id);
  }
  for (const slot of s.slots) {
    if (slot.seated.length > slot.capacity) v.push(`slot ${slot.id}: ${slot.seated.length} seats > capacity ${slot.capacity}`);
    if (slot.taken !== slot.seated.length) v.push(`slot ${slot.id}: counter ${slot.taken} != ${slot.seated.length} seated`);
    if (slot.d1Taken !== slot.seated.length) v.push(`slot ${slot.id}: D1 taken ${slot.d1Taken} != ${slot.seated.length} seated`);
    const d1Here = bySlot.get(slot.id) ?? new Set<string>();
    bySlot.delete(slot.id);
    const seated = new Set(slot.seated);
    if (seated.size !== d1Here.size || [...seated].some((id) => !d1Here.has(id))) v.push(`slot ${slot.id}: seats and D1 bookings differ`);
  }
  for (const [slotId, ids] of bySlot) v.push(`slot ${slotId}: ${ids.size} D1 bookings on a slot no SlotDO was checked for`);

  // Exactly what the clients were told: nothing lost, nothing extra (unless its answer was lost).
  for (const id of e.acknowledged)
    if (!doConfirmed.has(id) && !e.uncertainCancels.has(id)) v.push(`booking ${id}: acknowledged 201 but not confirmed (lost)`);
  for (const [id, b] of doConfirmed)
    if (!e.acknowledged.has(id) && !e.uncertainBooks.has(`${b.studentId}:${b.slotId}`)) v.push(`booking ${id}: confirmed but never acknowledged`);
  return v;
}
