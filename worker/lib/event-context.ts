// What a booking decision needs from D1 (DESIGN.md: "the Worker passes the configuration a
// decision needs"), cached in the isolate for CONFIG_TTL_SECONDS so that the phase-open herd reads
// D1 a few times per isolate instead of once per click. Admin writes in this isolate invalidate it.
import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { ApiError } from "./errors.ts";
import { deprioritizedEmails, eventCompanies, events, slots } from "../db/schema.ts";
import type { SlotInfo } from "../../durable-objects/student-do.ts";
import { type EventRow, phaseWindows } from "./events.ts";
import type { PhaseWindows } from "../domain/rules.ts";

export interface EventContext {
  event: EventRow;
  windows: PhaseWindows;
  cancelDeadline: number | null;
  slots: Map<string, SlotInfo>;
  /** Lower-cased e-mails on this event's deprioritized list. */
  deprioritized: Set<string>;
  loadedAt: number;
}

let cached: EventContext | null = null;
let loading: Promise<EventContext | null> | null = null;
let generation = 0;

export function invalidateEventContext(): void {
  cached = null;
  generation++;
}

async function load(db: Db): Promise<EventContext | null> {
  const event = await db.query.events.findFirst({ where: eq(events.status, "active") });
  if (!event) return null;
  const [slotRows, emails] = await db.batch([
    db
      .select({ id: slots.id, companyId: slots.companyId, startsAt: slots.startsAt, endsAt: slots.endsAt, capacity: slots.capacity })
      .from(slots)
      // Only verified companies' slots can be booked: the others are not in the catalogue.
      .innerJoin(eventCompanies, and(eq(eventCompanies.eventId, slots.eventId), eq(eventCompanies.companyId, slots.companyId)))
      .where(and(eq(slots.eventId, event.id), isNotNull(eventCompanies.verifiedAt))),
    db.select({ email: deprioritizedEmails.email }).from(deprioritizedEmails).where(and(eq(deprioritizedEmails.eventId, event.id))),
  ]);
  return {
    event,
    windows: phaseWindows(event),
    cancelDeadline: event.cancelDeadline === null ? null : Date.parse(event.cancelDeadline),
    slots: new Map(
      slotRows.map((s) => [
        s.id,
        { id: s.id, companyId: s.companyId, startsAt: Date.parse(s.startsAt), endsAt: Date.parse(s.endsAt), capacity: s.capacity },
      ]),
    ),
    deprioritized: new Set(emails.map((e) => e.email)),
    loadedAt: Date.now(),
  };
}

/** How long a context may be served past its TTL while a refresh runs or D1 is struggling. */
const MAX_STALE_MS = 30_000;

function refresh(db: Db): Promise<EventContext | null> {
  if (!loading) {
    const gen = generation;
    loading = load(db)
      .then((ctx) => {
        if (gen === generation) cached = ctx;
        return ctx;
      })
      .finally(() => {
        loading = null;
      });
  }
  return loading;
}

/**
 * The active event's context, at most `ttlMs` old (0: always read D1). Past the TTL, requests keep
 * using the current context while one refresh runs in the background, so the phase-open herd never
 * queues behind a D1 read; if D1 fails, the context is served up to MAX_STALE_MS old, then the
 * failure becomes a 503 the client may retry. Admin writes in this isolate invalidate at once.
 */
export async function eventContext(db: Db, ttlMs: number): Promise<EventContext | null> {
  const age = cached ? Date.now() - cached.loadedAt : Infinity;
  if (cached && age < ttlMs) return cached;
  if (cached && ttlMs > 0 && age < MAX_STALE_MS) {
    refresh(db).catch((err) => console.error(JSON.stringify({ level: "warn", msg: "event context refresh failed; serving the cached one", error: String(err) })));
    return cached;
  }
  try {
    return await refresh(db);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "event context load failed", error: String(err) }));
    throw new ApiError("unavailable", "The booking service is busy; please retry in a moment.");
  }
}

/** A slot unknown to a context older than `minAgeMs` may be new: reload once before saying 404. */
export async function findSlot(db: Db, ttlMs: number, slotId: string, minAgeMs = 250): Promise<{ ctx: EventContext; slot: SlotInfo } | null> {
  let ctx = await eventContext(db, ttlMs);
  if (!ctx) return null;
  let slot = ctx.slots.get(slotId);
  if (!slot && Date.now() - ctx.loadedAt > minAgeMs) {
    invalidateEventContext();
    ctx = await eventContext(db, ttlMs);
    slot = ctx?.slots.get(slotId);
  }
  return ctx && slot ? { ctx, slot } : null;
}
