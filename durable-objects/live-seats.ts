// The hub's view of the event's seats (LiveDO): every slot's taken and capacity, and the
// sequence numbers of the live channel, in memory and written behind into the hub's own SQLite
// (`persist`, within PERSIST_MS) so that a restart resumes where it was.
//
// Why behind, not through: a write in the turn that sends would hold the sends until it commits
// (the output gate), on every seat change. The hazard it accepts: a crash loses the last
// PERSIST_MS of changes and their seqs; it also drops every socket, so the clients re-read
// snapshots (which replace their view, seqs included), and the hub's periodic check brings back
// the seats it lost. Hibernation cannot lose them: a pending write keeps the object awake.
//
// Invariants: in memory, `seq` only grows; a slot's update from its SlotDO is applied only if
// not older than the last one applied (`at`), so a late retry never brings back an older count; a
// company's `seq` is the seq of its last seat message, which the next one carries as `prevSeq`
// (how a client notices it missed one). Synchronous: no I/O here, the hub coordinates.
import type { LiveCompany, LiveSeatMessage, LiveSlot } from "../worker/domain/contract.ts";
import { slotStarted } from "../worker/domain/rules.ts";
import type { Schema } from "./sql-migrations.ts";

/** What a SlotDO reports after a change (durable-objects/live-notify.ts). */
export interface SeatUpdate {
  slotId: string;
  taken: number;
  /** When the slot changed (epoch ms): orders the updates of one slot. */
  at: number;
  /** Set by changes of capacity; otherwise the hub keeps D1's. */
  capacity?: number;
  /** Whether the slot is blocked (no new seats); absent: unchanged. */
  blocked?: boolean;
}

/** A slot as D1 lists it (verified companies only). */
export interface SlotSource {
  slotId: string;
  companyId: string;
  capacity: number;
  taken: number;
  blocked: boolean;
  /** Epoch ms. */
  startsAt: number;
}

interface Row {
  companyId: string;
  capacity: number;
  taken: number;
  blocked: boolean;
  startsAt: number;
  /** Started (or within the event's cutoff) at the last check: no seats on offer any more. */
  started: boolean;
  /** Time of the last SlotDO update applied; 0 when only D1 ever told us. */
  at: number;
  seq: number;
}

const SLOTS_TABLE = `CREATE TABLE slots (
     slot_id TEXT PRIMARY KEY,
     company_id TEXT NOT NULL,
     capacity INTEGER NOT NULL,
     taken INTEGER NOT NULL,
     at INTEGER NOT NULL,
     seq INTEGER NOT NULL
   )`;
const META_TABLE = "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)";

const DAY_COLUMNS = "ALTER TABLE slots ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0; ALTER TABLE slots ADD COLUMN starts_at INTEGER NOT NULL DEFAULT 0";

export const LIVE_SEATS_SCHEMA: Schema = {
  steps: [SLOTS_TABLE, META_TABLE, DAY_COLUMNS],
  fresh: `${SLOTS_TABLE}; ${META_TABLE}; ${DAY_COLUMNS}`,
};

/** The seats a slot still offers, as `seatsOnOffer` (worker/domain/rules.ts) counts them, with `started` as of the last check. */
const free = (r: Row) => (r.blocked || r.started ? 0 : Math.max(0, r.capacity - r.taken));

export class LiveSeats {
  private readonly slots = new Map<string, Row>();
  private readonly byCompany = new Map<string, Set<string>>();
  /** Slots changed since the last flush. */
  private readonly dirty = new Set<string>();
  /** Updates of slots not (yet) known: applied after the next sync from D1, else dropped. */
  private readonly waiting = new Map<string, SeatUpdate>();
  /** Slots changed in memory since the last `persist`. */
  private readonly unsaved = new Set<string>();
  private seq = 0;
  private seqSaved = 0;
  private cutoffMinutes = 0;

  constructor(private readonly sql: SqlStorage) {
    for (const r of sql.exec<{ slot_id: string; company_id: string; capacity: number; taken: number; blocked: number; starts_at: number; at: number; seq: number }>("SELECT * FROM slots"))
      this.put(r.slot_id, { companyId: r.company_id, capacity: r.capacity, taken: r.taken, blocked: r.blocked === 1, startsAt: r.starts_at, started: false, at: r.at, seq: r.seq });
    this.seq = this.seqSaved = Number(this.meta("seq") ?? "0");
  }

  /** True when memory holds changes SQLite does not. */
  get pending(): boolean {
    return this.unsaved.size > 0 || this.seq !== this.seqSaved;
  }

  /** Writes behind what changed in memory (one implicit transaction). */
  persist(): void {
    for (const id of this.unsaved) {
      const r = this.slots.get(id);
      if (r) this.sql.exec("UPDATE slots SET taken = ?, capacity = ?, blocked = ?, starts_at = ?, at = ?, seq = ? WHERE slot_id = ?", r.taken, r.capacity, r.blocked ? 1 : 0, r.startsAt, r.at, r.seq, id);
    }
    this.unsaved.clear();
    if (this.seq !== this.seqSaved) this.setMeta("seq", String(this.seq));
    this.seqSaved = this.seq;
  }

  get lastSeq(): number {
    return this.seq;
  }

  meta(k: string): string | null {
    return this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", k).toArray()[0]?.v ?? null;
  }

  setMeta(k: string, v: string): void {
    this.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, v);
  }

  /** A new number for a message of the channel (an event, a published message). */
  next(): number {
    return ++this.seq;
  }

  /**
   * Re-evaluates which slots have started (within the event's cutoff): a slot that starts leaves
   * its company's seats on offer, and its seat message (unchanged seats, new total) tells the
   * clients. Called at each check; `quiet` (a wake-up) recomputes without messages.
   */
  clock(now: number, cutoffMinutes: number, quiet = false): void {
    this.cutoffMinutes = cutoffMinutes;
    for (const [id, r] of this.slots) {
      const started = slotStarted(r.startsAt, now, cutoffMinutes);
      if (started === r.started) continue;
      r.started = started;
      if (!quiet) this.dirty.add(id);
    }
  }

  /** Applies a SlotDO's report; false when the slot is unknown (it waits for a sync). */
  apply(u: SeatUpdate): boolean {
    const r = this.slots.get(u.slotId);
    if (!r) {
      const w = this.waiting.get(u.slotId);
      if (!w || w.at <= u.at) this.waiting.set(u.slotId, u);
      return false;
    }
    if (u.at < r.at) return true;
    r.at = u.at;
    const capacity = u.capacity ?? r.capacity;
    const blocked = u.blocked ?? r.blocked;
    if (r.taken !== u.taken || r.capacity !== capacity || r.blocked !== blocked) {
      r.taken = u.taken;
      r.capacity = capacity;
      r.blocked = blocked;
      this.dirty.add(u.slotId);
    }
    this.unsaved.add(u.slotId);
    return true;
  }

  /**
   * Merges D1's list: slots appear and disappear (generation, verification, withdrawal),
   * capacities and blocks follow D1 (which the API writes right after the SlotDO decides, then
   * refreshes the hub), and `taken` follows D1 for the slots no SlotDO has reported yet. True when the set of
   * slots changed, which the subscribers' snapshots cannot express as deltas.
   */
  sync(rows: SlotSource[]): boolean {
    let reshaped = false;
    const seen = new Set<string>();
    for (const s of rows) {
      seen.add(s.slotId);
      const r = this.slots.get(s.slotId);
      if (!r) {
        reshaped = true;
        const started = slotStarted(s.startsAt, Date.now(), this.cutoffMinutes);
        this.put(s.slotId, { companyId: s.companyId, capacity: s.capacity, taken: s.taken, blocked: s.blocked, startsAt: s.startsAt, started, at: 0, seq: 0 });
        this.sql.exec("INSERT INTO slots (slot_id, company_id, capacity, taken, blocked, starts_at, at, seq) VALUES (?, ?, ?, ?, ?, ?, 0, 0)", s.slotId, s.companyId, s.capacity, s.taken, s.blocked ? 1 : 0, s.startsAt);
        continue;
      }
      const taken = r.at === 0 ? s.taken : r.taken;
      if (r.capacity !== s.capacity || r.taken !== taken || r.blocked !== s.blocked || r.startsAt !== s.startsAt) {
        r.capacity = s.capacity;
        r.taken = taken;
        r.blocked = s.blocked;
        r.startsAt = s.startsAt;
        this.dirty.add(s.slotId);
        this.unsaved.add(s.slotId);
      }
    }
    for (const id of [...this.slots.keys()]) {
      if (seen.has(id)) continue;
      reshaped = true;
      this.drop(id);
    }
    for (const [id, u] of this.waiting) if (this.slots.has(id)) this.apply(u);
    this.waiting.clear();
    this.setMeta("synced_at", String(Date.now()));
    return reshaped;
  }

  /** Slots D1 disagrees with although their SlotDO has been quiet for `quietMs`: worth asking the SlotDO. */
  suspects(rows: SlotSource[], now: number, quietMs: number): string[] {
    return rows.filter((s) => {
      const r = this.slots.get(s.slotId);
      return r !== undefined && r.at > 0 && now - r.at > quietMs && r.taken !== s.taken;
    }).map((s) => s.slotId);
  }

  /** Numbers the changes since the last flush, in one go: one message per changed slot. */
  flush(now = Date.now()): LiveSeatMessage[] {
    const out: LiveSeatMessage[] = [];
    for (const slotId of this.dirty) {
      const r = this.slots.get(slotId);
      if (!r) continue;
      const prevSeq = this.companySeq(r.companyId);
      r.seq = ++this.seq;
      this.unsaved.add(slotId);
      // A change learnt from D1 has no SlotDO time: it is dated when the hub learnt it.
      out.push({ type: "seat", seq: r.seq, prevSeq, slotId, companyId: r.companyId, taken: r.taken, capacity: r.capacity, blocked: r.blocked, free: this.companyFree(r.companyId), at: r.at || now, sentAt: now });
    }
    this.dirty.clear();
    return out;
  }

  /** A subscription's state: the listed companies' slots, and their totals (with `catalogue`, every company's). */
  snapshot(companyIds: string[], catalogue: boolean): { slots: LiveSlot[]; companies: LiveCompany[] } {
    const listed = companyIds.filter((id) => this.byCompany.has(id));
    const slots: LiveSlot[] = [];
    for (const id of listed)
      for (const slotId of this.byCompany.get(id)!) {
        const r = this.slots.get(slotId)!;
        slots.push({ slotId, companyId: id, taken: r.taken, capacity: r.capacity, ...(r.blocked ? { blocked: true } : {}) });
      }
    const ids = catalogue ? [...this.byCompany.keys()] : listed;
    return { slots, companies: ids.map((id) => ({ companyId: id, free: this.companyFree(id), seq: this.companySeq(id) })) };
  }

  private companySeq(companyId: string): number {
    let seq = 0;
    for (const id of this.byCompany.get(companyId) ?? []) seq = Math.max(seq, this.slots.get(id)!.seq);
    return seq;
  }

  private companyFree(companyId: string): number {
    let n = 0;
    for (const id of this.byCompany.get(companyId) ?? []) n += free(this.slots.get(id)!);
    return n;
  }

  private put(slotId: string, r: Row): void {
    this.slots.set(slotId, r);
    let set = this.byCompany.get(r.companyId);
    if (!set) this.byCompany.set(r.companyId, (set = new Set()));
    set.add(slotId);
  }

  private drop(slotId: string): void {
    const r = this.slots.get(slotId);
    if (!r) return;
    this.slots.delete(slotId);
    this.dirty.delete(slotId);
    this.unsaved.delete(slotId);
    const set = this.byCompany.get(r.companyId);
    set?.delete(slotId);
    if (set && set.size === 0) this.byCompany.delete(r.companyId);
    this.sql.exec("DELETE FROM slots WHERE slot_id = ?", slotId);
  }
}
