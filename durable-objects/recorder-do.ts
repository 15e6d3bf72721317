// RecorderDO: the second hop of the outbox. StudentDOs hand it their D1 records (booking rows and
// attempt rows); it keeps them durably and writes them to D1 in large batches, a few per second,
// instead of one D1 transaction per click. A few per event (`recorder:<eventId>:<shard>`, a
// student always on the same shard, so one student's records stay in order).
//
// Why: during a phase-open herd most attempts are refusals, each with an attempt row; one D1 batch
// per attempt made D1 the busiest part of the system (measured in bench/: about half of the CPU
// under Miniflare). Appending here costs one small SQLite insert; D1 then sees ~100× fewer batches.
import { DurableObject } from "cloudflare:workers";
import { D1Sink, type OutboxRecord, type OutboxSink } from "./d1-sink.ts";
import { migrate } from "./sql-migrations.ts";
import { mailingSink } from "../worker/mail/booking-mails.ts";

const SCHEMA = [
  "CREATE TABLE queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)",
  "CREATE TABLE dead_letter (seq INTEGER PRIMARY KEY, record TEXT NOT NULL, error TEXT NOT NULL, at INTEGER NOT NULL)",
  "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
];

/** Shards per event: appends spread over this many objects. */
export const RECORDER_SHARDS = 4;
/** How long records wait to be batched with others before the write starts. */
const GATHER_MS = 40;
/** Records per D1 batch. */
const BATCH = 400;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 60_000;

export interface RecorderState {
  queued: number;
  deadLetters: number;
  failures: number;
}

export const recorderShardName = (eventId: string, shard: number) => `recorder:${eventId}:${shard}`;

/** The recorder a student's records go through (stable per student). */
export function recorderName(eventId: string, studentId: string): string {
  let h = 0;
  for (let i = 0; i < studentId.length; i++) h = (h * 31 + studentId.charCodeAt(i)) >>> 0;
  return recorderShardName(eventId, h % RECORDER_SHARDS);
}

export class RecorderDO extends DurableObject<Env> {
  private sql: SqlStorage;
  /** Where the records land; a field so fault tests can swap in a failing D1. */
  sink: OutboxSink;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> | null = null;
  private alarmArmed = false;
  private flushAgain = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // Issue #12 hook: booking confirmed/cancelled mails are queued once the rows are in D1.
    this.sink = mailingSink(new D1Sink(env.DB), env);
    ctx.blockConcurrencyWhile(async () => {
      migrate(this.sql, SCHEMA);
      this.failures = Number(this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'failures'").toArray()[0]?.v ?? "0");
      this.alarmArmed = (await ctx.storage.getAlarm()) !== null;
    });
  }

  /** Keeps the records durably (committed before the caller hears back) and schedules the write. */
  async append(records: readonly OutboxRecord[]): Promise<void> {
    for (const r of records) this.sql.exec("INSERT INTO queue (record) VALUES (?)", JSON.stringify(r));
    // The alarm is the safety net if this object is evicted before the timer fires.
    if (!this.alarmArmed) {
      this.alarmArmed = true;
      await this.ctx.storage.setAlarm(Date.now() + this.backoffMs() + 1000);
    }
    if (!this.timer && this.failures === 0) this.timer = setTimeout(() => void this.flush(), GATHER_MS);
  }

  /** Writes everything queued now; resolves with what is still queued (D1 refused: the alarm retries). */
  async drain(): Promise<number> {
    await this.flush();
    return this.queued();
  }

  inspect(): RecorderState {
    return { queued: this.queued(), deadLetters: this.count("dead_letter"), failures: this.failures };
  }

  override async alarm(): Promise<void> {
    this.alarmArmed = false;
    await this.flush();
    if (this.queued() > 0) {
      this.alarmArmed = true;
      await this.ctx.storage.setAlarm(Date.now() + this.backoffMs());
    }
  }

  /** Writes until the queue is empty or D1 refuses; a call during a flush makes it go round again. */
  private flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.flushAgain = false;
          while (await this.writeBatch());
        } while (this.flushAgain && this.failures === 0);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  /** One batch; true if it was written and more may remain. */
  private async writeBatch(): Promise<boolean> {
    const rows = this.sql.exec<{ seq: number; record: string }>("SELECT seq, record FROM queue ORDER BY seq LIMIT ?", BATCH).toArray();
    if (!rows.length) return false;
    try {
      await this.sink.write(rows.map((r) => JSON.parse(r.record) as OutboxRecord));
      this.sql.exec("DELETE FROM queue WHERE seq <= ?", rows[rows.length - 1]!.seq);
      if (this.failures) this.setFailures(0);
      return rows.length === BATCH;
    } catch (err) {
      if (rows.length > 1 && (await this.isolatePoison(rows))) return true;
      this.setFailures(this.failures + 1);
      console.error(JSON.stringify({ level: "error", msg: "recorder: D1 write failed", failures: this.failures, error: String(err) }));
      return false;
    }
  }

  /**
   * A failed batch is D1 being away (everything fails: back off) or a record D1 will never accept
   * (a constraint): write the batch in halves to find it, and move it to dead_letter (reconcile
   * reports it) so it cannot hold back everybody else's records. True if anything was written.
   */
  private async isolatePoison(rows: { seq: number; record: string }[]): Promise<boolean> {
    const tryWrite = async (part: { seq: number; record: string }[]): Promise<number> => {
      try {
        await this.sink.write(part.map((r) => JSON.parse(r.record) as OutboxRecord));
        for (const r of part) this.sql.exec("DELETE FROM queue WHERE seq = ?", r.seq);
        return part.length;
      } catch (err) {
        if (part.length === 1) {
          if (/constraint/i.test(String(err))) {
            const r = part[0]!;
            this.sql.exec("INSERT OR REPLACE INTO dead_letter (seq, record, error, at) VALUES (?, ?, ?, ?)", r.seq, r.record, String(err), Date.now());
            this.sql.exec("DELETE FROM queue WHERE seq = ?", r.seq);
            console.error(JSON.stringify({ level: "error", msg: "recorder: record dead-lettered", error: String(err) }));
            return 1;
          }
          return 0;
        }
        const mid = part.length >> 1;
        const a = await tryWrite(part.slice(0, mid));
        // Nothing of the first half went through and it was not a constraint: D1 is away.
        if (a === 0) return 0;
        return a + (await tryWrite(part.slice(mid)));
      }
    };
    return (await tryWrite(rows)) > 0;
  }

  private queued(): number {
    return this.count("queue");
  }

  private count(table: "queue" | "dead_letter"): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
  }

  private setFailures(n: number): void {
    this.failures = n;
    this.sql.exec("INSERT INTO meta (k, v) VALUES ('failures', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v", String(n));
  }

  private backoffMs(): number {
    return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.failures);
  }
}
