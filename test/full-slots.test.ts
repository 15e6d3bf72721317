// Clicks the Worker refuses itself (worker/lib/refusal-rows.ts): those its gate refuses, and those
// on a slot it knows full (worker/lib/full-slots.ts): once a slot's object has
// answered `slot_full`, the isolate answers the next clicks on it for FULL_SLOT_NOTE_MS (1 s here,
// as in wrangler.toml) without calling the objects, and still records each attempt in D1. What must
// hold: the answer is the slot's own (status, code, body), the attempt row reaches D1, the students
// seated there and the gate's refusals (closed, started, phase gate) are answered as before, a
// cancellation through this isolate ends the note at once, a refusal from the note is not
// remembered under the Idempotency-Key, and a herd answered partly from notes keeps every invariant.
import { describe, expect, it } from "vitest";
import { askSlotFirst, dropNotes, forgetFull, knownFull, lapsedFull, noteFull } from "../worker/lib/full-slots.ts";
import { refusalRowsOwed, refusedHere } from "../worker/lib/refusal-rows.ts";
import { api, countBy, createCompany, createEvent, createSlots, createUser, createUsers, d1Attempts, drainAll, refusalRowsWritten, studentDo, studentState, together, updateEvent } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

const book = (token: string, slotId: string, key?: string) => api("POST", "/bookings", { token, body: { slotId }, ...(key ? { headers: { "idempotency-key": key } } : {}) });

/** A slot of one seat, taken by `holder`, and called full once by its object (to `first`). */
async function fullSlot(o: { phase?: 1 | 2 } = {}) {
  const eventId = await createEvent({ phase: o.phase ?? 2 });
  const companyId = await createCompany(eventId);
  const [slot, other] = await createSlots(eventId, companyId, 2, { capacity: 1 });
  const [holder, first, late] = await createUsers(3);
  expect((await book(holder!.token, slot!.id)).status).toBe(201);
  const refused = await book(first!.token, slot!.id);
  expect(refused.status).toBe(409);
  await refusalRowsWritten();
  return { eventId, slot: slot!, other: other!, holder: holder!, first: first!, late: late!, refused };
}

describe("the note of full slots (pure)", () => {
  const full = { taken: 2, capacity: 2, seated: ["a", "b"] };

  it("answers other students until the note ends, never the students seated there", () => {
    const slot = crypto.randomUUID();
    noteFull(slot, full, 1_000, 2_000);
    expect(knownFull(slot, "c", 1_500)).toEqual({ taken: 2, capacity: 2 });
    expect(knownFull(slot, "a", 1_500)).toBeNull();
    expect(knownFull(slot, "c", 2_000)).toBeNull();
    // Ended: the slot is asked alone for a minute (never for a student seated there), then forgotten.
    expect(lapsedFull(slot, "c", 1_500)).toBe(false);
    expect(lapsedFull(slot, "c", 2_000)).toBe(true);
    expect(lapsedFull(slot, "a", 2_000)).toBe(false);
    expect(lapsedFull(slot, "c", 61_999)).toBe(true);
    expect(lapsedFull(slot, "c", 62_000)).toBe(false);
    expect(lapsedFull(slot, "c", 2_000)).toBe(false);
  });

  it("asks the slot first when D1 counted it full and nothing here says otherwise since", () => {
    const slot = crypto.randomUUID();
    const now = Date.now();
    expect(askSlotFirst(slot, "c", now, { full: true, loadedAt: now - 100 })).toBe(true);
    expect(askSlotFirst(slot, "c", now, { full: false, loadedAt: now - 100 })).toBe(false);
    // A note answers first; once it ended, it is the lapsed note's rule (never a student seated there).
    noteFull(slot, full, now - 10, now + 1_000);
    expect(askSlotFirst(slot, "a", now + 1_000, { full: true, loadedAt: now - 100 })).toBe(false);
    expect(askSlotFirst(slot, "c", now + 1_000, { full: true, loadedAt: now - 100 })).toBe(true);
    // A seat freed here (or a "not full" answer) after the context was read: D1's count is stale.
    forgetFull(slot);
    expect(askSlotFirst(slot, "c", now + 1_000, { full: true, loadedAt: now - 100 })).toBe(false);
    // A context read after that counts again.
    expect(askSlotFirst(slot, "c", Date.now() + 1_000, { full: true, loadedAt: Date.now() + 1 })).toBe(true);
  });

  it("forgets a slot a route freed a seat on, and ignores answers to clicks sent before that", () => {
    const slot = crypto.randomUUID();
    const now = Date.now();
    noteFull(slot, full, now - 10, now + 60_000);
    forgetFull(slot);
    expect(knownFull(slot, "c", now)).toBeNull();
    expect(lapsedFull(slot, "c", now + 60_001)).toBe(false);
    // A click sent before the seat was freed comes back `slot_full`: too old to note.
    noteFull(slot, full, now - 5, now + 60_000);
    expect(knownFull(slot, "c", now)).toBeNull();
    // One sent afterwards is noted.
    noteFull(slot, full, now + 1_000, now + 60_000);
    expect(knownFull(slot, "c", now + 1_000)).toEqual({ taken: 2, capacity: 2 });
  });
});

describe("a click the gate refuses", () => {
  it("is answered by the Worker with the rule's refusal, and its attempt row reaches D1 with its code", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const flagged = await createUser({ deprioritized: true, eventId });
    const before = refusedHere();
    const answer = await book(flagged.token, slot!.id, crypto.randomUUID());
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({ code: "phase_gate", message: "Phase 1 is reserved for priority students; you can book when phase 2 opens." });
    expect(refusedHere()).toBe(before + 1);
    await drainAll(eventId, [flagged.id]);
    expect(await d1Attempts(eventId)).toEqual([expect.objectContaining({ student_id: flagged.id, slot_id: slot!.id, success: 0, error_code: "phase_gate" })]);
    expect((await studentState(eventId, flagged.id)).bookings).toEqual([]);
  });
});

describe("a click on a slot the Worker knows full", () => {
  it("gets the slot's own answer without the objects, and its attempt row reaches D1", async () => {
    const s = await fullSlot();
    const before = refusedHere();
    const answer = await book(s.late.token, s.slot.id);
    // The Worker answered, not the student's object; the row waits in this isolate for its delivery.
    expect(refusedHere()).toBe(before + 1);
    expect(refusalRowsOwed()).toBeGreaterThan(0);
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual(s.refused.body);
    expect(answer.body).toEqual({ error: { code: "slot_full", message: "This slot is full.", details: { taken: 1, capacity: 1 } } });
    expect((await api("GET", "/bookings", { token: s.late.token })).body.bookings).toEqual([]);
    await drainAll(s.eventId, [s.holder.id, s.first.id, s.late.id]);
    const rows = await d1Attempts(s.eventId);
    expect(countBy(rows, (r) => `${r.student_id === s.late.id ? "late" : r.student_id === s.first.id ? "first" : "holder"}:${r.error_code ?? "ok"}`)).toEqual({
      "holder:ok": 1,
      "first:slot_full": 1,
      "late:slot_full": 1,
    });
    expect(rows.every((r) => r.response_time_ms >= 0 && r.slot_id === s.slot.id)).toBe(true);
  });

  it("never answers the students seated there, nor a click the gate refuses first", async () => {
    const s = await fullSlot({ phase: 1 });
    const before = refusedHere();
    const again = await book(s.holder.token, s.slot.id);
    expect(again.body.error.code).toBe("already_booked");
    // The holder's click went to their object.
    expect(refusedHere()).toBe(before);
    // Phase 1 is closed to deprioritized students: their refusal, not the slot's (the gate's, in the Worker).
    const flagged = await createUser({ deprioritized: true, eventId: s.eventId });
    expect((await book(flagged.token, s.slot.id)).body.error.code).toBe("phase_gate");
    await updateEvent(s.eventId, { booking_open: 0 });
    expect((await book(s.late.token, s.slot.id)).body.error.code).toBe("booking_closed");
    expect(refusedHere()).toBe(before + 2);
  });

  it("ends with a cancellation through this isolate: the freed seat goes to the next click", async () => {
    const s = await fullSlot();
    const mine = (await api("GET", "/bookings", { token: s.holder.token })).body.bookings[0];
    expect((await book(s.late.token, s.slot.id)).status).toBe(409);
    expect((await api("DELETE", `/bookings/${mine.id}`, { token: s.holder.token })).status).toBe(200);
    const next = await book(s.late.token, s.slot.id);
    expect(next.status).toBe(201);
    expect(next.body.booking.slotId).toBe(s.slot.id);
  });

  it("past its note, asks the slot alone: still full, the Worker answers and renews the note; a seat freed elsewhere books", async () => {
    const s = await fullSlot();
    await new Promise((r) => setTimeout(r, 1_100)); // FULL_SLOT_NOTE_MS: the note has ended
    let before = refusedHere();
    const refused = await book(s.late.token, s.slot.id);
    // Answered by the Worker after the slot's own check (the student's object was never asked).
    expect(refused.body).toEqual(s.refused.body);
    expect(refusedHere()).toBe(before + 1);
    expect((await studentState(s.eventId, s.late.id)).bookings).toEqual([]);
    // The note is renewed: the next click is answered from it.
    expect(knownFull(s.slot.id, s.late.id, Date.now())).toEqual({ taken: 1, capacity: 1 });
    // The holder cancels through another isolate (their object directly: no forget here).
    const mine = (await api("GET", "/bookings", { token: s.holder.token })).body.bookings[0];
    const out = await studentDo(s.eventId, s.holder.id).cancel({ bookingId: mine.id, policy: { now: Date.now(), cancelDeadline: null, bookingCutoffMinutes: 0 } });
    expect(out.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1_100));
    before = refusedHere();
    const next = await book(s.late.token, s.slot.id);
    expect(next.status).toBe(201);
    expect(refusedHere()).toBe(before);
    await drainAll(s.eventId, [s.holder.id, s.first.id, s.late.id]);
    const rows = await d1Attempts(s.eventId);
    expect(rows.filter((r) => r.student_id === s.late.id).map((r) => r.error_code ?? "ok").sort()).toEqual(["ok", "slot_full"]);
  });

  it("with no note, a slot D1 counts full is asked alone: the Worker answers; a seat freed elsewhere books", async () => {
    const s = await fullSlot();
    await drainAll(s.eventId, [s.holder.id, s.first.id]);
    // An isolate that has not seen the slot (a phase opening after the last one's notes ended, a new isolate).
    dropNotes();
    let before = refusedHere();
    const refused = await book(s.late.token, s.slot.id);
    // D1 counted it full: the slot's own check, then the Worker's answer (the student's object never asked).
    expect(refused.body).toEqual(s.refused.body);
    expect(refusedHere()).toBe(before + 1);
    expect((await studentDo(s.eventId, s.late.id).inspect()).bookings).toEqual([]);
    expect(knownFull(s.slot.id, s.late.id, Date.now())).toEqual({ taken: 1, capacity: 1 });
    // The holder cancels through another isolate; D1 still counts the seat until the outbox brings it.
    const mine = (await api("GET", "/bookings", { token: s.holder.token })).body.bookings[0];
    const out = await studentDo(s.eventId, s.holder.id).cancel({ bookingId: mine.id, policy: { now: Date.now(), cancelDeadline: null, bookingCutoffMinutes: 0 } });
    expect(out.ok).toBe(true);
    dropNotes();
    before = refusedHere();
    const next = await book(s.late.token, s.slot.id);
    expect(next.status).toBe(201);
    expect(refusedHere()).toBe(before);
    await drainAll(s.eventId, [s.holder.id, s.first.id, s.late.id]);
    await expectInvariants({ eventId: s.eventId, studentIds: [s.holder.id, s.first.id, s.late.id], slots: [{ id: s.slot.id, capacity: 1 }], acknowledged: new Set([next.body.booking.id]) });
  });

  it("is not remembered under its Idempotency-Key: the retry after a seat is freed books", async () => {
    const s = await fullSlot();
    const key = crypto.randomUUID();
    const before = refusedHere();
    expect((await book(s.late.token, s.slot.id, key)).body.error.code).toBe("slot_full");
    expect(refusedHere()).toBe(before + 1);
    const mine = (await api("GET", "/bookings", { token: s.holder.token })).body.bookings[0];
    expect((await api("DELETE", `/bookings/${mine.id}`, { token: s.holder.token })).status).toBe(200);
    const retry = await book(s.late.token, s.slot.id, key);
    expect(retry.status).toBe(201);
    // The key now holds the booking: a second retry replays it.
    expect((await book(s.late.token, s.slot.id, key)).body).toEqual(retry.body);
  });

  it("answered from notes in a herd, keeps every invariant and records every attempt", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId);
    const slots = await createSlots(eventId, companyId, 4, { capacity: 2 });
    const students = await createUsers(60);
    const before = refusedHere();
    // Three waves, everyone on the same slot of the four in turn: the first click of each wave
    // fills or is refused by the slot, the next waves find notes.
    const answers = [];
    for (let wave = 0; wave < 3; wave++)
      answers.push(...(await together(students.length, (i) => book(students[i]!.token, slots[(i + wave) % 4]!.id))));
    const fromNotes = refusedHere() - before;
    const acknowledged = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.booking.id as string));
    expect(acknowledged.size).toBe(8);
    expect(countBy(answers, (a) => (a.status === 201 ? "ok" : a.body.error.code))).toEqual({ ok: 8, slot_full: 3 * 60 - 8 });
    await expectInvariants({ eventId, studentIds: students.map((s) => s.id), slots: slots.map((s) => ({ id: s.id, capacity: 2 })), acknowledged });
    const rows = await d1Attempts(eventId);
    expect(rows).toHaveLength(3 * 60);
    expect(countBy(rows, (r) => r.error_code ?? "ok")).toEqual({ ok: 8, slot_full: 3 * 60 - 8 });
    // Some of those came from notes (how many depends on the answers' timing), and were written.
    expect(fromNotes).toBeGreaterThan(0);
    expect(refusalRowsOwed()).toBe(0);
  });
});
