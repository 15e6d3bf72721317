// What the hub (LiveDO) reads from D1, in one batch: its event's phase configuration and the
// slots of the companies verified for it. D1 is the record the hub starts from and checks against;
// between reads, the SlotDOs' reports keep it current.
import { and, eq, isNotNull } from "drizzle-orm";
import type { LivePhase } from "../worker/domain/contract.ts";
import { currentPhase, nextPhaseChange, type PhaseWindows } from "../worker/domain/rules.ts";
import { makeDb } from "../worker/db/client.ts";
import { eventCompanies, events, slots } from "../worker/db/schema.ts";
import { phaseWindows } from "../worker/lib/events.ts";
import type { SlotSource } from "./live-seats.ts";

/** The part of the event the hub needs (kept in its SQLite across restarts). */
export interface EventSummary {
  active: boolean;
  bookingOpen: boolean;
  windows: PhaseWindows;
  liveMaxSockets: number;
  /** Minutes before a slot's start from which it is no longer offered (absent in summaries kept before the day of the fair). */
  bookingCutoffMinutes?: number;
}

export const phaseOf = (e: EventSummary, now: number): LivePhase => ({
  currentPhase: e.active ? currentPhase(e.windows, now) : 0,
  bookingOpen: e.bookingOpen,
});

/** When the phase next changes by the clock alone (an alarm is due then), or null. */
export const nextBoundary = (e: EventSummary, now: number): number | null => (e.active ? (nextPhaseChange(e.windows, now)?.at ?? null) : null);

export async function readSource(d1: D1Database, eventId: string): Promise<{ event: EventSummary | null; slots: SlotSource[] }> {
  const db = makeDb(d1);
  const [eventRows, slotRows] = await db.batch([
    db.select().from(events).where(eq(events.id, eventId)).limit(1),
    db
      .select({ slotId: slots.id, companyId: slots.companyId, capacity: slots.capacity, taken: slots.taken, blocked: slots.blocked, startsAt: slots.startsAt })
      .from(slots)
      .innerJoin(eventCompanies, and(eq(eventCompanies.eventId, slots.eventId), eq(eventCompanies.companyId, slots.companyId)))
      .where(and(eq(slots.eventId, eventId), isNotNull(eventCompanies.verifiedAt))),
  ]);
  const e = eventRows[0];
  return {
    event: e ? { active: e.status === "active", bookingOpen: e.bookingOpen, windows: phaseWindows(e), liveMaxSockets: e.liveMaxSockets, bookingCutoffMinutes: e.bookingCutoffMinutes } : null,
    slots: slotRows.map((s) => ({ ...s, startsAt: Date.parse(s.startsAt) })),
  };
}
