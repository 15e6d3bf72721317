// SlotDO: one per slot. It alone decides seats, in arrival order (DESIGN.md, booking path step 3).
// A seat row is keyed by the booking id, so every call is idempotent; a released row stays as a
// tombstone so that a late `take` for a booking already settled elsewhere can never seat it.
//
// How long a tombstone must stay: a `take` is honoured only within TAKE_TTL_MS of its hold's
// creation (`heldAt`, sent by the StudentDO, which calls `take` right after writing the hold); a
// later one is refused as `released`. A tombstone is written after the hold it fences off was
// created, so once it is TOMBSTONE_MS old (TAKE_TTL_MS plus a margin for the two machines'
// clocks), any `take` it could stop is refused by age anyway: it is pruned.
//
// The seats live in memory too (a slot has a few seats and a few recent tombstones): refusing a
// herd (`slot_full`, `already_booked`) reads no storage at all.
//
// A new seat is checked (DESIGN.md's booking path, "the slot checks its new seats"): the StudentDO
// keeps its hold in memory only, so if it crashes between this seat and its own commit of the
// booking, nothing durable says the seat is the student's. CHECK_DELAY_MS after a seat, the alarm
// asks the student's object about every seat not yet checked: booked (checked, never asked again),
// still deciding (asked again later), or unknown (released: that attempt was never acknowledged).
// Only seats cost an alarm; the herd's refusals cost none, here or in the StudentDO.
import { DurableObject } from "cloudflare:workers";
import { type AdjustResult, CHECK_DELAY_MS, type FullSlot, type SeatAnswer, type SeatCheck, type SlotChange, type SlotFaultStep, type SlotState, type TakeOptions, type TakeResult } from "./api.ts";
import { backoffMs } from "./outbox.ts";
import { objectFault, studentStub } from "../worker/lib/objects.ts";
import { errorFields, logLine } from "../worker/lib/log.ts";
import { KeepWarm, keepWarmMs } from "./keep-warm.ts";
import { LiveNotifier } from "./live-notify.ts";
import { type Schema, migrate } from "./sql-migrations.ts";

export const TAKE_TTL_MS = 30_000;
/** The event of the slot's seats (their students' objects are named by it), from the first take. */
const EVENT_KEY = "event";
export const TOMBSTONE_MS = 4 * TAKE_TTL_MS;
const RETIRED_KEY = "retired";
// The recruiter's or the office's settings (#15), in storage.kv like the retired flag: no table.
const BLOCKED_KEY = "blocked";
const CAPACITY_KEY = "capacity";

export const SLOT_SCHEMA: Schema = {
  steps: [
    `CREATE TABLE seats (
       booking_id TEXT PRIMARY KEY,
       student_id TEXT NOT NULL,
       state TEXT NOT NULL CHECK (state IN ('seated', 'released')),
       at INTEGER NOT NULL
     )`,
    "CREATE INDEX seats_student ON seats (student_id, state)",
    "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    // The seats are read once into memory: no index needed; the retired flag moves to storage.kv.
    (storage) => {
      const at = storage.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'retired'").toArray()[0]?.v;
      if (at !== undefined) storage.kv.put(RETIRED_KEY, Number(at));
      storage.sql.exec("DROP TABLE meta; DROP INDEX seats_student");
    },
    // Seats to check (0) once the StudentDO no longer writes its hold first; older seats were
    // made under the durable hold, which the StudentDO's own alarm settles: checked.
    "ALTER TABLE seats ADD COLUMN checked INTEGER NOT NULL DEFAULT 1",
  ],
  fresh: `CREATE TABLE seats (
    booking_id TEXT PRIMARY KEY,
    student_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('seated', 'released')),
    at INTEGER NOT NULL,
    checked INTEGER NOT NULL DEFAULT 1
  )`,
};

interface Seat {
  studentId: string;
  state: "seated" | "released";
  at: number;
}

export class SlotDO extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly seats = new Map<string, Seat>();
  /** The seated booking of each student here (a student holds at most one seat per slot). */
  private readonly seatedBy = new Map<string, string>();
  private taken = 0;
  /** Seats whose student's object has not yet said it kept them (see the top). */
  private readonly unchecked = new Set<string>();
  /** The event of the seats, once known (storage.kv). */
  private eventId: string | null = null;
  /** What this activation set the alarm to (null: none set by it). */
  private alarmAt: number | null = null;
  /** Consecutive checks that could not reach a student's object: the alarm backs off. */
  private checkFailures = 0;
  private retired = false;
  private blocked = false;
  /** Set by `adjust`; null: the capacity each `take` brings from D1's configuration. */
  private capacity: number | null = null;
  /** Tells the event's live hub what the slot shows (seats, capacity, block), after it is stored (never awaited). */
  private readonly live: LiveNotifier;
  /** A popular slot is asked many times a second in an opening: stay in memory meanwhile (keep-warm.ts). */
  private readonly warm: KeepWarm;
  /** Test seam: crash-injection tests set this to abort the object between steps. */
  faultHook?: (step: SlotFaultStep) => void;
  /**
   * Test seam of the negative control (test/hot-slot-negative-control.test.ts): an await between
   * the seat check and the seat write, as a racy implementation would have, to prove the hot-slot
   * test catches overbooking. Never set outside tests: without it, `take` decides and writes with
   * no await in between.
   */
  raceWindow?: () => Promise<void>;
  /** The students' objects, asked about new seats; a field so fault tests can make them fail. */
  student: (eventId: string, studentId: string) => SeatCheck;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.warm = new KeepWarm(keepWarmMs(env));
    this.sql = ctx.storage.sql;
    this.student = (eventId, studentId) => studentStub(env, eventId, studentId);
    this.live = new LiveNotifier(ctx, env, () => ({ taken: this.taken, blocked: this.blocked, ...(this.capacity !== null ? { capacity: this.capacity } : {}) }));
    ctx.blockConcurrencyWhile(async () => {
      if (migrate(ctx.storage, SLOT_SCHEMA)) return;
      for (const r of this.sql.exec<{ booking_id: string; student_id: string; state: Seat["state"]; at: number; checked: number }>("SELECT * FROM seats").toArray()) {
        this.remember(r.booking_id, { studentId: r.student_id, state: r.state, at: r.at });
        if (r.state === "seated" && !r.checked) this.unchecked.add(r.booking_id);
      }
      this.eventId = ctx.storage.kv.get<string>(EVENT_KEY) ?? null;
      // The alarm set for them survives a restart (never pushed later by one); set it if it is not.
      if (this.unchecked.size) {
        this.alarmAt = await ctx.storage.getAlarm();
        this.arm(Date.now() + CHECK_DELAY_MS);
      }
      this.retired = ctx.storage.kv.get(RETIRED_KEY) !== undefined;
      this.blocked = ctx.storage.kv.get(BLOCKED_KEY) === true;
      this.capacity = ctx.storage.kv.get<number>(CAPACITY_KEY) ?? null;
    });
  }

  /**
   * Seats `bookingId` if a seat is free. Capacity comes from D1's configuration, via the caller,
   * unless `adjust` set this slot's own (then this object's wins: a cached configuration elsewhere
   * may still carry the old one). A blocked slot seats nobody new, unless the office explicitly
   * overrides the block. `heldAt` is when the caller's hold was written (see the tombstones' bound above).
   */
  take(bookingId: string, studentId: string, capacity: number, heldAt: number, opts?: TakeOptions): TakeResult | Promise<TakeResult> {
    this.warm.touch();
    const known = this.seats.get(bookingId);
    if (known) return known.state === "seated" ? { ok: true, taken: this.taken } : { ok: false, code: "released", taken: this.taken };
    const now = Date.now();
    if (now - heldAt > TAKE_TTL_MS) return { ok: false, code: "released", taken: this.taken };
    if (this.retired) return { ok: false, code: "slot_closed", taken: this.taken };
    if (this.blocked && !opts?.ignoreBlock) return { ok: false, code: "slot_blocked", taken: this.taken };
    // Before the capacity: which seat, so that a StudentDO that lost it in a crash may take it back (student-do.ts).
    const mine = this.seatedBy.get(studentId);
    if (mine) return { ok: false, code: "already_booked", taken: this.taken, bookingId: mine };
    const full = this.full(capacity);
    if (full) return { ok: false, code: "slot_full", ...full };
    const seat = (): TakeResult => {
      if (opts?.eventId && this.eventId !== opts.eventId) {
        this.eventId = opts.eventId;
        this.ctx.storage.kv.put(EVENT_KEY, opts.eventId);
      }
      // Every StudentDO names the event; a seat taken without one (a test's direct call) has nobody to ask.
      const check = this.eventId !== null;
      this.sql.exec("INSERT INTO seats (booking_id, student_id, state, at, checked) VALUES (?, ?, 'seated', ?, ?)", bookingId, studentId, now, check ? 0 : 1);
      this.remember(bookingId, { studentId, state: "seated", at: now });
      if (check) {
        this.unchecked.add(bookingId);
        this.arm(now + CHECK_DELAY_MS);
      }
      this.live.slotChanged(opts?.eventId);
      this.faultHook?.("seated");
      return { ok: true, taken: this.taken };
    };
    return this.raceWindow ? this.raceWindow().then(seat) : seat();
  }

  /**
   * Whether `take` would refuse this student `slot_full` now, from memory (the Worker renews its
   * note of a full slot with this: worker/lib/full-slots.ts). Null whenever it would not (a seat is
   * free, the slot is closed or blocked, the student sits here): those clicks take the booking path.
   */
  fullFor(studentId: string, capacity: number): FullSlot | null {
    this.warm.touch();
    if (this.retired || this.blocked || this.seatedBy.has(studentId)) return null;
    return this.full(capacity);
  }

  /** No seat left at this capacity (this object's own when `adjust` set one), with who holds the seats. */
  private full(capacity: number): FullSlot | null {
    const cap = this.capacity ?? capacity;
    return this.taken >= cap ? { taken: this.taken, capacity: cap, seated: [...this.seatedBy.keys()] } : null;
  }

  /** A phase opens within the minute (GET /api/bookings/ready): be loaded and stay in memory through it. */
  ready(): void {
    this.warm.touch();
  }

  /** Frees the seat of `bookingId`; leaves a tombstone either way. */
  release(bookingId: string, studentId: string): { released: boolean; taken: number } {
    this.warm.touch();
    const now = Date.now();
    const known = this.seats.get(bookingId);
    this.prune(now);
    if (known?.state === "seated") {
      this.sql.exec("UPDATE seats SET state = 'released', at = ? WHERE booking_id = ?", now, bookingId);
      this.unchecked.delete(bookingId);
      this.remember(bookingId, { studentId: known.studentId, state: "released", at: now });
      this.live.slotChanged();
      return { released: true, taken: this.taken };
    }
    if (!known) {
      this.sql.exec("INSERT INTO seats (booking_id, student_id, state, at) VALUES (?, ?, 'released', ?)", bookingId, studentId, now);
      this.remember(bookingId, { studentId, state: "released", at: now });
    }
    return { released: false, taken: this.taken };
  }

  /**
   * Recovery after a lost answer: is `bookingId` seated? If not, fence it off so that a `take`
   * still in flight can never seat it later. The answer is final either way.
   */
  settle(bookingId: string, studentId: string): "seated" | "absent" {
    if (this.seats.get(bookingId)?.state === "seated") return "seated";
    this.release(bookingId, studentId);
    return "absent";
  }

  /**
   * Blocks or unblocks the slot, and sets its capacity, never below the seats taken. Decided and
   * written here with no await, in arrival order with the takes: the next `take` sees it.
   */
  adjust(change: SlotChange): AdjustResult {
    if (change.capacity !== undefined && change.capacity < this.taken) return { ok: false, code: "capacity_below_taken", taken: this.taken };
    if (change.capacity !== undefined) {
      this.ctx.storage.kv.put(CAPACITY_KEY, change.capacity);
      this.capacity = change.capacity;
    }
    if (change.blocked !== undefined) {
      this.ctx.storage.kv.put(BLOCKED_KEY, change.blocked);
      this.blocked = change.blocked;
    }
    this.live.slotChanged();
    return { ok: true, taken: this.taken, blocked: this.blocked, capacity: this.capacity };
  }

  /**
   * Asks the students' objects about the seats not checked yet (see the top). Each answer is applied
   * only if the seat is still seated and unchecked: the calls open the input gate, and a release or
   * another check may have come meanwhile.
   */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const eventId = this.eventId;
    const ids = [...this.unchecked];
    if (!ids.length || !eventId) return;
    let failed = false;
    await Promise.all(
      ids.map(async (bookingId) => {
        const studentId = this.seats.get(bookingId)?.studentId;
        if (!studentId) return;
        let answer: SeatAnswer;
        try {
          answer = await this.student(eventId, studentId).seatKept(bookingId);
        } catch (err) {
          failed = true;
          logLine("error", "StudentDO.seatKept failed", { bookingId, fault: objectFault(err), ...errorFields(err) });
          return;
        }
        if (this.seats.get(bookingId)?.state !== "seated" || !this.unchecked.has(bookingId)) return;
        if (answer === "booked") {
          this.sql.exec("UPDATE seats SET checked = 1 WHERE booking_id = ?", bookingId);
          this.unchecked.delete(bookingId);
        } else if (answer === "unknown") {
          logLine("warn", "SlotDO: a seat its student never kept is released", { bookingId });
          this.release(bookingId, studentId);
        }
      }),
    );
    this.checkFailures = failed ? this.checkFailures + 1 : 0;
    if (this.unchecked.size) this.arm(Date.now() + Math.max(CHECK_DELAY_MS, backoffMs(this.checkFailures)));
  }

  /** Moves the alarm earlier if `at` is earlier; one alarm covers every seat taken before it fires. */
  private arm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  /** Stops new seats if none is taken (slot about to be deleted by regeneration). */
  retire(): { retired: boolean; taken: number } {
    if (this.taken > 0) return { retired: false, taken: this.taken };
    this.ctx.storage.kv.put(RETIRED_KEY, Date.now());
    this.retired = true;
    return { retired: true, taken: 0 };
  }

  inspect(): SlotState {
    const seats = [...this.seats].map(([bookingId, s]) => ({ bookingId, ...s })).sort((a, b) => a.at - b.at);
    return { taken: this.taken, retired: this.retired, blocked: this.blocked, capacity: this.capacity, seats };
  }

  private remember(bookingId: string, seat: Seat): void {
    const before = this.seats.get(bookingId);
    if (before?.state === "seated") {
      this.taken--;
      this.seatedBy.delete(before.studentId);
    }
    this.seats.set(bookingId, seat);
    if (seat.state === "seated") {
      this.taken++;
      this.seatedBy.set(seat.studentId, bookingId);
    }
  }

  /** Drops the tombstones no `take` can need any more (see the bound above). */
  private prune(now: number): void {
    const before = now - TOMBSTONE_MS;
    let stale = false;
    for (const [id, s] of this.seats)
      if (s.state === "released" && s.at < before) {
        this.seats.delete(id);
        stale = true;
      }
    if (stale) this.sql.exec("DELETE FROM seats WHERE state = 'released' AND at < ?", before);
  }
}
