// The outbox (DESIGN.md "The booking path", step 4), both of its sides:
// - Outbox: the loop an object runs to deliver what it owes D1 — one flush at a time, records in
//   the order D1 must see them, backoff after a failure (new records then wait for the alarm
//   instead of starting a flush), records D1 refuses for good retried a few times, then set aside
//   as dead letters (reported by inspect and reconcile); records that can wait (refusal rows) are
//   held up to REFUSAL_LINGER_SECONDS to share a delivery (`later`). StudentDO runs it; its own
//   rows are the records (student-store.ts), so nothing is copied into a second table.
// - writeIsolating: how a batch of many objects' records is written (RecorderDO). When D1 refuses
//   the batch, a constraint means some record will never be accepted: bisect to find it, keep the
//   order, and stop at the first failure that is not a constraint (D1 away): nothing after it is
//   written, so a later "B confirmed" can never overtake an earlier "A cancelled".
import type { Parcel, ParcelVerdict } from "./api.ts";
import type { D1Writer } from "./d1-sink.ts";
import { errorFields, logLine } from "../worker/lib/log.ts";

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 60_000;
/** Tries of a record D1 refused (a constraint) before it becomes a dead letter. */
export const REFUSED_TRIES = 3;

/** Wait after `failures` consecutive failures: 0.5 s, 1 s, 2 s, ... up to a minute. */
export const backoffMs = (failures: number) => (failures <= 0 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1)));

export const isConstraint = (error: string) => /constraint/i.test(error);

/** REFUSAL_LINGER_SECONDS in milliseconds: how long records that can wait (`later`) may wait. */
export const lingerMs = (env: { REFUSAL_LINGER_SECONDS?: string }) => Number(env.REFUSAL_LINGER_SECONDS ?? "10") * 1000;

/** The records an object owes D1, kept in its own storage. */
export interface OutboxSource<R extends { id: string }> {
  /** Records due at `now`, in the order D1 must see them, at most `limit`. */
  due(now: number, limit: number): R[];
  /** Written to D1: forget them (or keep what an idempotency key still needs). */
  delivered(records: R[], now: number): void;
  /** D1 will never take these as they are: retry later (backoffMs(tries)), dead letter after REFUSED_TRIES. */
  refused(records: R[], error: string, now: number): void;
  /** When the next owed record is due (≤ now if one is due now); null when nothing is owed. */
  nextDue(now: number): number | null;
}

export interface OutboxOptions<R extends { id: string }> {
  source: OutboxSource<R>;
  send(records: R[]): Promise<ParcelVerdict>;
  /** Where the failure count survives eviction, so that backoff keeps growing across restarts. */
  kv: SyncKvStorage;
  /** The owner was created just now: no failure count to read. */
  fresh: boolean;
  batch: number;
  /** Called after each flush: the owner's alarm follows what is still owed. */
  settled(): void;
  /** Test seam: called when D1 holds a delivery, before it is marked delivered. */
  onWritten?(): void;
}

const FAILURES_KEY = "outbox_failures";

export class Outbox<R extends { id: string }> {
  private readonly o: OutboxOptions<R>;
  private flushing: Promise<void> | null = null;
  private again = false;
  /** A flush is due in a microtask and has not started. */
  private scheduled = false;
  /** Records that can wait are owed: this timer delivers them unless a kick or flush comes first. */
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;
  /** Consecutive failed deliveries. */
  failures: number;

  constructor(o: OutboxOptions<R>) {
    this.o = o;
    this.failures = o.fresh ? 0 : (o.kv.get<number>(FAILURES_KEY) ?? 0);
  }

  /**
   * New records were written (call after their write): deliver them, and any waiting ones (`later`),
   * once the current call's synchronous part is done (what it writes after this kick rides along; a
   * burst's later bookings take the next parcel), unless backing off (then the alarm will). If the
   * object goes away first, its alarm delivers.
   */
  kick(): void {
    this.stopLinger();
    if (this.failures > 0) return;
    if (this.flushing) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      // A flush started meanwhile (drain, the alarm) took these records.
      if (!this.scheduled) return;
      this.flush().catch((err) => logLine("error", "outbox flush crashed", errorFields(err)));
    });
  }

  /**
   * New records were written that can wait (a refused click's attempt row): deliver them within
   * `ms`, or sooner with whatever is kicked or flushed meanwhile. A student's clicks come seconds
   * apart in an opening, so their refusals share one parcel instead of one each. The pending timer
   * keeps the object in memory (keep-warm.ts) and no alarm is set for them: after a crash, the
   * next activation's alarm delivers them, as for any record owed.
   */
  later(ms: number): void {
    if (ms <= 0) return this.kick();
    if (this.lingerTimer || this.failures > 0) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      this.kick();
    }, ms);
  }

  /** Records wait on purpose now (`later`), and no failure holds them back. */
  get lingering(): boolean {
    return this.lingerTimer !== null && this.failures === 0;
  }

  private stopLinger(): void {
    if (!this.lingerTimer) return;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
  }

  /** Delivers until nothing is due or a delivery fails; a kick meanwhile makes it go round again. */
  flush(): Promise<void> {
    this.stopLinger();
    this.scheduled = false;
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        let ok = true;
        do {
          this.again = false;
          let more = true;
          while (more && ok) [more, ok] = await this.round();
        } while (this.again && ok);
      } finally {
        this.flushing = null;
        this.o.settled();
      }
    })();
    return this.flushing;
  }

  /**
   * When the owner's alarm must run for the outbox (`safetyMs` while healthy, the backoff after a
   * failure); null when nothing is owed, or while records linger: the timer's flush delivers them,
   * and the owner asks again when it settles.
   */
  nextAlarm(now: number, safetyMs: number): number | null {
    const due = this.o.source.nextDue(now);
    if (due === null) return null;
    if (this.failures > 0) return Math.max(due, now + backoffMs(this.failures));
    if (this.lingering) return null;
    return Math.max(due, now + safetyMs);
  }

  /** One delivery: [more may be due, it went through]. */
  private async round(): Promise<[boolean, boolean]> {
    const records = this.o.source.due(Date.now(), this.o.batch);
    if (!records.length) return [false, true];
    let verdict: ParcelVerdict;
    try {
      verdict = await this.o.send(records);
    } catch (err) {
      verdict = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    const now = Date.now();
    if (verdict.ok) this.o.onWritten?.();
    if (!verdict.ok) {
      this.setFailures(this.failures + 1);
      console.error(JSON.stringify({ level: "warn", msg: "outbox delivery failed", failures: this.failures, error: verdict.error }));
      return [false, false];
    }
    const refused = new Map<string, string>();
    for (const r of verdict.refused) for (const id of r.ids) refused.set(id, r.error);
    if (refused.size) {
      for (const [error, rs] of groupBy(records.filter((r) => refused.has(r.id)), (r) => refused.get(r.id)!)) this.o.source.refused(rs, error, now);
      console.error(JSON.stringify({ level: "error", msg: "outbox records refused by D1", records: refused.size }));
    }
    this.o.source.delivered(refused.size ? records.filter((r) => !refused.has(r.id)) : records, now);
    if (this.failures > 0) this.setFailures(0);
    return [records.length === this.o.batch, true];
  }

  private setFailures(n: number): void {
    this.failures = n;
    this.o.kv.put(FAILURES_KEY, n);
  }
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** One record of a parcel, for bisection: which parcel, which array, the packed row. */
interface Unit {
  parcel: number;
  kind: "bookings" | "attempts";
  row: unknown[];
}

const joinRows = (parts: string[]) => {
  const inner = parts.filter((p) => p !== "[]").map((p) => p.slice(1, -1));
  return inner.length ? `[${inner.join(",")}]` : "[]";
};

/**
 * Writes many objects' parcels as one D1 transaction. If D1 refuses it with a constraint, the
 * records are written in halves, in order, to set aside those D1 will never take; the first
 * failure that is not a constraint stops everything (D1 is away: every parcel not fully written
 * is answered `ok: false`, and its object retries it whole, which is safe: writes are idempotent).
 */
export async function writeIsolating(parcels: Parcel[], sink: D1Writer): Promise<ParcelVerdict[]> {
  try {
    await sink.write(joinRows(parcels.map((p) => p.bookings)), joinRows(parcels.map((p) => p.attempts)));
    return parcels.map(() => ({ ok: true, refused: [] }));
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    if (!isConstraint(error)) return parcels.map(() => ({ ok: false, error }));
  }
  const units: Unit[] = parcels.flatMap((p, parcel) => [
    ...(JSON.parse(p.bookings) as unknown[][]).map((row) => ({ parcel, kind: "bookings" as const, row })),
    ...(JSON.parse(p.attempts) as unknown[][]).map((row) => ({ parcel, kind: "attempts" as const, row })),
  ]);
  const refused: { unit: Unit; error: string }[] = [];
  let stopped: { at: number; error: string } | null = null;
  const write = (us: Unit[]) =>
    sink.write(JSON.stringify(us.filter((u) => u.kind === "bookings").map((u) => u.row)), JSON.stringify(us.filter((u) => u.kind === "attempts").map((u) => u.row)));
  const attempt = async (from: number, to: number): Promise<boolean> => {
    try {
      await write(units.slice(from, to));
      return true;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (!isConstraint(error)) {
        stopped = { at: from, error };
        return false;
      }
      if (to - from === 1) {
        refused.push({ unit: units[from]!, error });
        return true;
      }
      const mid = (from + to) >> 1;
      return (await attempt(from, mid)) && attempt(mid, to);
    }
  };
  await attempt(0, units.length);
  const stop = stopped as { at: number; error: string } | null;
  return parcels.map((_, parcel) => {
    if (stop && units.some((u, k) => u.parcel === parcel && k >= stop.at)) return { ok: false, error: stop.error };
    const mine = refused.filter((r) => r.unit.parcel === parcel);
    return { ok: true, refused: [...groupBy(mine, (r) => r.error)].map(([error, rs]) => ({ error, ids: rs.map((r) => String(r.unit.row[0])) })) };
  });
}
