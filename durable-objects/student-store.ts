// A StudentDO's storage: its bookings and its attempts, in SQLite, with the bookings mirrored in
// memory (a student holds a handful; every decision reads them all). The rows are also the outbox:
// a booking whose state D1 has not seen yet, or a decided attempt not yet written, is owed (`out`),
// and the Outbox delivers exactly those, so nothing is copied into a queue of its own.
//
// A hold (a booking being decided) lives in memory only: the booking's first row is written when
// it is confirmed, and a refused attempt writes only its attempt row. If the object crashes with a
// hold out, the slot finds the seat unclaimed and frees it (slot-do.ts, "the slot checks its new
// seats"). Holds written by earlier versions (a `pending` row) are still loaded and settled.
//
// (`out` of a row: see student-schema.ts.)
import type { BookingOrigin, CancelledBy, ErrorDetails } from "../worker/domain/contract.ts";
import type { ActiveBooking } from "../worker/domain/rules.ts";
import type { BookingState, Failure, SlotInfo } from "./api.ts";
import { type PackedAttempt, packAttempt, packBooking } from "./d1-sink.ts";
import { REFUSED_TRIES, backoffMs, type OutboxSource } from "./outbox.ts";
import { migrate } from "./sql-migrations.ts";
import { DEAD, OWED, SENT, STUDENT_SCHEMA } from "./student-schema.ts";

/** How long an idempotency key answers with its first outcome. */
export const KEY_TTL_MS = 24 * 3_600_000;

// A type, not an interface: SqlStorage's row type needs an index signature.
export type BookingRec = {
  id: string;
  slot_id: string;
  company_id: string;
  starts_at: number;
  ends_at: number;
  phase: number;
  status: BookingState;
  created_at: number;
  updated_at: number;
  cancelled_at: number | null;
  /** The reason's words; who gave it is `cancelled_by`. */
  cancel_reason: string | null;
  cancelled_by: CancelledBy | null;
  out: number;
  tries: number;
  retry_at: number | null;
  origin: BookingOrigin;
};

interface AttemptRec {
  id: string;
  slot_id: string;
  code: string;
  message: string | null;
  received_at: number;
  answered_at: number;
  keyed: boolean;
  tries: number;
  retry_at: number | null;
}

/** A record owed to D1: a booking's current state, or a decided attempt. */
export type OutRecord = { id: string; booking: BookingRec } | { id: string; attempt: AttemptRec };

/** An attempt found by its idempotency key. */
export interface KeyedAttempt {
  slotId: string;
  bookingId: string | null;
  /** null while its hold is undecided. */
  code: string | null;
  message: string | null;
  details: ErrorDetails | null;
}

export interface Outcome {
  slotId: string;
  bookingId: string | null;
  key: string | null;
  receivedAt: number;
  out: { ok: true } | Failure;
  /** A fault, not an answer: the key is released so that a retry tries again. */
  transient?: boolean;
  /**
   * The caller delivers this refusal's row (the Worker's booking route: worker/lib/refusal-rows.ts):
   * nothing is owed for it here, and a row is stored only to answer its key.
   */
  carried?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();
const parseDetails = (details: string | null) => (details === null ? null : (JSON.parse(details) as ErrorDetails));

export class StudentStore implements OutboxSource<OutRecord> {
  private readonly sql: SqlStorage;
  private readonly eventId: string;
  private readonly studentId: string;
  private readonly bookings = new Map<string, BookingRec>();
  private readonly owedAttempts = new Map<string, AttemptRec>();
  /** An earlier version's written keyed holds whose attempt row is undecided (`out` 0): booking id → the key. */
  private readonly undecided = new Map<string, string | null>();
  /** Holds kept in memory only (no row until confirmed). */
  private readonly memoryHolds = new Set<string>();
  /**
   * The newest attempt under each idempotency key (its row in `attempts`), so that a retry is
   * answered from memory: a student keeps a few dozen a day, and every keyed booking asks.
   */
  private readonly keys = new Map<string, { attempt: KeyedAttempt; receivedAt: number }>();
  /** Created just now: nothing to load, nothing owed from before. */
  readonly fresh: boolean;
  /** The oldest attempt kept only for its idempotency key (null: none), for pruning. */
  private oldestKept: number | null = null;

  constructor(storage: DurableObjectStorage, ids: { eventId: string; studentId: string }) {
    this.sql = storage.sql;
    this.eventId = ids.eventId;
    this.studentId = ids.studentId;
    this.fresh = migrate(storage, STUDENT_SCHEMA);
    if (this.fresh) return;
    for (const r of this.sql.exec<BookingRec>("SELECT * FROM bookings ORDER BY created_at").toArray()) this.bookings.set(r.id, { ...r });
    // Oldest first: a later use of a key replaces an earlier one in `keys`.
    for (const a of this.sql
      .exec<{ id: string; idem_key: string | null; slot_id: string; booking_id: string | null; code: string | null; message: string | null; details: string | null; received_at: number; answered_at: number | null; out: number; tries: number; retry_at: number | null }>(
        "SELECT id, idem_key, slot_id, booking_id, code, message, details, received_at, answered_at, out, tries, retry_at FROM attempts WHERE out IN (0, 1) OR idem_key IS NOT NULL ORDER BY rowid",
      )
      .toArray()) {
      if (a.idem_key !== null)
        this.keys.set(a.idem_key, { attempt: { slotId: a.slot_id, bookingId: a.booking_id, code: a.code, message: a.message, details: parseDetails(a.details) }, receivedAt: a.received_at });
      if (a.out === SENT) this.oldestKept = Math.min(this.oldestKept ?? a.received_at, a.received_at);
      if (a.out === 0 && a.booking_id) this.undecided.set(a.booking_id, a.idem_key);
      else if (a.out === OWED && a.code)
        this.owedAttempts.set(a.id, { id: a.id, slot_id: a.slot_id, code: a.code, message: a.message, received_at: a.received_at, answered_at: a.answered_at ?? a.received_at, keyed: a.idem_key !== null, tries: a.tries, retry_at: a.retry_at });
    }
  }

  // ---- reads (memory) ----------------------------------------------------------------------

  get(id: string): BookingRec | undefined {
    return this.bookings.get(id);
  }

  all(): BookingRec[] {
    return [...this.bookings.values()];
  }

  /** Bookings that still hold their place: pending, confirmed or being cancelled. */
  active(): ActiveBooking[] {
    const out: ActiveBooking[] = [];
    for (const r of this.bookings.values())
      if (r.status !== "cancelled") out.push({ id: r.id, slotId: r.slot_id, companyId: r.company_id, startsAt: r.starts_at, endsAt: r.ends_at, phase: r.phase === 1 ? 1 : 2 });
    return out;
  }

  /** Written holds (an earlier version's) and cancellations a crash may have left unfinished; not the holds in memory. */
  open(): BookingRec[] {
    return this.all().filter((r) => r.status === "cancelling" || (r.status === "pending" && !this.memoryHolds.has(r.id)));
  }

  hasOpen(): boolean {
    for (const r of this.bookings.values()) if (r.status === "cancelling" || (r.status === "pending" && !this.memoryHolds.has(r.id))) return true;
    return false;
  }

  /** A hold this object keeps in memory only (not an earlier version's written one). */
  inMemory(id: string): boolean {
    return this.memoryHolds.has(id);
  }

  /** The newest use of the key within its lifetime (an expired one may linger until pruned). */
  findKey(key: string, now: number): KeyedAttempt | undefined {
    const k = this.keys.get(key);
    return k && k.receivedAt >= now - KEY_TTL_MS ? k.attempt : undefined;
  }

  // ---- writes (SQL first, then memory) -------------------------------------------------------

  /** A hold before SlotDO is asked, in memory: concurrent calls see it (caps), a retry with its key finds it. */
  hold(id: string, slot: SlotInfo, phase: 1 | 2, key: string | null, receivedAt: number, now: number, origin: BookingOrigin = "fcfs"): void {
    const r: BookingRec = {
      id, slot_id: slot.id, company_id: slot.companyId, starts_at: slot.startsAt, ends_at: slot.endsAt, phase,
      status: "pending", created_at: now, updated_at: now, cancelled_at: null, cancel_reason: null, cancelled_by: null, out: 0, tries: 0, retry_at: null, origin,
    };
    if (key) this.keys.set(key, { attempt: { slotId: slot.id, bookingId: id, code: null, message: null, details: null }, receivedAt });
    this.memoryHolds.add(id);
    this.bookings.set(id, r);
  }

  /**
   * The hold `id` becomes the hold of `seatId`, a seat the slot holds for this student that this
   * object lost in a crash: confirming it keeps the seat the student asked for again.
   */
  adopt(id: string, seatId: string): void {
    const r = this.bookings.get(id);
    if (!r || !this.memoryHolds.delete(id)) return;
    this.bookings.delete(id);
    this.bookings.set(seatId, { ...r, id: seatId });
    this.memoryHolds.add(seatId);
    for (const k of this.keys.values()) if (k.attempt.bookingId === id) k.attempt = { ...k.attempt, bookingId: seatId };
  }

  /**
   * An attempt's answer, owed to D1 (and kept for its key, unless it was a fault); a refusal the
   * caller carries (`carried`) is owed nothing here: its packed row is returned for the caller.
   */
  decide(o: Outcome, now: number): PackedAttempt | undefined {
    const code = o.out.ok ? "ok" : o.out.code;
    const message = o.out.ok ? null : o.out.message;
    const details = !o.out.ok && o.out.details && o.key ? JSON.stringify(o.out.details) : null;
    const id = crypto.randomUUID();
    const heldKey = o.bookingId ? this.undecided.get(o.bookingId) : undefined;
    if (heldKey !== undefined) {
      // An earlier version's keyed hold: its attempt row exists, undecided.
      this.undecided.delete(o.bookingId!);
      this.sql.exec(
        `UPDATE attempts SET id = ?, code = ?, message = ?, details = ?, answered_at = ?, out = ${OWED}, idem_key = CASE WHEN ? THEN NULL ELSE idem_key END
         WHERE booking_id = ? AND out = 0`,
        id, code, message, details, now, o.transient ? 1 : 0, o.bookingId,
      );
      if (heldKey !== null) this.remember(heldKey, o, code, message, details);
    } else {
      // A refusal the caller delivers is stored (as sent) only while its key may be replayed.
      const carried = o.carried === true && !o.out.ok;
      const key = o.transient ? null : o.key;
      if (!carried || key) {
        this.sql.exec(
          `INSERT INTO attempts (id, idem_key, slot_id, booking_id, code, message, details, received_at, answered_at, out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          id, key, o.slotId, o.bookingId, code, message, details, o.receivedAt, now, carried ? SENT : OWED,
        );
      }
      if (o.key) this.remember(o.key, o, code, message, details);
      if (carried) {
        if (key) {
          this.oldestKept = Math.min(this.oldestKept ?? o.receivedAt, o.receivedAt);
          this.pruneKeys(now);
        }
        return packAttempt({ id, eventId: this.eventId, studentId: this.studentId, slotId: o.slotId, code, message, receivedAt: o.receivedAt, answeredAt: now });
      }
    }
    // Keyed: the row keeps a key (the hold's, even when a recovery decides without knowing it).
    const keyed = (heldKey !== undefined ? heldKey !== null : !!o.key) && !o.transient;
    this.owedAttempts.set(id, { id, slot_id: o.slotId, code, message, received_at: o.receivedAt, answered_at: now, keyed, tries: 0, retry_at: null });
    return undefined;
  }

  /** The key's entry after a decision: its answer, or gone when the answer was a fault (the row's key is cleared). */
  private remember(key: string, o: Outcome, code: string, message: string | null, details: string | null): void {
    if (o.transient) {
      if (this.keys.get(key)?.attempt.bookingId === o.bookingId) this.keys.delete(key);
      return;
    }
    const held = this.keys.get(key);
    const attempt = { slotId: o.slotId, bookingId: o.bookingId, code, message, details: parseDetails(details) };
    this.keys.set(key, { attempt, receivedAt: held && held.attempt.bookingId === o.bookingId ? held.receivedAt : o.receivedAt });
  }

  /** pending → confirmed, owed to D1: a hold in memory gets its first row now. */
  confirm(id: string, now: number): BookingRec {
    if (this.memoryHolds.delete(id)) {
      const r = this.bookings.get(id)!;
      this.sql.exec(
        `INSERT INTO bookings (id, slot_id, company_id, starts_at, ends_at, phase, status, created_at, updated_at, out, origin) VALUES (?, ?, ?, ?, ?, ?, 'confirmed', ?, ?, ${OWED}, ?)`,
        id, r.slot_id, r.company_id, r.starts_at, r.ends_at, r.phase, r.created_at, now, r.origin,
      );
    } else this.sql.exec(`UPDATE bookings SET status = 'confirmed', updated_at = ?, out = ${OWED} WHERE id = ?`, now, id);
    return this.patch(id, { status: "confirmed", updated_at: now, out: OWED });
  }

  /** A hold given up: it never was a booking, D1 never hears of it. */
  drop(id: string): void {
    if (!this.memoryHolds.delete(id)) this.sql.exec("DELETE FROM bookings WHERE id = ?", id);
    this.bookings.delete(id);
  }

  /** confirmed → cancelling; who and why are kept from this first step (a crash may finish it later). */
  cancelling(id: string, by: CancelledBy, reason: string | null, now: number): void {
    this.sql.exec("UPDATE bookings SET status = 'cancelling', cancelled_by = ?, cancel_reason = ?, updated_at = ? WHERE id = ?", by, reason, now, id);
    this.patch(id, { status: "cancelling", cancelled_by: by, cancel_reason: reason, updated_at: now });
  }

  /** cancelling → cancelled, owed to D1. A cancellation begun before `cancelled_by` existed was the student's. */
  cancelled(id: string, now: number): BookingRec {
    const by = this.bookings.get(id)?.cancelled_by ?? "student";
    this.sql.exec(
      `UPDATE bookings SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, updated_at = ?, out = ${OWED}, tries = 0, retry_at = NULL WHERE id = ? AND status = 'cancelling'`,
      now, by, now, id,
    );
    return this.patch(id, { status: "cancelled", cancelled_at: now, cancelled_by: by, updated_at: now, out: OWED, tries: 0, retry_at: null });
  }

  private patch(id: string, p: Partial<BookingRec>): BookingRec {
    const r = this.bookings.get(id)!;
    Object.assign(r, p);
    return r;
  }

  // ---- the outbox's source -------------------------------------------------------------------

  due(now: number, limit: number): OutRecord[] {
    const ready = (x: { out?: number; retry_at: number | null }) => x.retry_at === null || x.retry_at <= now;
    const out: OutRecord[] = [];
    // Bookings first, oldest change first: on one slot, "A cancelled" always precedes "B confirmed".
    const owed = this.all().filter((b) => b.out === OWED && ready(b)).sort((a, b) => a.updated_at - b.updated_at);
    // A copy: the booking may change while its delivery is under way (then the newer state stays owed).
    for (const b of owed) if (out.length < limit) out.push({ id: b.id, booking: { ...b } });
    for (const a of this.owedAttempts.values()) if (out.length < limit && ready(a)) out.push({ id: a.id, attempt: a });
    return out;
  }

  /** The parcel a set of records travels in (api.ts Parcel). */
  parcel(records: OutRecord[]): { bookings: string; attempts: string } {
    const bookings: unknown[][] = [];
    const attempts: unknown[][] = [];
    for (const r of records) {
      if ("booking" in r) {
        const b = r.booking;
        bookings.push(
          packBooking({
            id: b.id, eventId: this.eventId, slotId: b.slot_id, studentId: this.studentId, companyId: b.company_id,
            startsAt: iso(b.starts_at), endsAt: iso(b.ends_at), phase: b.phase, status: b.status === "cancelled" ? "cancelled" : "confirmed",
            createdAt: iso(b.created_at), updatedAt: iso(b.updated_at), cancelledAt: b.cancelled_at === null ? null : iso(b.cancelled_at), cancelReason: b.cancel_reason,
            cancelledBy: b.cancelled_by,
            origin: b.origin,
          }),
        );
      } else {
        const a = r.attempt;
        attempts.push(packAttempt({ id: a.id, eventId: this.eventId, studentId: this.studentId, slotId: a.slot_id, code: a.code, message: a.message, receivedAt: a.received_at, answeredAt: a.answered_at }));
      }
    }
    return { bookings: JSON.stringify(bookings), attempts: JSON.stringify(attempts) };
  }

  delivered(records: OutRecord[], now: number): void {
    const done: string[] = [];
    const kept: string[] = [];
    for (const r of records) {
      if ("booking" in r) {
        if (!this.unchanged(r.booking)) continue;
        this.sql.exec("UPDATE bookings SET out = 0, tries = 0, retry_at = NULL WHERE id = ?", r.id);
        this.patch(r.id, { out: 0, tries: 0, retry_at: null });
      } else {
        // A keyed attempt stays for its key's lifetime; the others are done.
        if (r.attempt.keyed) {
          kept.push(r.id);
          this.oldestKept = Math.min(this.oldestKept ?? r.attempt.received_at, r.attempt.received_at);
        } else done.push(r.id);
        this.owedAttempts.delete(r.id);
      }
    }
    const list = (ids: string[]) => ids.map(() => "?").join(", ");
    if (done.length) this.sql.exec(`DELETE FROM attempts WHERE id IN (${list(done)})`, ...done);
    if (kept.length) this.sql.exec(`UPDATE attempts SET out = ${SENT} WHERE id IN (${list(kept)})`, ...kept);
    this.pruneKeys(now);
  }

  /** Forgets the sent rows (and their keys) past the keys' lifetime. */
  private pruneKeys(now: number): void {
    if (this.oldestKept !== null && this.oldestKept < now - KEY_TTL_MS) {
      this.sql.exec(`DELETE FROM attempts WHERE out = ${SENT} AND received_at < ?`, now - KEY_TTL_MS);
      for (const [key, k] of this.keys) if (k.receivedAt < now - KEY_TTL_MS) this.keys.delete(key);
      this.oldestKept = this.sql.exec<{ at: number | null }>(`SELECT min(received_at) AS at FROM attempts WHERE out = ${SENT}`).one().at;
    }
  }

  /** Whether the booking is still in the state that was sent (else the newer state is owed). */
  private unchanged(sent: BookingRec): boolean {
    return this.bookings.get(sent.id)?.updated_at === sent.updated_at;
  }

  refused(records: OutRecord[], error: string, now: number): void {
    for (const r of records) {
      if ("booking" in r && !this.unchanged(r.booking)) continue;
      const x = "booking" in r ? this.bookings.get(r.id)! : r.attempt;
      const tries = x.tries + 1;
      const dead = tries >= REFUSED_TRIES;
      const retryAt = dead ? null : now + backoffMs(tries);
      const table = "booking" in r ? "bookings" : "attempts";
      this.sql.exec(`UPDATE ${table} SET tries = ?, retry_at = ?, out = ? WHERE id = ?`, tries, retryAt, dead ? DEAD : OWED, r.id);
      Object.assign(x, { tries, retry_at: retryAt, ...("booking" in r ? { out: dead ? DEAD : OWED } : {}) });
      if (dead && !("booking" in r)) this.owedAttempts.delete(r.id);
      if (dead) console.error(JSON.stringify({ level: "error", msg: "outbox record set aside (dead letter)", record: r.id, error }));
    }
  }

  nextDue(now: number): number | null {
    let next: number | null = null;
    const consider = (x: { retry_at: number | null }) => {
      const at = x.retry_at ?? now;
      if (next === null || at < next) next = at;
    };
    for (const b of this.bookings.values()) if (b.out === OWED) consider(b);
    for (const a of this.owedAttempts.values()) consider(a);
    return next;
  }

  /** Owed attempt rows D1 has not refused yet (what a waiting outbox holds back). */
  freshAttempts(): number {
    let n = 0;
    for (const a of this.owedAttempts.values()) if (a.retry_at === null) n++;
    return n;
  }

  owedCount(): number {
    let n = this.owedAttempts.size;
    for (const b of this.bookings.values()) if (b.out === OWED) n++;
    return n;
  }

  deadCount(): number {
    return this.sql.exec<{ n: number }>(`SELECT (SELECT count(*) FROM bookings WHERE out = ${DEAD}) + (SELECT count(*) FROM attempts WHERE out = ${DEAD}) AS n`).one().n;
  }
}
