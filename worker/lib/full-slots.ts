// Slots this isolate knows full (DESIGN decision in docs/architecture.md, "Clicks on a full slot").
//
// In an opening most clicks land on slots already full: in the phase-2 herd 95 % of attempts are
// `slot_full`. Each one crossed the student's object and the slot's, and wrote an attempt row in
// the student's object, to learn what the previous click on that slot had just learnt. So when the
// student's object answers `slot_full` (the slot's own decision), the isolate notes it for
// FULL_SLOT_NOTE_MS (wrangler.toml; 0 turns the note off), with the students holding its seats.
// A click on a noted slot whose gate is open (rules.ts `decideGate`: the clock, the event, the
// student's flag) gets the slot's answer from the Worker: 409 `slot_full`, the same body, no object
// called. Its attempt row is still written (refusal-rows.ts).
//
// What the note changes, and why it is acceptable:
// - A seat freed while a slot is noted goes to the first click after the note ends (at most
//   FULL_SLOT_NOTE_MS later), not to the first click after the seat was freed. Every route of this
//   Worker that frees seats (a cancellation, an office move, a slot's capacity or block) forgets
//   the slot's note first, so only seats freed elsewhere (another isolate's cancellation, a hold
//   the slot gives back) wait for the note to end.
// - A student seated on the slot is never answered from the note (they get `already_booked` from
//   their object, as before); for any other student the slot's refusal comes before the refusals
//   only their object knows (caps, conflicts, a reused Idempotency-Key): the answer is true, only
//   its precedence differs.
// - Like `rate_limited` and `draw_running`, a refusal the Worker gives is not remembered under the
//   click's Idempotency-Key: the request never reached the student's object, so a retry with the
//   same key is a new attempt.
// - The attempt row lives in the isolate's memory until the recorder has it in D1 (refusal-rows.ts).
//
// A slot this isolate has no note of, but D1 counted full when the event context was read
// (event-context.ts `fullInD1`: a phase opening on slots the previous phase filled, a new isolate),
// is asked alone the same way (`askSlotFirst`) — D1's count is only the reason to ask; the slot
// answers. Until the context is read again, a "not full" answer here (or a seat this isolate
// freed) stops the asking.
//
// When a note ends, the slot is still likely full (in an opening most slots fill and stay full).
// For RECHECK_MS after it ended (`lapsedFull`), the next click asks the slot alone, from memory
// (SlotDO.fullFor: the same condition its `take` applies), instead of taking the whole booking
// path through the student's object: still full renews the note with the slot's fresh answer, and
// the click is refused as above; otherwise the note is forgotten and the click takes the booking path. Without this the
// share of clicks answered from notes fell with the herd's pace (a slower herd spaces the clicks on
// each slot beyond the note), and each click past a note cost the whole path: a slower machine did
// more work per click.
import type { FullSlot } from "../../durable-objects/api.ts";

/** FULL_SLOT_NOTE_MS (wrangler.toml [vars]): how long a slot's `slot_full` answer is reused; 0 = never. */
export const fullNoteMs = (env: { FULL_SLOT_NOTE_MS?: string }) => Math.max(0, Number(env.FULL_SLOT_NOTE_MS ?? "1000") || 0);

type Note = FullSlot & { until: number };

/** How long after its note ended a slot is still asked alone (SlotDO.fullFor) before the whole path. */
const RECHECK_MS = 60_000;

const notes = new Map<string, Note>();
/** When each slot's note was last forgotten: an answer asked for before then may be stale already. */
const forgotten = new Map<string, number>();
/** A bound on the notes kept: an event has a few thousand slots. */
const MAX_NOTES = 20_000;

/**
 * The slot answered `slot_full` (its object's own answer, to a click sent at `askedAt`): reuse it
 * until `until`, unless a route of this isolate freed a seat there since the click was sent.
 */
export function noteFull(slotId: string, full: FullSlot, askedAt: number, until: number): void {
  if ((forgotten.get(slotId) ?? -Infinity) >= askedAt) return;
  if (notes.size >= MAX_NOTES) notes.clear();
  notes.set(slotId, { ...full, until });
}

/** The noted answer for this student's click, or null: none, ended, or the student holds a seat there. */
export function knownFull(slotId: string, studentId: string, now: number): { taken: number; capacity: number } | null {
  const n = notes.get(slotId);
  if (!n || now >= n.until) return null;
  return n.seated.includes(studentId) ? null : { taken: n.taken, capacity: n.capacity };
}

/**
 * The slot's note ended less than RECHECK_MS ago and nothing here freed a seat since: ask the
 * slot alone (SlotDO.fullFor) before the whole booking path. Never for a student seated there.
 */
export function lapsedFull(slotId: string, studentId: string, now: number): boolean {
  const n = notes.get(slotId);
  if (!n || now < n.until) return false;
  if (now - n.until >= RECHECK_MS) {
    notes.delete(slotId);
    return false;
  }
  return !n.seated.includes(studentId);
}

/**
 * Whether this click asks the slot alone (SlotDO.fullFor) before the whole booking path: its note
 * ended lately (`lapsedFull`), or there is no note and D1 counted the slot full in the event context
 * read at `d1.loadedAt`, and nothing here has said otherwise since (a "not full" answer, a seat freed).
 */
export function askSlotFirst(slotId: string, studentId: string, now: number, d1: { full: boolean; loadedAt: number }): boolean {
  if (lapsedFull(slotId, studentId, now)) return true;
  return d1.full && !notes.has(slotId) && (forgotten.get(slotId) ?? -Infinity) < d1.loadedAt;
}

/** Test seam: this isolate forgets every note, as a new isolate starts (nothing marked freed). */
export function dropNotes(): void {
  notes.clear();
}

/** A route of this isolate frees (or may free) seats on the slot: its next click asks the slot again. */
export function forgetFull(...slotIds: string[]): void {
  if (forgotten.size >= MAX_NOTES) forgotten.clear();
  const now = Date.now();
  for (const id of slotIds) {
    notes.delete(id);
    forgotten.set(id, now);
  }
}
