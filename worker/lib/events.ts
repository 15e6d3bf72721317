// Reading the active event from D1 and presenting it in the contract's shape.
import { eq } from "drizzle-orm";
import type { EventConfig, PublicEvent } from "../domain/contract.ts";
import { currentPhase, type PhaseWindows } from "../domain/rules.ts";
import type { Db } from "../db/client.ts";
import { events } from "../db/schema.ts";
import { notFound } from "./errors.ts";

export type EventRow = typeof events.$inferSelect;

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

export const phaseWindows = (e: EventRow): PhaseWindows => ({
  phase1Start: ms(e.phase1Start),
  phase1End: ms(e.phase1End),
  phase2Start: ms(e.phase2Start),
  phase2End: ms(e.phase2End),
});

export function toConfig(e: EventRow): EventConfig {
  return {
    name: e.name,
    date: e.date,
    timeZone: e.timeZone,
    slotDurationMinutes: e.slotDurationMinutes,
    bufferMinutes: e.bufferMinutes,
    slotCapacity: e.slotCapacity,
    dayStart: e.dayStart,
    dayEnd: e.dayEnd,
    breaks: e.breaks,
    phase1Start: e.phase1Start,
    phase1End: e.phase1End,
    phase2Start: e.phase2Start,
    phase2End: e.phase2End,
    maxBookingsPhase1: e.maxBookingsPhase1,
    maxBookingsTotal: e.maxBookingsTotal,
    maxBookingsPerCompany: e.maxBookingsPerCompany,
    cancelDeadline: e.cancelDeadline,
    bookingCutoffMinutes: e.bookingCutoffMinutes,
    contactEmail: e.contactEmail,
    bookingOpen: e.bookingOpen,
    liveMaxSockets: e.liveMaxSockets,
    drawPhase1: e.drawPhase1,
    drawPhase2: e.drawPhase2,
    wishesOpen: e.wishesOpen,
    maxWishes: e.maxWishes,
    studentEmailDomains: e.studentEmailDomains,
  };
}

export function publicEvent(e: EventRow, now = Date.now()): PublicEvent {
  return {
    id: e.id,
    status: e.status,
    ...toConfig(e),
    // An archived year has no phase, whatever its windows say: nobody can book it any more.
    currentPhase: e.status === "archived" ? 0 : currentPhase(phaseWindows(e), now),
    serverTime: new Date(now).toISOString(),
  };
}

export async function activeEvent(db: Db): Promise<EventRow> {
  const e = await db.query.events.findFirst({ where: eq(events.status, "active") });
  if (!e) throw notFound("No event is active yet.");
  return e;
}
