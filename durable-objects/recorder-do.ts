// RecorderDO: the outbox's batcher. StudentDOs hand it their parcels (booking states and attempt
// rows); it gathers those arriving within GATHER_MS from many students and writes them to D1 in
// one transaction, then answers each sender. It keeps nothing durably: a parcel stays owed by its
// StudentDO until the D1 write that holds it has committed, so a crash here loses nothing (the
// senders retry, and the writes are idempotent). A few per event (`recorder:<eventId>:<shard>`);
// a student always uses the same shard and has one parcel in flight at a time.
//
// Why: during a phase-open herd most attempts are refusals, each with an attempt row; one D1
// transaction per student made D1 the busiest part of the system. Here D1 sees a few batches a
// second whatever the herd.
import { DurableObject } from "cloudflare:workers";
import type { Parcel, ParcelVerdict, RecorderState } from "./api.ts";
import { type BookingRow, D1Sink, type D1Writer, latencyBucket, packBooking } from "./d1-sink.ts";
import { backoffMs, writeIsolating } from "./outbox.ts";
import { mailingSink } from "../worker/mail/booking-mails.ts";

/**
 * How long parcels wait to be batched with others before the write starts: each D1 batch has a
 * fixed cost (the call, its statements, the mails' queue message), which steady traffic paid for a
 * few records at 40 ms (bench/README.md, eleventh sitting). D1 sees a booking ≤ this much later.
 */
const GATHER_MS = 200;
/** Characters of JSON per D1 batch (D1 takes up to 2 MB per bound string; ~250 bytes a record). */
const BATCH_CHARS = 512 * 1024;

interface Waiting {
  parcel: Parcel;
  /** The sending student (its id), for the backlog figure. */
  from: string;
  done(v: ParcelVerdict): void;
}

/** Records in a parcel (two JSON arrays), counted only when a write failed. */
const recordsIn = (p: Parcel) => (JSON.parse(p.bookings) as unknown[]).length + (JSON.parse(p.attempts) as unknown[]).length;

export type RecorderFaultStep = "written";

export class RecorderDO extends DurableObject<Env> {
  /** Where the batches land; a field so fault tests can swap in a failing D1. */
  sink: D1Writer;
  /** Test seam: crash-injection tests abort the object after a batch is written, before the senders hear of it. */
  faultHook?: (step: RecorderFaultStep) => void;
  private waiting: Waiting[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> | null = null;
  private failures = 0;
  private batches = 0;
  /** Records each student still owes D1 after its last parcel here failed (cleared when one is written). */
  private unwritten = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // #12: the booking confirmed/cancelled mails are queued once their rows are in D1.
    this.sink = mailingSink(new D1Sink(env.DB), env);
  }

  /**
   * Recorders of the first outbox design kept a durable queue (`queue`, `dead_letter`): its records
   * were already forgotten by their students, so they are written from here, then the tables go.
   */
  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('queue', 'dead_letter')").toArray();
    if (!tables.length) return;
    const rows = tables
      .flatMap((t) => sql.exec<{ seq: number; record: string }>(`SELECT seq, record FROM ${t.name}`).toArray())
      .sort((a, b) => a.seq - b.seq)
      .map((r) => JSON.parse(r.record) as { kind: "booking"; row: BookingRow } | { kind: "attempt"; row: LegacyAttempt });
    const packed = (kind: "booking" | "attempt") => JSON.stringify(rows.filter((r) => r.kind === kind).map((r) => (r.kind === "booking" ? packBooking(r.row) : packLegacyAttempt(r.row))));
    const [verdict] = await writeIsolating([{ bookings: packed("booking"), attempts: packed("attempt") }], this.sink);
    if (!verdict!.ok) {
      this.failures++;
      await this.ctx.storage.setAlarm(Date.now() + backoffMs(this.failures));
      return;
    }
    for (const r of verdict!.refused) console.error(JSON.stringify({ level: "error", msg: "recorder: legacy records refused by D1", ids: r.ids, error: r.error }));
    sql.exec(tables.map((t) => `DROP TABLE ${t.name}`).join("; "));
  }

  /** Resolves once D1 holds the parcel (or refused it): the sender may then forget it. */
  append(parcel: Parcel, from = ""): Promise<ParcelVerdict> {
    return new Promise((done) => {
      this.waiting.push({ parcel, from, done });
      if (!this.timer && !this.writing) this.timer = setTimeout(() => void this.write(), GATHER_MS);
    });
  }

  /** Writes what is waiting now; resolves with what still waits (arrived during the write). */
  async drain(): Promise<number> {
    await this.write();
    return this.waiting.length;
  }

  inspect(): RecorderState {
    let unwritten = 0;
    for (const n of this.unwritten.values()) unwritten += n;
    return { waiting: this.waiting.length, batches: this.batches, failures: this.failures, unwritten };
  }

  private write(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.writing ??= (async () => {
      try {
        while (this.waiting.length) await this.writeBatch(this.take());
      } finally {
        this.writing = null;
      }
    })();
    return this.writing;
  }

  /** The waiting parcels that fit one batch, in arrival order (at least one). */
  private take(): Waiting[] {
    let chars = 0;
    let n = 0;
    while (n < this.waiting.length && (n === 0 || chars < BATCH_CHARS)) {
      const p = this.waiting[n]!.parcel;
      chars += p.bookings.length + p.attempts.length;
      n++;
    }
    return this.waiting.splice(0, n);
  }

  private async writeBatch(batch: Waiting[]): Promise<void> {
    const verdicts = await writeIsolating(
      batch.map((w) => w.parcel),
      this.sink,
    );
    this.batches++;
    const failed = verdicts.find((v) => !v.ok);
    this.failures = failed ? this.failures + 1 : 0;
    if (failed && !failed.ok) console.error(JSON.stringify({ level: "error", msg: "recorder: D1 write failed", failures: this.failures, error: failed.error }));
    this.faultHook?.("written");
    batch.forEach((w, i) => {
      if (verdicts[i]!.ok) this.unwritten.delete(w.from);
      else this.unwritten.set(w.from, recordsIn(w.parcel));
      w.done(verdicts[i]!);
    });
  }
}

/** An attempt record of the first outbox design. */
interface LegacyAttempt {
  id: string;
  eventId: string;
  studentId: string;
  slotId: string;
  success: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  responseTimeMs: number;
  attemptedAt: string;
}

const packLegacyAttempt = (a: LegacyAttempt) => [a.id, a.eventId, a.studentId, a.slotId, a.success ? 1 : 0, a.errorCode, a.errorMessage, a.responseTimeMs, a.attemptedAt, latencyBucket(a.responseTimeMs)];
