// What a booking decision needs from D1 (DESIGN.md: "the Worker passes the configuration a
// decision needs"), cached in the isolate for CONFIG_TTL_SECONDS so that the phase-open herd reads
// D1 a few times per isolate instead of once per click (worker/lib/isolate-cache.ts). Admin writes in
// this isolate invalidate it.
import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { ApiError } from "./errors.ts";
import { errorFields, logLine } from "./log.ts";
import { IsolateCache } from "./isolate-cache.ts";
import { deprioritizedEmails, draws, eventCompanies, events, slots } from "../db/schema.ts";
import type { SlotInfo } from "../../durable-objects/api.ts";
import { type EventRow, phaseWindows } from "./events.ts";
import type { PhaseWindows } from "../domain/rules.ts";
import type { DrawStatuses } from "../domain/draw-schedule.ts";
import { type DrawRow, statusesOf, toDrawRow } from "./draw-records.ts";

export interface EventContext {
  event: EventRow;
  windows: PhaseWindows;
  cancelDeadline: number | null;
  bookingCutoffMinutes: number;
  slots: Map<string, SlotInfo>;
  /**
   * Slots D1 counted full when this context was read (`slots.taken` ≥ capacity): a hint only, for
   * asking the slot alone first (worker/lib/full-slots.ts `askSlotFirst`); the slot decides.
   */
  fullInD1: Set<string>;
  /** Lower-cased e-mails on this event's deprioritized list. */
  deprioritized: Set<string>;
  /** The event's draws as D1 publishes them (issue #13): the booking gate reads their statuses. */
  draws: DrawRow[];
  drawStatuses: DrawStatuses;
  loadedAt: number;
}

const cache = new IsolateCache<EventContext | null>(30_000);

/** CONFIG_TTL_SECONDS (wrangler.toml [vars]) in milliseconds. */
export const configTtlMs = (env: Env) => Number(env.CONFIG_TTL_SECONDS || "2") * 1000;

/** An unknown slot id reloads the context at most this often per isolate, whatever the ids asked. */
export const UNKNOWN_SLOT_RELOAD_MS = 1_000;
let lastUnknownSlotReload = 0;

/** Forgets the context: the next request reads D1. */
export function invalidateEventContext(): void {
  cache.invalidate();
}

async function load(db: Db): Promise<EventContext | null> {
  const event = await db.query.events.findFirst({ where: eq(events.status, "active") });
  if (!event) return null;
  const [slotRows, emails, drawRows] = await db.batch([
    db
      .select({ id: slots.id, companyId: slots.companyId, startsAt: slots.startsAt, endsAt: slots.endsAt, capacity: slots.capacity, taken: slots.taken })
      .from(slots)
      // Only verified companies' slots can be booked: the others are not in the catalogue.
      .innerJoin(eventCompanies, and(eq(eventCompanies.eventId, slots.eventId), eq(eventCompanies.companyId, slots.companyId)))
      .where(and(eq(slots.eventId, event.id), isNotNull(eventCompanies.verifiedAt))),
    db.select({ email: deprioritizedEmails.email }).from(deprioritizedEmails).where(and(eq(deprioritizedEmails.eventId, event.id))),
    db.select().from(draws).where(eq(draws.eventId, event.id)).orderBy(draws.phase),
  ]);
  const drawList = drawRows.map(toDrawRow);
  return {
    event,
    windows: phaseWindows(event),
    cancelDeadline: event.cancelDeadline === null ? null : Date.parse(event.cancelDeadline),
    bookingCutoffMinutes: event.bookingCutoffMinutes,
    slots: new Map(
      slotRows.map((s) => [
        s.id,
        { id: s.id, companyId: s.companyId, startsAt: Date.parse(s.startsAt), endsAt: Date.parse(s.endsAt), capacity: s.capacity },
      ]),
    ),
    fullInD1: new Set(slotRows.filter((s) => s.taken >= s.capacity).map((s) => s.id)),
    deprioritized: new Set(emails.map((e) => e.email)),
    draws: drawList,
    drawStatuses: statusesOf(drawList),
    loadedAt: Date.now(),
  };
}

/**
 * The active event's context, at most `ttlMs` old (0: always read D1), through the isolate cache
 * (stale-while-revalidate; served stale through a D1 failure for up to 30 s). With nothing to
 * serve, a D1 failure is a 503 the client may retry. Admin writes in this isolate invalidate it.
 */
export async function eventContext(db: Db, ttlMs: number): Promise<EventContext | null> {
  try {
    return await cache.get(ttlMs, () => load(db), (err) =>
      logLine("warn", "event context refresh failed; serving the cached one", errorFields(err)),
    );
  } catch (err) {
    logLine("error", "event context load failed", errorFields(err));
    throw new ApiError("unavailable", "The booking service is busy; please retry in a moment.");
  }
}

/**
 * A slot unknown to a context older than `minAgeMs` may be new: reload once before saying 404.
 * Bounded: at most one such reload per UNKNOWN_SLOT_RELOAD_MS, so a flood of made-up ids costs
 * D1 nothing more (a slot created meanwhile is bookable within that, or the config TTL).
 */
export async function findSlot(db: Db, ttlMs: number, slotId: string, minAgeMs = 250): Promise<{ ctx: EventContext; slot: SlotInfo } | null> {
  let ctx = await eventContext(db, ttlMs);
  if (!ctx) return null;
  let slot = ctx.slots.get(slotId);
  const now = Date.now();
  if (!slot && now - ctx.loadedAt > minAgeMs && now - lastUnknownSlotReload > UNKNOWN_SLOT_RELOAD_MS) {
    lastUnknownSlotReload = now;
    invalidateEventContext();
    ctx = await eventContext(db, ttlMs);
    slot = ctx?.slots.get(slotId);
  }
  return ctx && slot ? { ctx, slot } : null;
}
