// StudentDO: one per student per event (`student:<eventId>:<userId>`). It owns the student's
// bookings, applies the rules, coordinates the seat with SlotDO, and owes D1 the record of each
// change and attempt, delivered through a RecorderDO that batches many students' writes.
// DESIGN.md "The booking path" is the specification; the numbered steps below refer to it.
//
// Hazard: awaiting SlotDO opens this object's input gate, so other calls of the same student run
// meanwhile. Everything a concurrent call must see (the hold, the idempotency key) is therefore
// set before that await, and every later step re-reads state instead of trusting locals.
//
// The hold is kept in memory, not written: the booking's first row is its confirmation, and a
// refused attempt writes one attempt row and sets no alarm. A crash with a hold out loses nothing
// acknowledged; the slot, which checks each new seat (slot-do.ts), frees a seat this object no
// longer knows, and a retry that finds its seat still there takes it back (`seat`, "already_booked").
import { DurableObject } from "cloudflare:workers";
import type { Booking, BookingOrigin, CancelledBy, ErrorCode, ErrorDetails } from "../worker/domain/contract.ts";
import { type CancelPolicy, type Refusal, SLOT_FULL_MESSAGE, decideBooking, decideCancel, decideOfficeBooking } from "../worker/domain/rules.ts";
import { RETRY_AFTER_S, objectFault, parseStudentName, recorderShard, recorderStub, slotStub } from "../worker/lib/objects.ts";
import type {
  BookInput,
  BookingOutcome,
  CancelForInput,
  CancelInput,
  Failure,
  MoveInput,
  Parcel,
  ParcelVerdict,
  SlotCalls,
  SeatAnswer,
  SlotInfo,
  StudentFaultStep,
  StudentState,
  TakeResult,
} from "./api.ts";
import type { PackedAttempt } from "./d1-sink.ts";
import { Outbox, backoffMs, lingerMs } from "./outbox.ts";
import { type BookingRec, type KeyedAttempt, type OutRecord, StudentStore } from "./student-store.ts";
import { KeepWarm, keepWarmMs } from "./keep-warm.ts";
import { TokenBucket } from "./token-bucket.ts";
import { errorFields, logLine } from "../worker/lib/log.ts";

/** A cancellation (or an earlier version's written hold) left unresolved this long is settled by the alarm; a booking change not delivered this long, delivered by it. */
export const RECOVERY_DELAY_MS = 5_000;
const OUTBOX_BATCH = 64;
/** storage.kv prefix of the seats this object disowned (`seatKept`). */
const DISOWNED = "disowned:";

const iso = (ms: number) => new Date(ms).toISOString();
/** How an attempt arrived: its key, when the Worker received it, whether the caller delivers a refusal's row (BookInput.carry). */
type Received = { key: string | null; receivedAt: number; carry?: boolean };
const fail = (code: ErrorCode, message: string, details?: ErrorDetails, retryAfter?: number): Failure => ({
  ok: false,
  code,
  message,
  ...(details ? { details } : {}),
  ...(retryAfter ? { retryAfter } : {}),
});
const UNAVAILABLE = "The booking service could not finish this request; nothing was booked. Please retry.";
const unavailable = (retryAfter: number = RETRY_AFTER_S.unreachable) => fail("unavailable", UNAVAILABLE, undefined, retryAfter);

export class StudentDO extends DurableObject<Env> {
  private readonly ids: { eventId: string; studentId: string };
  private store!: StudentStore;
  private outbox!: Outbox<OutRecord>;
  /** Per-account ceiling on booking calls: a burst of 30, then one a second. */
  private readonly bucket = new TokenBucket(30, 1);
  /** A student clicks again within a minute: stay in memory meanwhile (keep-warm.ts). */
  private readonly warm: KeepWarm;
  /** How long a refused click's attempt row may wait for company (REFUSAL_LINGER_SECONDS); a field so tests can set it. */
  lingerMs: number;
  /** Test seam: crash-injection tests set this to abort the object between steps. */
  faultHook?: (step: StudentFaultStep) => void;
  /** Test seam: refusals' rows stay owed here even when the caller would carry them (as for a draw's calls). */
  oweRefusalRows = false;
  /** Where the outbox's parcels go; a field so fault tests can make them fail. */
  send: (parcel: Parcel) => Promise<ParcelVerdict>;
  /** The slot objects; a field so fault tests can make them fail. */
  slot: (slotId: string) => SlotCalls;

  private readonly inflightKeys = new Map<string, Promise<BookingOutcome>>();
  private readonly inflightHolds = new Set<string>();
  private readonly inflightCancels = new Map<string, Promise<BookingOutcome>>();
  /** What this activation set the alarm to (null: none set by it). */
  private alarmAt: number | null = null;
  /** Consecutive failed recoveries (SlotDO overloaded or away): the alarm backs off. */
  private recoveryFailures = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.warm = new KeepWarm(keepWarmMs(env));
    this.lingerMs = lingerMs(env);
    this.ids = parseStudentName(ctx.id.name);
    // A stub per call: a stub that saw its object reset stays broken (Cloudflare's "Error handling").
    this.send = (parcel) => recorderStub(env, this.ids.eventId, recorderShard(this.ids.studentId)).append(parcel, this.ids.studentId);
    this.slot = (slotId) => slotStub(env, slotId);
    ctx.blockConcurrencyWhile(async () => {
      this.store = new StudentStore(ctx.storage, this.ids);
      this.outbox = new Outbox({
        source: this.store,
        send: (records) => this.send(this.store.parcel(records)),
        kv: ctx.storage.kv,
        fresh: this.store.fresh,
        batch: OUTBOX_BATCH,
        settled: () => this.schedule(),
        onWritten: () => this.faultHook?.("delivered"),
      });
      // A refused attempt's row sets no alarm (its delivery starts at once): if the object went away
      // before delivering it, this activation sets one, never later than one already set.
      if (!this.store.fresh && (this.store.nextDue(Date.now()) !== null || this.store.hasOpen())) {
        this.alarmAt = await ctx.storage.getAlarm();
        this.schedule();
      }
    });
  }

  // ---- public RPC -------------------------------------------------------------------------

  /** Steps 2 to 4 of the booking path. Refusals are values; only faults throw. */
  async book(input: BookInput): Promise<BookingOutcome> {
    this.warm.touch();
    if (this.oweRefusalRows) input = { ...input, carry: false };
    const now = Date.now();
    const wait = this.bucket.take(now);
    if (wait) return fail("rate_limited", "Too many booking requests; wait a few seconds.", undefined, wait);
    const key = input.idempotencyKey;
    if (!key) return this.attempt(input);
    const known = this.store.findKey(key, now);
    if (known) {
      if (known.slotId !== input.slot.id) return fail("idempotency_conflict", "This Idempotency-Key was already used for another slot.");
      if (known.code !== null) return this.replay(known);
      const running = this.inflightKeys.get(key);
      if (running) return running;
      // The first try with this key crashed midway: settle its hold, then answer or start over.
      if (known.bookingId) {
        const settled = await this.recoverHold(known.bookingId);
        // The slot could not be asked: the hold still stands, so a second attempt would only collide with it.
        if (!settled.ok && settled.code === "unavailable" && this.store.get(known.bookingId)?.status === "pending") return settled;
      }
      const after = this.store.findKey(key, Date.now());
      if (after?.code) return this.replay(after);
      const raced = this.inflightKeys.get(key);
      if (raced) return raced;
    }
    const attempt = this.attempt(input);
    this.inflightKeys.set(key, attempt);
    try {
      return await attempt;
    } finally {
      this.inflightKeys.delete(key);
    }
  }

  /**
   * The student's page says a phase opens within the minute: be loaded (a new object creates its
   * tables now) and stay in memory through the opening, so the first click finds the object ready
   * instead of paying for its activation in the middle of the herd. Reads and writes nothing.
   */
  ready(): void {
    this.warm.touch();
  }

  async cancel(input: CancelInput): Promise<BookingOutcome> {
    this.warm.touch();
    const wait = this.bucket.take(Date.now());
    if (wait) return fail("rate_limited", "Too many requests; wait a few seconds.", undefined, wait);
    return this.cancelOnce(input.bookingId, () => this.runCancel(input.bookingId, "student", null, input.policy));
  }

  // ---- on the student's behalf (#15): the office, a recruiter, a withdrawal -------------------

  /** Cancels at any time, with a reason, through the same path as the student's own cancellation. */
  async cancelFor(input: CancelForInput): Promise<BookingOutcome> {
    return this.cancelOnce(input.bookingId, () => this.runCancel(input.bookingId, input.by, input.reason, null));
  }

  /**
   * The office moves a booking to another slot: the rules of an office booking (caps respected
   * unless overridden), the new seat taken through SlotDO like any booking, then the old booking
   * cancelled (`cancelled_by` "move"). If the new seat is refused, the old booking stays as it was.
   */
  async move(input: MoveInput): Promise<BookingOutcome> {
    const old = this.store.get(input.bookingId);
    if (!old || old.status !== "confirmed") return fail("not_found", "No confirmed booking with this id.");
    const others = this.store.active().filter((b) => b.id !== old.id);
    const d = decideOfficeBooking(others, input.slot, input.policy);
    if (!d.ok) return fail(d.code, d.message, d.details);
    const moved = await this.seat(input.slot, old.phase === 1 ? 1 : 2, { key: null, receivedAt: input.receivedAt }, input.policy.override, old.origin);
    if (!moved.ok) return moved;
    const released = await this.cancelOnce(old.id, () => this.runCancel(old.id, "move", input.reason, null));
    // "unavailable": the old booking is recorded as cancelling and the alarm finishes it.
    if (!released.ok && released.code !== "unavailable") logLine("error", "move: old booking not cancelled", { bookingId: old.id, code: released.code });
    return moved;
  }

  private async cancelOnce(bookingId: string, run: () => Promise<BookingOutcome>): Promise<BookingOutcome> {
    const running = this.inflightCancels.get(bookingId);
    if (running) return running;
    const p = run();
    this.inflightCancels.set(bookingId, p);
    try {
      return await p;
    } finally {
      this.inflightCancels.delete(bookingId);
    }
  }

  /** The student's bookings as the contract shows them: confirmed, plus cancelled with `all`. */
  list(all: boolean): Booking[] {
    return this.store
      .all()
      .filter((r) => r.status === "confirmed" || (all && r.status === "cancelled"))
      .sort((a, b) => a.starts_at - b.starts_at || a.created_at - b.created_at)
      .map((r) => this.view(r));
  }

  /**
   * A slot checks a seat it holds for this student (slot-do.ts): booked here, still being decided
   * (a hold in flight), or unknown — then the slot frees it, and this object never takes it back.
   */
  seatKept(bookingId: string): SeatAnswer {
    const r = this.store.get(bookingId);
    if (r) return r.status === "pending" ? "deciding" : "booked";
    // Stored, and the answer leaves once that is durable: the slot frees the seat, and this object
    // (in this activation or a later one a retry may reach first) never takes it back.
    this.ctx.storage.kv.put(`${DISOWNED}${bookingId}`, Date.now());
    return "unknown";
  }

  /** Whether `seatKept` answered "unknown" for this seat (asked only when a slot names a seat this object does not know). */
  private disowns(bookingId: string): boolean {
    return this.ctx.storage.kv.get(`${DISOWNED}${bookingId}`) !== undefined;
  }

  /** Everything, for tests and reconciliation. */
  inspect(): StudentState {
    return {
      bookings: this.store.all().map((r) => ({ ...this.view(r), status: r.status })),
      outbox: this.store.owedCount(),
      waiting: this.outbox.lingering ? this.store.freshAttempts() : 0,
      deadLetters: this.store.deadCount(),
    };
  }

  /** Delivers what is owed now, backoff or not; resolves with what is still owed (D1 or the recorder refused). */
  async drain(): Promise<number> {
    await this.outbox.flush();
    return this.store.owedCount();
  }

  /** Safety net: settles holds left by a crash, finishes cancellations, delivers what is owed. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    for (const r of this.store.open()) {
      if (r.status === "pending" && !this.inflightHolds.has(r.id)) await this.recoverHold(r.id);
      if (r.status === "cancelling" && !this.inflightCancels.has(r.id))
        await this.finishCancel(r.id).catch((err: unknown) => {
          this.recoveryFailures++;
          logLine("error", "SlotDO.release failed (alarm)", { bookingId: r.id, fault: objectFault(err), ...errorFields(err) });
        });
    }
    await this.outbox.flush();
  }

  // ---- the booking path --------------------------------------------------------------------

  private async attempt(input: BookInput): Promise<BookingOutcome> {
    const decision = decideBooking(this.store.active(), input.slot, input.policy);
    if (!decision.ok) return this.refuse(input, decision);
    return this.seat(input.slot, decision.phase, { key: input.idempotencyKey, receivedAt: input.receivedAt, carry: input.carry }, false, input.origin ?? "fcfs");
  }

  /** After the decision: the hold, written before SlotDO is asked for the seat (steps 3 and 4). */
  private async seat(slot: SlotInfo, phase: 1 | 2, received: Received, ignoreBlock: boolean, origin: BookingOrigin): Promise<BookingOutcome> {
    const now = Date.now();
    const id = crypto.randomUUID();
    this.store.hold(id, slot, phase, received.key, received.receivedAt, now, origin);
    this.inflightHolds.add(id);
    try {
      this.faultHook?.("held");
      let seat: TakeResult;
      try {
        seat = await this.slot(slot.id).take(id, this.ids.studentId, slot.capacity, now, { eventId: this.ids.eventId, ...(ignoreBlock ? { ignoreBlock } : {}) });
      } catch (err) {
        const fault = objectFault(err);
        logLine("error", "SlotDO.take failed", { bookingId: id, fault, ...errorFields(err) });
        // An overloaded slot is not asked again now: the hold is dropped (had the take seated it, the
        // slot's check would free the seat) and the student retries later.
        if (fault === "overloaded") return this.dropHold(id, unavailable(RETRY_AFTER_S.overloaded), received, true);
        return await this.recoverHold(id, received);
      }
      this.faultHook?.("seated");
      if (seat.ok) return this.confirm(id, received);
      switch (seat.code) {
        case "slot_full": {
          const out = this.dropHold(id, fail("slot_full", SLOT_FULL_MESSAGE, { taken: seat.taken, capacity: seat.capacity }), received);
          // For the Worker's note of full slots (worker/lib/full-slots.ts); never part of the answer.
          return seat.seated ? { ...out, full: { taken: seat.taken, capacity: seat.capacity, seated: seat.seated } } : out;
        }
        case "slot_blocked":
          return this.dropHold(id, fail("slot_blocked", "The company has blocked this slot for now."), received);
        case "already_booked":
          // A seat this object disowned: the slot is freeing it, the next click books a seat of its own.
          if (this.disowns(seat.bookingId)) return this.dropHold(id, unavailable(), received, true);
          // A seat this object does not know: its own, lost in a crash before it was confirmed. Take it back.
          if (!this.store.get(seat.bookingId)) {
            this.store.adopt(id, seat.bookingId);
            return this.confirm(seat.bookingId, received);
          }
          return this.dropHold(id, fail("already_booked", "You already hold a seat on this slot."), received);
        case "slot_closed":
          return this.dropHold(id, fail("not_found", "This slot is no longer offered."), received);
        case "released":
          return this.dropHold(id, unavailable(), received, true);
      }
    } catch (err) {
      // A bug on the way (the Worker answers 500): the hold in memory goes with it, as a crash's
      // would; had the slot seated it, the slot's check frees the seat.
      // Nobody receives this answer's row (the call throws): the outbox owes it.
      this.dropHold(id, fail("internal", "A fault interrupted this booking."), { ...received, carry: false }, true);
      throw err;
    } finally {
      this.inflightHolds.delete(id);
    }
  }

  /** A refusal by the rules: no hold, one attempt row (remembered under the idempotency key). */
  private refuse(input: BookInput, r: Refusal): Failure {
    const out = fail(r.code, r.message, r.details);
    const row = this.store.decide({ slotId: input.slot.id, bookingId: null, key: input.idempotencyKey, receivedAt: input.receivedAt, out, carried: input.carry }, Date.now());
    return this.refused(out, row);
  }

  /** A refusal's row: handed to the caller that delivers it, else owed by this object's outbox. */
  private refused(out: Failure, row: PackedAttempt | undefined): Failure {
    if (row) return { ...out, row };
    this.delivery(false);
    return out;
  }

  /** Step 4, success: the hold becomes a booking, owed to D1 in the same commit. */
  private confirm(id: string, received?: Received): BookingOutcome {
    const r = this.store.get(id);
    if (!r) return unavailable();
    if (r.status !== "pending") return { ok: true, booking: this.view(r) };
    const now = Date.now();
    const booking = this.view(this.store.confirm(id, now));
    this.store.decide({ slotId: r.slot_id, bookingId: id, key: received?.key ?? null, receivedAt: received?.receivedAt ?? r.created_at, out: { ok: true } }, now);
    this.faultHook?.("confirmed");
    this.delivery(true);
    return { ok: true, booking };
  }

  /** Step 4, refusal by the slot (or a settled crash): the hold is dropped, the attempt recorded. */
  private dropHold(id: string, out: Failure, received?: Received, transient = false): Failure {
    const r = this.store.get(id);
    if (!r || r.status !== "pending") return out;
    this.store.drop(id);
    // A fault is not an answer to remember: a retry with the same key tries again.
    const row = this.store.decide({ slotId: r.slot_id, bookingId: id, key: received?.key ?? null, receivedAt: received?.receivedAt ?? r.created_at, out, transient, carried: received?.carry }, Date.now());
    return this.refused(out, row);
  }

  /** Settles a hold whose SlotDO answer was lost: seated means confirmed, anything else dropped. */
  private async recoverHold(id: string, received?: Received): Promise<BookingOutcome> {
    const r = this.store.get(id);
    if (!r || r.status !== "pending") return r ? { ok: true, booking: this.view(r) } : unavailable();
    let verdict: "seated" | "absent";
    try {
      verdict = await this.slot(r.slot_id).settle(id, this.ids.studentId);
    } catch (err) {
      const fault = objectFault(err);
      logLine("error", "SlotDO.settle failed", { bookingId: id, fault, ...errorFields(err) });
      const out = unavailable(fault === "overloaded" ? RETRY_AFTER_S.overloaded : RETRY_AFTER_S.unreachable);
      // A hold in memory is given up: had the take seated it, the slot's check frees the seat.
      if (this.store.inMemory(id)) return this.dropHold(id, out, received, true);
      // A written hold (an earlier version's) stays; the alarm tries again, backing off.
      this.recoveryFailures++;
      this.schedule();
      return out;
    }
    this.recoveryFailures = 0;
    return verdict === "seated" ? this.confirm(id, received) : this.dropHold(id, unavailable(), received, true);
  }

  /** `policy` null: on the student's behalf, no deadline. Who and why are kept from the first step. */
  private async runCancel(bookingId: string, by: CancelledBy, reason: string | null, policy: CancelPolicy | null): Promise<BookingOutcome> {
    const r = this.store.get(bookingId);
    if (!r || r.status === "pending") return fail("not_found", "No such booking.");
    if (r.status === "cancelled") return { ok: true, booking: this.view(r) };
    if (r.status === "confirmed") {
      const now = Date.now();
      if (policy) {
        const d = decideCancel({ startsAt: r.starts_at }, policy);
        if (!d.ok) return fail(d.code, d.message, d.details);
      }
      this.store.cancelling(r.id, by, reason, now);
      this.arm(now + RECOVERY_DELAY_MS);
      this.faultHook?.("cancelling");
    }
    try {
      return await this.finishCancel(r.id);
    } catch (err) {
      const fault = objectFault(err);
      logLine("error", "SlotDO.release failed", { bookingId: r.id, fault, ...errorFields(err) });
      this.recoveryFailures++;
      this.schedule();
      return fail("unavailable", "The cancellation is recorded and will complete within seconds.", undefined, fault === "overloaded" ? RETRY_AFTER_S.overloaded : RETRY_AFTER_S.unreachable);
    }
  }

  /** The seat is released before the booking is marked cancelled: never a booking without a seat. */
  private async finishCancel(id: string): Promise<BookingOutcome> {
    const r = this.store.get(id);
    if (!r) return fail("not_found", "No such booking.");
    if (r.status !== "cancelling") return { ok: true, booking: this.view(r) };
    await this.slot(r.slot_id).release(id, this.ids.studentId);
    this.recoveryFailures = 0;
    this.faultHook?.("released");
    const done = this.store.get(id);
    if (done?.status !== "cancelling") return done ? { ok: true, booking: this.view(done) } : fail("not_found", "No such booking.");
    const booking = this.view(this.store.cancelled(id, Date.now()));
    this.delivery(true);
    return { ok: true, booking };
  }

  private replay(k: KeyedAttempt): BookingOutcome {
    if (k.code !== "ok") return fail(k.code as ErrorCode, k.message ?? "", k.details ?? undefined);
    const r = k.bookingId ? this.store.get(k.bookingId) : undefined;
    // The first answer, as it was given (the booking may have been cancelled since).
    return r ? { ok: true, booking: { ...this.view(r), status: "confirmed" } } : unavailable();
  }

  // ---- the alarm ---------------------------------------------------------------------------

  /**
   * Something became owed to D1. A booking's change is delivered now (unless backing off, when the
   * alarm is set already), with the alarm armed as a safety net, and takes along any refusal rows
   * waiting. A refused attempt's row waits up to REFUSAL_LINGER_SECONDS for company (the student's
   * next clicks) and arms no alarm: an alarm set and cleared per click was most of a refusal's
   * cost, and the row is not lost without it (a failed delivery sets the alarm; a crash leaves it
   * for the next activation, which does).
   */
  private delivery(booking: boolean): void {
    if (!booking) return this.outbox.later(this.lingerMs);
    this.outbox.kick();
    const at = this.outbox.nextAlarm(Date.now(), RECOVERY_DELAY_MS);
    if (at !== null) this.arm(at);
  }

  /** Moves the alarm earlier if `at` is earlier (never later: a due retry must not be pushed back). */
  private arm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  /** The alarm points at the earliest due work (holds to settle, records owed), and is cleared when there is none. */
  private schedule(): void {
    const now = Date.now();
    let at = this.outbox.nextAlarm(now, RECOVERY_DELAY_MS);
    if (this.store.hasOpen()) {
      const recovery = now + Math.max(RECOVERY_DELAY_MS, backoffMs(this.recoveryFailures));
      at = at === null ? recovery : Math.min(at, recovery);
    }
    if (at !== null) this.arm(at);
    else if (this.alarmAt !== null) {
      this.alarmAt = null;
      void this.ctx.storage.deleteAlarm();
    }
  }

  private view(r: BookingRec): Booking {
    return {
      id: r.id,
      slotId: r.slot_id,
      companyId: r.company_id,
      startsAt: iso(r.starts_at),
      endsAt: iso(r.ends_at),
      phase: r.phase === 1 ? 1 : 2,
      status: r.status === "cancelled" ? "cancelled" : "confirmed",
      // Attendance is recorded in D1 on the day, not here: the Worker adds it where it shows it.
      attendance: null,
      origin: r.origin,
    };
  }
}
