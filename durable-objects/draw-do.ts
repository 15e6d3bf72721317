// DrawDO: one per event (`draw:<eventId>`), the fair opening of issue #13. It keeps each phase's
// secret seed (its SHA-256 published when wishes open), runs a phase's draw from an alarm at the
// phase's start (or when the office runs it now), and commits every allocation through the real
// booking path, StudentDO.book → SlotDO.take, under the key `draw:<phase>:<studentId>:<rank>`.
// Progress is durable: the allocation is stored before the first booking and each booking's
// answer as it comes, so a crash anywhere resumes into the same allocation, and a booking
// replayed under its key is answered, never made twice.
//
// Hazard: every await on D1 or a StudentDO opens this object's input gate, so the alarm and the
// office's "run now" can interleave. One run per phase at a time (`running`), and every step
// re-reads the stored state after an await instead of trusting what it read before.
import { DurableObject } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import type { DrawSummary, ErrorCode, LostReason } from "../worker/domain/contract.ts";
import { type Allocation, type DrawSnapshot, commitmentOf, newSeed, runDraw } from "../worker/domain/allocator.ts";
import { type DrawPhase, type DrawStatuses, DRAW_PHASES, drawWork } from "../worker/domain/draw-schedule.ts";
import { summarize } from "../worker/domain/fairness.ts";
import { makeDb } from "../worker/db/client.ts";
import { events } from "../worker/db/schema.ts";
import { type EntryRow, drawAudit, loadSnapshot, publishOutcomeStatements, publishSealStatements, upsertDraw } from "../worker/lib/draw-records.ts";
import type { EventRow } from "../worker/lib/events.ts";
import { errorFields, logLine } from "../worker/lib/log.ts";
import { objectFault, studentStub } from "../worker/lib/objects.ts";
import { type DrawResult, notifyDrawResults } from "../worker/mail/draw-mails.ts";
import { type Schema, migrate } from "./sql-migrations.ts";
import type { BookInput, BookingOutcome } from "./api.ts";

const TABLES = [
  `CREATE TABLE draws (
     phase INTEGER PRIMARY KEY,
     seed TEXT NOT NULL,
     commitment TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('collecting', 'running', 'done')),
     commitment_published INTEGER NOT NULL DEFAULT 0,
     started_at INTEGER,
     sealed_at INTEGER,
     seal_ms INTEGER,
     config TEXT,
     published INTEGER NOT NULL DEFAULT 0,
     commit_started_at INTEGER,
     finished_at INTEGER,
     summary TEXT
   )`,
  `CREATE TABLE entries (
     phase INTEGER NOT NULL,
     student_id TEXT NOT NULL,
     rank INTEGER NOT NULL,
     company_id TEXT NOT NULL,
     not_before TEXT,
     not_after TEXT,
     eligible INTEGER NOT NULL,
     position INTEGER,
     outcome TEXT NOT NULL,
     reason TEXT,
     slot_id TEXT,
     turn INTEGER,
     booking_id TEXT,
     commit_code TEXT,
     PRIMARY KEY (phase, student_id, rank)
   )`,
  "CREATE INDEX entries_commit ON entries (phase, outcome, commit_code, turn)",
  `CREATE TABLE seats (
     phase INTEGER NOT NULL, slot_id TEXT NOT NULL, company_id TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,
     capacity INTEGER NOT NULL, taken INTEGER NOT NULL, PRIMARY KEY (phase, slot_id)
   )`,
  `CREATE TABLE holdings (
     phase INTEGER NOT NULL, student_id TEXT NOT NULL, slot_id TEXT NOT NULL, company_id TEXT NOT NULL, starts_at INTEGER NOT NULL,
     ends_at INTEGER NOT NULL, booking_phase INTEGER NOT NULL, PRIMARY KEY (phase, student_id, slot_id)
   )`,
  "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
];

export const DRAW_SCHEMA: Schema = { steps: TABLES, fresh: TABLES.join("; ") };

/** Bookings in flight at once while committing: enough to keep the booking path busy, few enough to leave it room. */
const COMMIT_CONCURRENCY = 32;
/** A run that stops without finishing (a crash) is resumed by the alarm after this long. */
const WATCHDOG_MS = 30_000;
/** Transient answers of the booking path are retried with the same key, this many times. */
const COMMIT_TRIES = 12;
const TRANSIENT: ReadonlySet<ErrorCode> = new Set(["unavailable", "rate_limited"]);

/** What a refusal of the live booking path means for a wish the snapshot said was free. */
const DIVERGED: Partial<Record<ErrorCode, LostReason>> = {
  slot_full: "company_full",
  time_conflict: "time_conflict",
  already_booked: "time_conflict",
  phase_cap: "phase_cap",
  total_cap: "total_cap",
  company_already_booked: "company_already_booked",
};

export type DrawFaultStep = "sealed" | "published" | "booked" | "committed" | "mailed";

type DrawDbRow = {
  phase: DrawPhase;
  seed: string;
  commitment: string;
  status: "collecting" | "running" | "done";
  commitment_published: number;
  started_at: number | null;
  sealed_at: number | null;
  seal_ms: number | null;
  config: string | null;
  published: number;
  commit_started_at: number | null;
  finished_at: number | null;
  summary: string | null;
};

type EntryDbRow = {
  student_id: string;
  rank: number;
  company_id: string;
  not_before: string | null;
  not_after: string | null;
  eligible: number;
  position: number | null;
  outcome: "won" | "lost";
  reason: LostReason | null;
  slot_id: string | null;
  turn: number | null;
  booking_id: string | null;
  commit_code: string | null;
};

export interface DrawState {
  draws: { phase: DrawPhase; status: string; sealed: boolean; published: boolean; booked: number; toBook: number }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DrawDO extends DurableObject<Env> {
  private sql: SqlStorage;
  /** Test seam: crash-injection tests set this to abort the object between steps. */
  faultHook?: (step: DrawFaultStep) => void;
  private running = new Map<DrawPhase, Promise<DrawSummary>>();
  private watchdogAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, DRAW_SCHEMA);
    });
  }

  // ---- public RPC -------------------------------------------------------------------------

  /** Looks at the event again: makes the seeds once wishes open, and aims the alarm at the next work. */
  async sync(eventId: string): Promise<void> {
    this.identify(eventId);
    const event = await this.event();
    if (!event) return;
    await this.prepare(event, false);
    await this.aim(event);
  }

  /** The office's "run now" (and a resumed run's wait): the phase's draw, finished. */
  async run(eventId: string, phase: DrawPhase): Promise<DrawSummary> {
    this.identify(eventId);
    const event = await this.event();
    if (!event) throw new Error(`no event ${eventId}`);
    const summary = await this.runPhase(event, phase);
    await this.aim(event);
    return summary;
  }

  override async alarm(): Promise<void> {
    const event = await this.event();
    if (!event) return;
    await this.prepare(event, false);
    const { due } = drawWork(event, this.statuses(), this.prepared(), Date.now());
    for (const w of due) {
      if (w.kind !== "run") continue;
      try {
        await this.runPhase(event, w.phase);
      } catch (err) {
        // The watchdog alarm set by the run brings it back.
        logLine("error", "draw run failed; it resumes from its stored progress", { phase: w.phase, ...errorFields(err) });
        return;
      }
    }
    await this.aim(event);
  }

  /** The stored state, for tests. */
  inspect(): DrawState {
    return {
      draws: this.rows().map((d) => ({
        phase: d.phase,
        status: d.status,
        sealed: d.sealed_at !== null,
        published: d.published === 1,
        booked: this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM entries WHERE phase = ? AND commit_code = 'ok'", d.phase).one().n,
        toBook: this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM entries WHERE phase = ? AND outcome = 'won'", d.phase).one().n,
      })),
    };
  }

  // ---- the seeds ------------------------------------------------------------------------------

  private prepared(): boolean {
    return this.rows().length === DRAW_PHASES.length;
  }

  /**
   * One secret seed per phase (so phase 1's reveal says nothing of phase 2's order), made when
   * wishes open, or now when the office runs a draw early; the commitments go public at once.
   */
  private async prepare(event: EventRow, force: boolean): Promise<void> {
    if (!this.prepared()) {
      if (!force && (event.wishesOpen === null || Date.parse(event.wishesOpen) > Date.now())) return;
      const made = await Promise.all(
        DRAW_PHASES.map(async (phase) => {
          const seed = newSeed();
          return { phase, seed, commitment: await commitmentOf(seed) };
        }),
      );
      // The awaits above let a concurrent call through: the first seeds stored win.
      for (const m of made) this.sql.exec("INSERT OR IGNORE INTO draws (phase, seed, commitment, status) VALUES (?, ?, ?, 'collecting')", m.phase, m.seed, m.commitment);
    }
    const unpublished = this.rows().filter((d) => d.commitment_published === 0);
    if (!unpublished.length) return;
    await this.env.DB.batch(
      unpublished.flatMap((d) => [
        upsertDraw(this.env.DB, event.id, this.published(d)),
        drawAudit(this.env.DB, event.id, "draw.commit", d.phase, { phase: d.phase, commitment: d.commitment }),
      ]),
    );
    for (const d of unpublished) this.sql.exec("UPDATE draws SET commitment_published = 1 WHERE phase = ?", d.phase);
  }

  // ---- a phase's draw ---------------------------------------------------------------------------

  private runPhase(event: EventRow, phase: DrawPhase): Promise<DrawSummary> {
    const current = this.running.get(phase);
    if (current) return current;
    const run = this.execute(event, phase).finally(() => this.running.delete(phase));
    this.running.set(phase, run);
    return run;
  }

  private async execute(event: EventRow, phase: DrawPhase): Promise<DrawSummary> {
    await this.prepare(event, true);
    if (this.row(phase).status === "done") return JSON.parse(this.row(phase).summary!) as DrawSummary;
    await this.watchdog(true);
    if (this.row(phase).status === "collecting") {
      this.sql.exec("UPDATE draws SET status = 'running', started_at = ? WHERE phase = ?", Date.now(), phase);
      // Public at once: the booking gate and the wishes window close in every Worker within the
      // config TTL. Requests that passed either just before land during the settle delay.
      await upsertDraw(this.env.DB, event.id, this.published(this.row(phase))).run();
      await sleep(this.settleMs());
    }
    if (this.row(phase).sealed_at === null) await this.seal(event, phase);
    if (this.row(phase).published === 0) await this.publishSeal(event.id, phase);
    await this.commitAll(event.id, phase);
    return this.finish(event.id, phase);
  }

  /** Reads the snapshot, computes the allocation and stores both, in one storage commit. */
  private async seal(event: EventRow, phase: DrawPhase): Promise<void> {
    const t0 = Date.now();
    const snapshot = await loadSnapshot(this.env.DB, event, phase);
    const allocation = await runDraw(snapshot, this.row(phase).seed);
    if (this.row(phase).sealed_at !== null) return;
    const position = new Map(allocation.order.map((id, i) => [id, i + 1]));
    const eligible = new Map(snapshot.students.map((st) => [st.id, st.eligible]));
    const wish = new Map(snapshot.students.flatMap((st) => st.wishes.map((w) => [`${st.id}:${w.rank}`, w] as const)));
    for (const o of allocation.outcomes) {
      const w = wish.get(`${o.studentId}:${o.rank}`)!;
      this.sql.exec(
        `INSERT INTO entries (phase, student_id, rank, company_id, not_before, not_after, eligible, position, outcome, reason, slot_id, turn)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        phase, o.studentId, o.rank, o.companyId, w.notBefore, w.notAfter, eligible.get(o.studentId) ? 1 : 0, position.get(o.studentId) ?? null, o.outcome, o.reason, o.slotId, o.turn,
      );
    }
    for (const s of snapshot.slots)
      this.sql.exec("INSERT INTO seats (phase, slot_id, company_id, starts_at, ends_at, capacity, taken) VALUES (?, ?, ?, ?, ?, ?, ?)", phase, s.id, s.companyId, s.startsAt, s.endsAt, s.capacity, s.taken);
    for (const h of snapshot.holdings)
      this.sql.exec(
        "INSERT INTO holdings (phase, student_id, slot_id, company_id, starts_at, ends_at, booking_phase) VALUES (?, ?, ?, ?, ?, ?, ?)",
        phase, h.studentId, h.slotId, h.companyId, h.startsAt, h.endsAt, h.phase,
      );
    const config = JSON.stringify({ timeZone: snapshot.timeZone, caps: snapshot.caps });
    this.sql.exec("UPDATE draws SET sealed_at = ?, seal_ms = ?, config = ? WHERE phase = ?", Date.now(), Date.now() - t0, config, phase);
    this.faultHook?.("sealed");
  }

  /** The seed, the sealed wishes and the seats go public before the first booking is made. */
  private async publishSeal(eventId: string, phase: DrawPhase): Promise<void> {
    const { snapshot, entries } = this.stored(phase);
    const d = this.row(phase);
    const stmts = publishSealStatements(this.env.DB, eventId, snapshot, entries);
    for (let i = 0; i < stmts.length; i += 4) await this.env.DB.batch(stmts.slice(i, i + 4));
    await this.env.DB.batch([
      upsertDraw(this.env.DB, eventId, { ...this.published(d), seed: d.seed }),
      drawAudit(this.env.DB, eventId, "draw.reveal", phase, { phase, seed: d.seed, commitment: d.commitment, drawn: entries.filter((e) => e.position !== null).length }),
    ]);
    this.sql.exec("UPDATE draws SET published = 1 WHERE phase = ?", phase);
    this.faultHook?.("published");
  }

  /** Books every won wish not yet answered, in the order they were won, a few at a time. */
  private async commitAll(eventId: string, phase: DrawPhase): Promise<void> {
    if (this.row(phase).commit_started_at === null) this.sql.exec("UPDATE draws SET commit_started_at = ? WHERE phase = ?", Date.now(), phase);
    const { caps } = JSON.parse(this.row(phase).config!) as { caps: DrawSnapshot["caps"] };
    const todo = this.sql
      .exec<{ student_id: string; rank: number; slot_id: string; company_id: string; starts_at: number; ends_at: number; capacity: number }>(
        `SELECT e.student_id, e.rank, e.slot_id, s.company_id, s.starts_at, s.ends_at, s.capacity FROM entries e
         JOIN seats s ON s.phase = e.phase AND s.slot_id = e.slot_id
         WHERE e.phase = ? AND e.outcome = 'won' AND e.commit_code IS NULL ORDER BY e.turn`,
        phase,
      )
      .toArray();
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const t = todo[next++]!;
        const input: BookInput = {
          slot: { id: t.slot_id, companyId: t.company_id, startsAt: t.starts_at, endsAt: t.ends_at, capacity: t.capacity },
          // Eligibility was decided at the seal; the kill switch and the phase clock do not hold a draw
          // back. Only a slot that has already begun is refused (slot_started: no cutoff margin).
          policy: { phase, now: Date.now(), bookingCutoffMinutes: 0, bookingOpen: true, deprioritized: false, maxBookingsPhase1: caps.phase1, maxBookingsTotal: caps.total, maxBookingsPerCompany: caps.perCompany },
          idempotencyKey: `draw:${phase}:${t.student_id}:${t.rank}`,
          receivedAt: Date.now(),
          origin: "draw",
        };
        this.record(phase, t.student_id, t.rank, await this.book(eventId, t.student_id, input));
        this.faultHook?.("booked");
        await this.watchdog(false);
      }
    };
    await Promise.all(Array.from({ length: Math.min(COMMIT_CONCURRENCY, todo.length) }, worker));
  }

  /** One booking through the real path, retried under its key while the answer is transient. */
  private async book(eventId: string, studentId: string, input: BookInput): Promise<BookingOutcome> {
    for (let attempt = 1; ; attempt++) {
      let out: BookingOutcome | null = null;
      try {
        out = await studentStub(this.env, eventId, studentId).book({ ...input, receivedAt: Date.now() });
      } catch (err) {
        logLine("warn", "draw: StudentDO.book failed; retrying with the same key", { phase: input.policy.phase, fault: objectFault(err), ...errorFields(err) });
      }
      if (out && (out.ok || !TRANSIENT.has(out.code))) return out;
      if (attempt >= COMMIT_TRIES) throw new Error(`draw: ${input.idempotencyKey} still unanswered after ${attempt} tries`);
      await sleep(Math.min(5_000, 100 * 2 ** attempt));
    }
  }

  /** Stores a booking's answer: its id, or the live refusal that overrides the snapshot. */
  private record(phase: DrawPhase, studentId: string, rank: number, out: BookingOutcome): void {
    if (out.ok)
      this.sql.exec("UPDATE entries SET booking_id = ?, commit_code = 'ok' WHERE phase = ? AND student_id = ? AND rank = ?", out.booking.id, phase, studentId, rank);
    else
      this.sql.exec(
        "UPDATE entries SET commit_code = ?, outcome = 'lost', reason = ?, turn = NULL WHERE phase = ? AND student_id = ? AND rank = ?",
        out.code, DIVERGED[out.code] ?? "no_slot_in_window", phase, studentId, rank,
      );
  }

  private async finish(eventId: string, phase: DrawPhase): Promise<DrawSummary> {
    this.faultHook?.("committed");
    const d = this.row(phase);
    const { snapshot, allocation, entries } = this.stored(phase);
    const diverged = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM entries WHERE phase = ? AND commit_code IS NOT NULL AND commit_code != 'ok'", phase).one().n;
    const now = Date.now();
    const summary = summarize(snapshot, allocation, { dryRun: false, sealMs: d.seal_ms ?? 0, commitMs: now - (d.commit_started_at ?? now), diverged });
    const touched = entries.filter((e) => e.slotId !== null);
    const stmts = publishOutcomeStatements(this.env.DB, eventId, phase, touched);
    for (let i = 0; i < stmts.length; i += 4) await this.env.DB.batch(stmts.slice(i, i + 4));
    const done = this.published({ ...d, status: "done", finished_at: now, summary: JSON.stringify(summary) });
    await this.env.DB.batch([
      upsertDraw(this.env.DB, eventId, { ...done, seed: d.seed, allocated: summary.allocated }),
      drawAudit(this.env.DB, eventId, "draw.done", phase, { phase, allocated: summary.allocated, diverged, lost: summary.lost }),
    ]);
    // The results mails, queued before the draw is done here: a crash until then runs finish()
    // again and queues them again, still one mail each (their dedupe keys). A queue outage fails
    // the run, which the watchdog resumes; booking is open already (the gate reads D1's "done").
    if (this.row(phase).status !== "done") {
      await notifyDrawResults(this.env, eventId, phase, this.results(phase));
      this.faultHook?.("mailed");
    }
    // Re-read: the await let a concurrent finish() through.
    if (this.row(phase).status !== "done") this.sql.exec("UPDATE draws SET status = 'done', finished_at = ?, summary = ? WHERE phase = ?", now, JSON.stringify(summary), phase);
    return JSON.parse(this.row(phase).summary!) as DrawSummary;
  }

  /** Each drawn student's bookings (in time order) and unmet wishes, for the results mail. */
  private results(phase: DrawPhase): DrawResult[] {
    const rows = this.sql
      .exec<{ student_id: string; company_id: string; booked: number; booking_id: string | null; starts_at: number | null; ends_at: number | null }>(
        `SELECT e.student_id, e.company_id, e.outcome = 'won' AND e.commit_code = 'ok' AS booked, e.booking_id, s.starts_at, s.ends_at FROM entries e
         LEFT JOIN seats s ON s.phase = e.phase AND s.slot_id = e.slot_id
         WHERE e.phase = ? AND e.position IS NOT NULL ORDER BY e.student_id, s.starts_at`,
        phase,
      )
      .toArray();
    const out = new Map<string, DrawResult>();
    for (const r of rows) {
      let res = out.get(r.student_id);
      if (!res) out.set(r.student_id, (res = { studentId: r.student_id, won: [], unmatched: 0 }));
      if (r.booked && r.starts_at !== null && r.ends_at !== null)
        res.won.push({ bookingId: r.booking_id ?? undefined, companyId: r.company_id, startsAt: new Date(r.starts_at).toISOString(), endsAt: new Date(r.ends_at).toISOString() });
      else res.unmatched++;
    }
    return [...out.values()];
  }

  // ---- the alarm ---------------------------------------------------------------------------------

  /** The alarm points at the next work (now when a draw is due), or is cleared. */
  private async aim(event: EventRow): Promise<void> {
    if (this.running.size) return;
    const { due, wakeAt } = drawWork(event, this.statuses(), this.prepared(), Date.now());
    const at = due.length ? Date.now() : wakeAt;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else if ((await this.ctx.storage.getAlarm()) !== at) await this.ctx.storage.setAlarm(at);
  }

  /** While a run goes on, an alarm stays a little ahead of it: if the run dies, the alarm resumes it. */
  private async watchdog(force: boolean): Promise<void> {
    const now = Date.now();
    if (!force && now < this.watchdogAt - WATCHDOG_MS / 2) return;
    this.watchdogAt = now + WATCHDOG_MS;
    await this.ctx.storage.setAlarm(this.watchdogAt);
  }

  // ---- stored state ------------------------------------------------------------------------------

  private identify(eventId: string): void {
    this.sql.exec("INSERT OR IGNORE INTO meta (k, v) VALUES ('event_id', ?)", eventId);
  }

  private async event(): Promise<EventRow | null> {
    const id = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'event_id'").toArray()[0]?.v;
    if (!id) return null;
    const e = await makeDb(this.env.DB).query.events.findFirst({ where: eq(events.id, id) });
    return e && e.status === "active" ? e : null;
  }

  private settleMs(): number {
    return Number(this.env.CONFIG_TTL_SECONDS || "2") * 1000 + Number(this.env.DRAW_SETTLE_MS ?? "2000");
  }

  private rows(): DrawDbRow[] {
    return this.sql.exec<DrawDbRow>("SELECT * FROM draws ORDER BY phase").toArray();
  }

  private row(phase: DrawPhase): DrawDbRow {
    return this.sql.exec<DrawDbRow>("SELECT * FROM draws WHERE phase = ?", phase).one();
  }

  private statuses(): DrawStatuses {
    return Object.fromEntries(this.rows().map((d) => [d.phase, d.status]));
  }

  /** The public side of a stored draw: the seed stays hidden until the seal publishes it. */
  private published(d: DrawDbRow): Parameters<typeof upsertDraw>[2] {
    return {
      phase: d.phase,
      status: d.status,
      commitment: d.commitment,
      seed: d.published ? d.seed : null,
      config: d.config ? (JSON.parse(d.config) as Pick<DrawSnapshot, "timeZone" | "caps">) : null,
      startedAt: d.started_at,
      finishedAt: d.finished_at,
      allocated: null,
      summary: d.summary ? (JSON.parse(d.summary) as DrawSummary) : null,
    };
  }

  /** The sealed snapshot and allocation, rebuilt from storage (after a crash as well). */
  private stored(phase: DrawPhase): { snapshot: DrawSnapshot; allocation: Allocation; entries: EntryRow[] } {
    const d = this.row(phase);
    const { timeZone, caps } = JSON.parse(d.config!) as Pick<DrawSnapshot, "timeZone" | "caps">;
    const rows = this.sql.exec<EntryDbRow>("SELECT * FROM entries WHERE phase = ? ORDER BY student_id, rank", phase).toArray();
    const students = new Map<string, DrawSnapshot["students"][number]>();
    for (const r of rows) {
      let st = students.get(r.student_id);
      if (!st) students.set(r.student_id, (st = { id: r.student_id, eligible: r.eligible === 1, wishes: [] }));
      st.wishes.push({ companyId: r.company_id, rank: r.rank, notBefore: r.not_before, notAfter: r.not_after });
    }
    const snapshot: DrawSnapshot = {
      phase,
      timeZone,
      caps,
      students: [...students.values()],
      slots: this.sql
        .exec<{ slot_id: string; company_id: string; starts_at: number; ends_at: number; capacity: number; taken: number }>("SELECT * FROM seats WHERE phase = ? ORDER BY starts_at, slot_id", phase)
        .toArray()
        .map((s) => ({ id: s.slot_id, companyId: s.company_id, startsAt: s.starts_at, endsAt: s.ends_at, capacity: s.capacity, taken: s.taken })),
      holdings: this.sql
        .exec<{ student_id: string; slot_id: string; company_id: string; starts_at: number; ends_at: number; booking_phase: number }>("SELECT * FROM holdings WHERE phase = ?", phase)
        .toArray()
        .map((h) => ({ studentId: h.student_id, slotId: h.slot_id, companyId: h.company_id, startsAt: h.starts_at, endsAt: h.ends_at, phase: h.booking_phase === 1 ? 1 : 2 })),
    };
    const order = [...new Map(rows.filter((r) => r.position !== null).map((r) => [r.student_id, r.position!])).entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    const outcomes = rows.map((r) => ({
      studentId: r.student_id,
      rank: r.rank,
      companyId: r.company_id,
      outcome: r.outcome,
      slotId: r.slot_id,
      reason: r.reason,
      round: null,
      turn: r.turn,
    }));
    const allocation: Allocation = { order, outcomes, won: outcomes.filter((o) => o.outcome === "won").sort((a, b) => a.turn! - b.turn!), rounds: 0 };
    const entries: EntryRow[] = rows.map((r) => ({
      studentId: r.student_id,
      rank: r.rank,
      companyId: r.company_id,
      notBefore: r.not_before,
      notAfter: r.not_after,
      eligible: r.eligible === 1,
      position: r.position,
      outcome: r.outcome,
      reason: r.reason,
      slotId: r.slot_id,
      bookingId: r.booking_id,
    }));
    return { snapshot, allocation, entries };
  }
}

/** The event's draw object. */
export const drawStub = (env: Env, eventId: string) => env.DRAW.getByName(`draw:${eventId}`);
