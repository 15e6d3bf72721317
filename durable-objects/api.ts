// What crosses the RPC boundary of the Durable Objects: their inputs and outputs, as types only.
// The Worker, the tests and the objects import these; nobody outside durable-objects/ imports a
// class for its types. Names and stubs live in worker/lib/objects.ts.
import type { Booking, BookingOrigin, CancelledBy, ErrorCode, ErrorDetails } from "../worker/domain/contract.ts";
import type { BookingPolicy, CancelPolicy, OfficePolicy } from "../worker/domain/rules.ts";
import type { PackedAttempt } from "./d1-sink.ts";

/** A slot as a booking decision needs it (the Worker's cached copy of D1's row). */
export interface SlotInfo {
  id: string;
  companyId: string;
  startsAt: number;
  endsAt: number;
  capacity: number;
}

/** StudentDO.book's input: an object, so that callers may add fields (the draw's origin, ...). */
export interface BookInput {
  slot: SlotInfo;
  policy: BookingPolicy;
  idempotencyKey: string | null;
  /** When the Worker received the request (epoch ms), for the attempt's response time. */
  receivedAt: number;
  /** "draw" when a phase's draw commits its allocation (issue #13); default "fcfs". */
  origin?: BookingOrigin;
  /**
   * The caller delivers a refusal's attempt row itself (the Worker's booking route, with the rows
   * of the clicks it refuses: worker/lib/refusal-rows.ts): the answer carries it as `row`.
   */
  carry?: boolean;
}

export interface CancelInput {
  bookingId: string;
  /** The Worker's clock, the event's deadline and cutoff. */
  policy: CancelPolicy;
}

/** A cancellation on the student's behalf (the office, a recruiter, a withdrawal): no deadline applies. */
export interface CancelForInput {
  bookingId: string;
  by: Exclude<CancelledBy, "student" | "move">;
  reason: string;
}

/** The office moves a booking: the new seat is taken first, then the old one released. */
export interface MoveInput {
  bookingId: string;
  slot: SlotInfo;
  policy: OfficePolicy;
  reason: string;
  receivedAt: number;
}

/** A refusal or a fault the object handled; `retryAfter` (seconds) when trying again later may succeed. */
/**
 * `full` (slot_full from the slot itself, with its students): for the Worker's note
 * (worker/lib/full-slots.ts); `row`: a refusal's attempt row the Worker delivers (BookInput.carry).
 * Neither is ever sent to the client.
 */
export type Failure = { ok: false; code: ErrorCode; message: string; details?: ErrorDetails; retryAfter?: number; full?: FullSlot; row?: PackedAttempt };
export interface FullSlot {
  taken: number;
  capacity: number;
  seated: string[];
}
export type BookingOutcome = { ok: true; booking: Booking } | Failure;

/** A booking's life in its StudentDO; D1 only ever sees confirmed and cancelled. */
export type BookingState = "pending" | "confirmed" | "cancelling" | "cancelled";

export interface StudentState {
  bookings: (Omit<Booking, "status"> & { status: BookingState })[];
  /** Records owed to D1 (waiting, or retrying after a refusal). */
  outbox: number;
  /** Of those, refusal rows the outbox holds back on purpose (REFUSAL_LINGER_SECONDS): on time, not a backlog. */
  waiting: number;
  /** Records D1 refused for good after their retries: reconcile reports them. */
  deadLetters: number;
}

/** Where crash tests abort a StudentDO: after each commit of the booking path and of a cancellation. */
export type StudentFaultStep = "held" | "seated" | "confirmed" | "delivered" | "cancelling" | "released";

export type TakeResult =
  | { ok: true; taken: number }
  /** `seated` (slot_full): the students holding its seats, for the Worker's note of full slots (worker/lib/full-slots.ts). */
  | { ok: false; code: "slot_full"; taken: number; capacity: number; seated?: string[] }
  | { ok: false; code: "slot_blocked" | "released" | "slot_closed"; taken: number; capacity?: number }
  /** `bookingId`: the student's seat here (a StudentDO that lost it in a crash takes it back). */
  | { ok: false; code: "already_booked"; taken: number; bookingId: string };

/** How long after a new seat the slot asks the student's object whether it kept it (slot-do.ts). */
export const CHECK_DELAY_MS = 10_000;

/** A StudentDO's answer about a seat a slot holds for it: kept, still being decided, or not its (any more). */
export type SeatAnswer = "booked" | "deciding" | "unknown";

/** What a SlotDO asks of a StudentDO (its stub; fault tests swap in a failing one). */
export interface SeatCheck {
  seatKept(bookingId: string): Promise<SeatAnswer>;
}

/** `take`'s options: the office may seat a student on a blocked slot, explicitly. */
export interface TakeOptions {
  ignoreBlock?: boolean;
  /** The slot's event: which live hub the slot tells about the change (live-notify.ts). */
  eventId?: string;
}

/** What a StudentDO asks of a SlotDO (its stub; fault tests swap in a failing one). */
export interface SlotCalls {
  take(bookingId: string, studentId: string, capacity: number, heldAt: number, opts?: TakeOptions): Promise<TakeResult>;
  settle(bookingId: string, studentId: string): Promise<"seated" | "absent">;
  release(bookingId: string, studentId: string): Promise<{ released: boolean; taken: number }>;
}

export type SlotFaultStep = "seated";

/** A recruiter's or the office's change to a slot (SlotDO.adjust). */
export interface SlotChange {
  blocked?: boolean;
  capacity?: number;
}

/** Refused if the capacity would seat fewer than are seated. */
export type AdjustResult =
  | { ok: true; taken: number; blocked: boolean; capacity: number | null }
  | { ok: false; code: "capacity_below_taken"; taken: number };

export interface SlotState {
  taken: number;
  retired: boolean;
  blocked: boolean;
  /** Set by `adjust`; null: the capacity D1's configuration passes with each take. */
  capacity: number | null;
  seats: { bookingId: string; studentId: string; state: "seated" | "released"; at: number }[];
}

/** One student's records for D1, as JSON arrays of rows in D1's column order (cheap to pass on). */
export interface Parcel {
  /** [id, eventId, slotId, studentId, companyId, startsAt, endsAt, phase, status, createdAt, updatedAt, cancelledAt, cancelReason, cancelledBy, origin][] */
  bookings: string;
  /** [id, eventId, studentId, slotId, success, errorCode, errorMessage, responseTimeMs, attemptedAt, latencyBucket][] */
  attempts: string;
}

/** What became of a parcel: written (some records possibly refused for good by D1), or not at all. */
export type ParcelVerdict = { ok: true; refused: { ids: string[]; error: string }[] } | { ok: false; error: string };

export interface RecorderState {
  /** Parcels waiting for the next D1 batch. */
  waiting: number;
  batches: number;
  /** Consecutive failed D1 batches. */
  failures: number;
  /** Records acknowledged to students that D1 does not hold yet, as this recorder last saw them (its failed parcels). */
  unwritten: number;
}
