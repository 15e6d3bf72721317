// StudentDO: one per student per event (`student:<eventId>:<userId>`). It owns the student's
// bookings, applies the rules, coordinates the seat with SlotDO and keeps a durable outbox to D1
// (through a RecorderDO, which batches the D1 writes of many students).
// DESIGN.md "The booking path" is the specification; the numbered steps below refer to it.
//
// Hazard: awaiting SlotDO opens this object's input gate, so other calls of the same student run
// meanwhile. Everything a concurrent call must see (the hold, the idempotency key) is therefore
// written before that await, and every later step re-reads state instead of trusting locals.
import { DurableObject } from "cloudflare:workers";
import type { Booking, ErrorCode, ErrorDetails } from "../worker/domain/contract.ts";
import { type ActiveBooking, type BookingPolicy, type Refusal, decideBooking, decideCancel } from "../worker/domain/rules.ts";
import type { AttemptRow, BookingRow, OutboxRecord, OutboxSink } from "./d1-sink.ts";
import { recorderName } from "./recorder-do.ts";
import { migrate } from "./sql-migrations.ts";
import type { TakeResult } from "./slot-do.ts";

const SCHEMA = [
  `CREATE TABLE bookings (
     id TEXT PRIMARY KEY,
     slot_id TEXT NOT NULL,
     company_id TEXT NOT NULL,
     starts_at INTEGER NOT NULL,
     ends_at INTEGER NOT NULL,
     phase INTEGER NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelling', 'cancelled')),
     idem_key TEXT,
     received_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     cancelled_at INTEGER,
     cancel_reason TEXT
   )`,
  "CREATE INDEX bookings_status ON bookings (status)",
  `CREATE TABLE idempotency (
     key TEXT PRIMARY KEY,
     slot_id TEXT NOT NULL,
     booking_id TEXT,
     result TEXT,
     created_at INTEGER NOT NULL
   )`,
  "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)",
  "CREATE TABLE dead_letter (seq INTEGER PRIMARY KEY, record TEXT NOT NULL, error TEXT NOT NULL, at INTEGER NOT NULL)",
  "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
];

/** A hold left unresolved this long (a crash between the objects) is settled by the alarm. */
const RECOVERY_DELAY_MS = 5_000;
const OUTBOX_BATCH = 40;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 60_000;
/** Per-account ceiling on booking calls: a burst of 30, then one a second. */
const BUCKET_SIZE = 30;
const BUCKET_REFILL_PER_MS = 1 / 1000;

type Status = "pending" | "confirmed" | "cancelling" | "cancelled";

type Row = {
  id: string;
  slot_id: string;
  company_id: string;
  starts_at: number;
  ends_at: number;
  phase: number;
  status: Status;
  idem_key: string | null;
  received_at: number;
  created_at: number;
  updated_at: number;
  cancelled_at: number | null;
  cancel_reason: string | null;
};

export interface SlotInfo {
  id: string;
  companyId: string;
  startsAt: number;
  endsAt: number;
  capacity: number;
}

export interface BookInput {
  eventId: string;
  studentId: string;
  slot: SlotInfo;
  policy: BookingPolicy;
  idempotencyKey: string | null;
  /** When the Worker received the request (epoch ms), for the attempt's response time. */
  receivedAt: number;
}

export interface CancelInput {
  eventId: string;
  studentId: string;
  bookingId: string;
  cancelDeadline: number | null;
}

export type Failure = { ok: false; code: ErrorCode; message: string; details?: ErrorDetails };
export type BookingOutcome = { ok: true; booking: Booking } | Failure;

export type StudentFaultStep = "held" | "seated" | "confirmed" | "cancelling";

export interface StudentState {
  bookings: (Omit<Booking, "status"> & { status: Status })[];
  outbox: number;
  deadLetters: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const fail = (code: ErrorCode, message: string, details?: ErrorDetails): Failure => ({
  ok: false,
  code,
  message,
  ...(details ? { details } : {}),
});
const UNAVAILABLE = "The booking service could not finish this request; nothing was booked. Please retry.";

export class StudentDO extends DurableObject<Env> {
  private sql: SqlStorage;
  /** Where the outbox lands; a field so fault tests can swap in a failing sink. */
  sink: OutboxSink;
  /** Test seam: crash-injection tests set this to abort the object between steps. */
  faultHook?: (step: StudentFaultStep) => void;

  private inflightKeys = new Map<string, Promise<BookingOutcome>>();
  private inflightHolds = new Set<string>();
  private inflightCancels = new Map<string, Promise<BookingOutcome>>();
  private flushing: Promise<void> | null = null;
  private flushAgain = false;
  private alarmAt: number | null = null;
  /** Consecutive failed outbox writes (persisted in meta), for the backoff. */
  private failures = 0;
  private tokens = BUCKET_SIZE;
  private tokensAt = 0;
  private ids: { eventId: string; studentId: string } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // The outbox's records go to D1 through this student's recorder, which batches many students.
    this.sink = { write: (records) => this.recorder().append(records) };
    ctx.blockConcurrencyWhile(async () => {
      migrate(this.sql, SCHEMA);
      this.failures = Number(this.getMeta("outbox_failures") ?? "0");
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  // ---- public RPC -------------------------------------------------------------------------

  /** Step 2 to 4 of the booking path. Refusals are values; only faults throw. */
  async book(input: BookInput): Promise<BookingOutcome> {
    this.identify(input.eventId, input.studentId);
    if (!this.takeToken()) return fail("rate_limited", "Too many booking requests; wait a few seconds.");
    const key = input.idempotencyKey;
    if (key) {
      const known = this.sql
        .exec<{ slot_id: string; booking_id: string | null; result: string | null }>(
          "SELECT slot_id, booking_id, result FROM idempotency WHERE key = ?",
          key,
        )
        .toArray()[0];
      if (known) {
        if (known.slot_id !== input.slot.id)
          return fail("idempotency_conflict", "This Idempotency-Key was already used for another slot.");
        if (known.result) return JSON.parse(known.result) as BookingOutcome;
        const running = this.inflightKeys.get(key);
        if (running) return running;
        // The first try with this key crashed midway: settle its hold, then answer or start over.
        if (known.booking_id) await this.recoverHold(known.booking_id);
        const after = this.sql
          .exec<{ result: string | null }>("SELECT result FROM idempotency WHERE key = ?", key)
          .toArray()[0];
        if (after?.result) return JSON.parse(after.result) as BookingOutcome;
        this.sql.exec("DELETE FROM idempotency WHERE key = ?", key);
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
    return this.attempt(input);
  }

  async cancel(input: CancelInput): Promise<BookingOutcome> {
    this.identify(input.eventId, input.studentId);
    if (!this.takeToken()) return fail("rate_limited", "Too many requests; wait a few seconds.");
    const running = this.inflightCancels.get(input.bookingId);
    if (running) return running;
    const p = this.runCancel(input);
    this.inflightCancels.set(input.bookingId, p);
    try {
      return await p;
    } finally {
      this.inflightCancels.delete(input.bookingId);
    }
  }

  /** The student's bookings as the contract shows them: confirmed, plus cancelled with `all`. */
  list(all: boolean): Booking[] {
    const rows = this.sql
      .exec<Row>(
        `SELECT * FROM bookings WHERE status IN ('confirmed'${all ? ", 'cancelled'" : ""}) ORDER BY starts_at, created_at`,
      )
      .toArray();
    return rows.map((r) => this.view(r));
  }

  /** Everything, for tests and reconciliation. */
  inspect(): StudentState {
    const rows = this.sql.exec<Row>("SELECT * FROM bookings ORDER BY created_at").toArray();
    return {
      bookings: rows.map((r) => ({ ...this.view(r), status: r.status })),
      outbox: this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n,
      deadLetters: this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM dead_letter").one().n,
    };
  }

  /**
   * Writes the outbox through to D1 now (this object's, then its recorder's); resolves with what is
   * still waiting in either when D1 or the recorder refused (the alarms retry).
   */
  async drain(): Promise<number> {
    await this.flush();
    const own = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n;
    return own + (await this.recorder().drain());
  }

  /** Safety net: settles holds left by a crash, finishes cancellations, retries the outbox. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    try {
      for (const r of this.sql.exec<Row>("SELECT * FROM bookings WHERE status IN ('pending', 'cancelling')").toArray()) {
        if (r.status === "pending" && !this.inflightHolds.has(r.id)) await this.recoverHold(r.id);
        if (r.status === "cancelling" && !this.inflightCancels.has(r.id)) await this.finishCancel(r.id, "student");
      }
    } catch (err) {
      console.error(JSON.stringify({ msg: "student recovery failed", error: String(err) }));
    }
    await this.flush();
    this.scheduleAlarm();
  }

  // ---- the booking path --------------------------------------------------------------------

  private async attempt(input: BookInput): Promise<BookingOutcome> {
    const { slot, policy } = input;
    const decision = decideBooking(this.activeBookings(), slot, policy);
    if (!decision.ok) return this.refuse(input, decision);

    const now = Date.now();
    const id = crypto.randomUUID();
    this.sql.exec(
      `INSERT INTO bookings (id, slot_id, company_id, starts_at, ends_at, phase, status, idem_key, received_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
      id, slot.id, slot.companyId, slot.startsAt, slot.endsAt, decision.phase, input.idempotencyKey, input.receivedAt, now, now,
    );
    if (input.idempotencyKey)
      this.sql.exec(
        "INSERT INTO idempotency (key, slot_id, booking_id, result, created_at) VALUES (?, ?, ?, NULL, ?)",
        input.idempotencyKey, slot.id, id, now,
      );
    this.armAlarm(now + RECOVERY_DELAY_MS);
    this.inflightHolds.add(id);
    try {
      this.faultHook?.("held");
      let seat: TakeResult;
      try {
        seat = await this.slotStub(slot.id).take(id, input.studentId, slot.capacity, input.eventId);
      } catch (err) {
        console.error(JSON.stringify({ msg: "SlotDO.take failed", bookingId: id, error: String(err) }));
        return await this.recoverHold(id);
      }
      this.faultHook?.("seated");
      if (seat.ok) return this.confirm(id);
      switch (seat.code) {
        case "slot_full":
          return this.dropHold(id, fail("slot_full", "This slot is full.", { taken: seat.taken, capacity: slot.capacity }));
        case "already_booked":
          return this.dropHold(id, fail("already_booked", "You already hold a seat on this slot."));
        case "slot_closed":
          return this.dropHold(id, fail("not_found", "This slot is no longer offered."));
        case "released":
          return this.dropHold(id, fail("unavailable", UNAVAILABLE), { transient: true });
      }
    } finally {
      this.inflightHolds.delete(id);
    }
  }

  /** A refusal by the rules: no hold, one attempt row, remembered under the idempotency key. */
  private refuse(input: BookInput, r: Refusal): Failure {
    const out = fail(r.code, r.message, r.details);
    if (input.idempotencyKey)
      this.sql.exec(
        "INSERT INTO idempotency (key, slot_id, booking_id, result, created_at) VALUES (?, ?, NULL, ?, ?)",
        input.idempotencyKey, input.slot.id, JSON.stringify(out), Date.now(),
      );
    this.enqueue([this.attemptRecord(input.slot.id, input.receivedAt, out)]);
    return out;
  }

  /** Step 4, success: the hold becomes a booking; its D1 rows go into the outbox in the same commit. */
  private confirm(id: string): BookingOutcome {
    const r = this.row(id);
    if (!r) return fail("unavailable", UNAVAILABLE);
    if (r.status !== "pending") return { ok: true, booking: this.view(r) };
    const now = Date.now();
    this.sql.exec("UPDATE bookings SET status = 'confirmed', updated_at = ? WHERE id = ?", now, id);
    const confirmed = { ...r, status: "confirmed" as const, updated_at: now };
    const out: BookingOutcome = { ok: true, booking: this.view(confirmed) };
    this.remember(r.idem_key, out);
    this.enqueue([this.bookingRecord(confirmed), this.attemptRecord(r.slot_id, r.received_at, out)]);
    this.faultHook?.("confirmed");
    return out;
  }

  /** Step 4, refusal by the slot (or a settled crash): the hold is dropped, the attempt recorded. */
  private dropHold(id: string, out: Failure, opts: { transient?: boolean } = {}): Failure {
    const r = this.row(id);
    if (!r || r.status !== "pending") return out;
    this.sql.exec("DELETE FROM bookings WHERE id = ?", id);
    // A transient failure is not an answer to remember: a retry with the same key tries again.
    if (opts.transient) {
      if (r.idem_key) this.sql.exec("DELETE FROM idempotency WHERE key = ? AND booking_id = ?", r.idem_key, id);
    } else this.remember(r.idem_key, out);
    this.enqueue([this.attemptRecord(r.slot_id, r.received_at, out)]);
    return out;
  }

  /** Settles a hold whose SlotDO answer was lost: seated means confirmed, anything else dropped. */
  private async recoverHold(id: string): Promise<BookingOutcome> {
    const r = this.row(id);
    if (!r || r.status !== "pending") return r ? { ok: true, booking: this.view(r) } : fail("unavailable", UNAVAILABLE);
    const verdict = await this.slotStub(r.slot_id).settle(id, this.studentId());
    return verdict === "seated" ? this.confirm(id) : this.dropHold(id, fail("unavailable", UNAVAILABLE), { transient: true });
  }

  private async runCancel(input: CancelInput): Promise<BookingOutcome> {
    const r = this.row(input.bookingId);
    if (!r || r.status === "pending") return fail("not_found", "No such booking.");
    if (r.status === "cancelled") return { ok: true, booking: this.view(r) };
    if (r.status === "confirmed") {
      const d = decideCancel({ startsAt: r.starts_at }, Date.now(), input.cancelDeadline);
      if (!d.ok) return fail(d.code, d.message, d.details);
      this.sql.exec("UPDATE bookings SET status = 'cancelling', updated_at = ? WHERE id = ?", Date.now(), r.id);
      this.armAlarm(Date.now() + RECOVERY_DELAY_MS);
      this.faultHook?.("cancelling");
    }
    try {
      return await this.finishCancel(r.id, "student");
    } catch (err) {
      console.error(JSON.stringify({ msg: "SlotDO.release failed", bookingId: r.id, error: String(err) }));
      return fail("unavailable", "The cancellation is recorded and will complete within seconds.");
    }
  }

  /** The seat is released before the booking is marked cancelled: never a booking without a seat. */
  private async finishCancel(id: string, reason: string): Promise<BookingOutcome> {
    const r = this.row(id);
    if (!r) return fail("not_found", "No such booking.");
    if (r.status !== "cancelling") return { ok: true, booking: this.view(r) };
    await this.slotStub(r.slot_id).release(id, this.studentId());
    const now = Date.now();
    this.sql.exec(
      "UPDATE bookings SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?, updated_at = ? WHERE id = ? AND status = 'cancelling'",
      now, reason, now, id,
    );
    const done = { ...r, status: "cancelled" as const, cancelled_at: now, cancel_reason: reason, updated_at: now };
    this.enqueue([this.bookingRecord(done)]);
    return { ok: true, booking: this.view(done) };
  }

  // ---- outbox ------------------------------------------------------------------------------

  private enqueue(records: OutboxRecord[]): void {
    for (const rec of records) this.sql.exec("INSERT INTO outbox (record) VALUES (?)", JSON.stringify(rec));
    this.armAlarm(Date.now() + this.backoffMs());
    // Written to D1 at once, after this call's storage commit; the alarm is the safety net.
    this.flush().catch((err) => console.error(JSON.stringify({ msg: "outbox flush crashed", error: String(err) })));
  }

  private flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.flushAgain = false;
          while (await this.flushBatch());
        } while (this.flushAgain);
      } finally {
        this.flushing = null;
        this.scheduleAlarm();
      }
    })();
    return this.flushing;
  }

  /** Writes one batch; true if it made progress and more may remain. */
  private async flushBatch(): Promise<boolean> {
    const rows = this.sql
      .exec<{ seq: number; record: string }>("SELECT seq, record FROM outbox ORDER BY seq LIMIT ?", OUTBOX_BATCH)
      .toArray();
    if (!rows.length) return false;
    const records = rows.map((r) => JSON.parse(r.record) as OutboxRecord);
    try {
      await this.sink.write(records);
      this.sql.exec("DELETE FROM outbox WHERE seq <= ?", rows[rows.length - 1]!.seq);
      if (this.failures > 0) this.setFailures(0);
      return rows.length === OUTBOX_BATCH;
    } catch (err) {
      return this.isolatePoison(rows, records, err);
    }
  }

  /**
   * A failed batch is either D1 being away (every row fails: back off and retry) or one row D1
   * will never accept (a constraint): that row moves to dead_letter, where reconcile reports it,
   * so it cannot stall the student's later writes.
   */
  private async isolatePoison(rows: { seq: number; record: string }[], records: OutboxRecord[], err: unknown): Promise<boolean> {
    if (rows.length > 1) {
      let written = 0;
      const failed: { seq: number; record: string; error: string }[] = [];
      for (let i = 0; i < rows.length; i++) {
        try {
          await this.sink.write([records[i]!]);
          written++;
          this.sql.exec("DELETE FROM outbox WHERE seq = ?", rows[i]!.seq);
        } catch (e) {
          failed.push({ ...rows[i]!, error: String(e) });
        }
      }
      if (written > 0) {
        for (const f of failed) {
          if (!/constraint/i.test(f.error)) continue;
          this.sql.exec("INSERT OR REPLACE INTO dead_letter (seq, record, error, at) VALUES (?, ?, ?, ?)", f.seq, f.record, f.error, Date.now());
          this.sql.exec("DELETE FROM outbox WHERE seq = ?", f.seq);
        }
        return true;
      }
    }
    this.setFailures(this.failures + 1);
    console.error(JSON.stringify({ msg: "outbox write failed", failures: this.failures, error: String(err) }));
    return false;
  }

  private setFailures(n: number): void {
    this.failures = n;
    this.setMeta("outbox_failures", String(n));
  }

  private backoffMs(): number {
    return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.failures);
  }

  /** The alarm points at the earliest due work, and is cleared when there is none. */
  private scheduleAlarm(): void {
    const outbox = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n;
    const open = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM bookings WHERE status IN ('pending', 'cancelling')").one().n;
    if (outbox > 0) this.setAlarm(Date.now() + this.backoffMs());
    else if (open > 0) this.setAlarm(Date.now() + RECOVERY_DELAY_MS);
    else if (this.alarmAt !== null) {
      this.alarmAt = null;
      void this.ctx.storage.deleteAlarm();
    }
  }

  /** Moves the alarm earlier if `at` is earlier (never later: a due retry must not be pushed back). */
  private armAlarm(at: number): void {
    if (this.alarmAt === null || at < this.alarmAt) this.setAlarm(at);
  }

  private setAlarm(at: number): void {
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private identify(eventId: string, studentId: string): void {
    if (this.ids) return;
    this.ids = { eventId, studentId };
    if (this.getMeta("student_id") === null) {
      this.setMeta("event_id", eventId);
      this.setMeta("student_id", studentId);
    }
  }

  private studentId(): string {
    return this.ids?.studentId ?? this.getMeta("student_id") ?? "";
  }

  private eventId(): string {
    return this.ids?.eventId ?? this.getMeta("event_id") ?? "";
  }

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(BUCKET_SIZE, this.tokens + (now - this.tokensAt) * BUCKET_REFILL_PER_MS);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private activeBookings(): ActiveBooking[] {
    return this.sql
      .exec<Row>("SELECT * FROM bookings WHERE status IN ('pending', 'confirmed', 'cancelling')")
      .toArray()
      .map((r) => ({
        id: r.id,
        slotId: r.slot_id,
        companyId: r.company_id,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        phase: r.phase === 1 ? 1 : 2,
      }));
  }

  private row(id: string): Row | undefined {
    return this.sql.exec<Row>("SELECT * FROM bookings WHERE id = ?", id).toArray()[0];
  }

  private remember(key: string | null, out: BookingOutcome): void {
    if (key) this.sql.exec("UPDATE idempotency SET result = ? WHERE key = ?", JSON.stringify(out), key);
  }

  private view(r: Row): Booking {
    return {
      id: r.id,
      slotId: r.slot_id,
      companyId: r.company_id,
      startsAt: iso(r.starts_at),
      endsAt: iso(r.ends_at),
      phase: r.phase === 1 ? 1 : 2,
      status: r.status === "cancelled" ? "cancelled" : "confirmed",
    };
  }

  private bookingRecord(r: Row): OutboxRecord {
    const row: BookingRow = {
      id: r.id,
      eventId: this.eventId(),
      slotId: r.slot_id,
      studentId: this.studentId(),
      companyId: r.company_id,
      startsAt: iso(r.starts_at),
      endsAt: iso(r.ends_at),
      phase: r.phase,
      status: r.status === "cancelled" ? "cancelled" : "confirmed",
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
      cancelledAt: r.cancelled_at === null ? null : iso(r.cancelled_at),
      cancelReason: r.cancel_reason,
    };
    return { kind: "booking", row };
  }

  private attemptRecord(slotId: string, receivedAt: number, out: BookingOutcome): OutboxRecord {
    const now = Date.now();
    const row: AttemptRow = {
      id: crypto.randomUUID(),
      eventId: this.eventId(),
      studentId: this.studentId(),
      slotId,
      success: out.ok,
      errorCode: out.ok ? null : out.code,
      errorMessage: out.ok ? null : out.message,
      responseTimeMs: Math.max(0, now - receivedAt),
      attemptedAt: iso(receivedAt),
    };
    return { kind: "attempt", row };
  }

  private recorder() {
    return this.env.RECORDER.getByName(recorderName(this.eventId(), this.studentId()));
  }

  private slotStub(slotId: string) {
    return this.env.SLOT.getByName(`slot:${slotId}`);
  }

  private getMeta(k: string): string | null {
    return this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", k).toArray()[0]?.v ?? null;
  }

  private setMeta(k: string, v: string): void {
    this.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v", k, v);
  }
}
