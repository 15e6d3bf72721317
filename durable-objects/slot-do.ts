// SlotDO: one per slot. It alone decides seats, in arrival order (DESIGN.md, booking path step 3).
// A seat row is keyed by the booking id, so every call is idempotent; a released row stays as a
// tombstone so that a late `take` for a booking already settled elsewhere can never seat it.
import { DurableObject } from "cloudflare:workers";
import { LiveNotifier } from "./live-notify.ts";
import { migrate } from "./sql-migrations.ts";

const SCHEMA = [
  `CREATE TABLE seats (
     booking_id TEXT PRIMARY KEY,
     student_id TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('seated', 'released')),
     at INTEGER NOT NULL
   )`,
  "CREATE INDEX seats_student ON seats (student_id, state)",
  "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
];

export type TakeResult =
  | { ok: true; taken: number }
  | { ok: false; code: "slot_full" | "already_booked" | "released" | "slot_closed"; taken: number };

export type SlotFaultStep = "seated";

export interface SlotState {
  taken: number;
  retired: boolean;
  seats: { bookingId: string; studentId: string; state: "seated" | "released"; at: number }[];
}

export class SlotDO extends DurableObject<Env> {
  private sql: SqlStorage;
  private taken = 0;
  private retired = false;
  /** Pushes seat changes to the event's live hub, after the fact (never awaited). */
  private readonly live: LiveNotifier;
  /** Test seam: crash-injection tests set this to abort the object between steps. */
  faultHook?: (step: SlotFaultStep) => void;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.live = new LiveNotifier(ctx, env, () => ({ taken: this.taken }));
    ctx.blockConcurrencyWhile(async () => {
      migrate(this.sql, SCHEMA);
      this.taken = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM seats WHERE state = 'seated'").one().n;
      this.retired = this.sql.exec("SELECT 1 FROM meta WHERE k = 'retired'").toArray().length > 0;
    });
  }

  private seat(bookingId: string) {
    return this.sql
      .exec<{ student_id: string; state: "seated" | "released" }>(
        "SELECT student_id, state FROM seats WHERE booking_id = ?",
        bookingId,
      )
      .toArray()[0];
  }

  /**
   * Seats `bookingId` if a seat is free. Capacity comes from D1's configuration, via the caller;
   * the event id tells the live notifier which hub to tell.
   */
  take(bookingId: string, studentId: string, capacity: number, eventId?: string): TakeResult {
    const known = this.seat(bookingId);
    if (known) return known.state === "seated" ? { ok: true, taken: this.taken } : { ok: false, code: "released", taken: this.taken };
    if (this.retired) return { ok: false, code: "slot_closed", taken: this.taken };
    if (this.taken >= capacity) return { ok: false, code: "slot_full", taken: this.taken };
    const twice = this.sql.exec("SELECT 1 FROM seats WHERE student_id = ? AND state = 'seated'", studentId).toArray();
    if (twice.length) return { ok: false, code: "already_booked", taken: this.taken };
    this.sql.exec("INSERT INTO seats (booking_id, student_id, state, at) VALUES (?, ?, 'seated', ?)", bookingId, studentId, Date.now());
    this.taken++;
    this.live.changed(eventId);
    this.faultHook?.("seated");
    return { ok: true, taken: this.taken };
  }

  /** Frees the seat of `bookingId`; leaves a tombstone either way. */
  release(bookingId: string, studentId: string): { released: boolean; taken: number } {
    const known = this.seat(bookingId);
    if (known?.state === "seated") {
      this.sql.exec("UPDATE seats SET state = 'released', at = ? WHERE booking_id = ?", Date.now(), bookingId);
      this.taken--;
      this.live.changed();
      return { released: true, taken: this.taken };
    }
    if (!known)
      this.sql.exec("INSERT INTO seats (booking_id, student_id, state, at) VALUES (?, ?, 'released', ?)", bookingId, studentId, Date.now());
    return { released: false, taken: this.taken };
  }

  /**
   * Recovery after a lost answer: is `bookingId` seated? If not, fence it off so that a `take`
   * still in flight can never seat it later. The answer is final either way.
   */
  settle(bookingId: string, studentId: string): "seated" | "absent" {
    if (this.seat(bookingId)?.state === "seated") return "seated";
    this.release(bookingId, studentId);
    return "absent";
  }

  /** Stops new seats if none is taken (slot about to be deleted by regeneration). */
  retire(): { retired: boolean; taken: number } {
    if (this.taken > 0) return { retired: false, taken: this.taken };
    this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('retired', ?)", String(Date.now()));
    this.retired = true;
    return { retired: true, taken: 0 };
  }

  inspect(): SlotState {
    const seats = this.sql
      .exec<{ booking_id: string; student_id: string; state: "seated" | "released"; at: number }>(
        "SELECT booking_id, student_id, state, at FROM seats ORDER BY at",
      )
      .toArray()
      .map((r) => ({ bookingId: r.booking_id, studentId: r.student_id, state: r.state, at: r.at }));
    return { taken: this.taken, retired: this.retired, seats };
  }
}
