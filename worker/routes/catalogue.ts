// Public reads: the event and the catalogue (verified companies only).
import { and, asc, eq, sql } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { Company, CompanyWithOffers, Offer, SlotAvailability } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import { companies, offers, slots } from "../db/schema.ts";
import type { AppEnv } from "../env.ts";
import { isVerified, publicCompanyColumns, toOffer, verifiedCompanies } from "../lib/catalogue.ts";
import { notFound } from "../lib/errors.ts";
import { configTtlMs, eventContext, onEventContextInvalidated } from "../lib/event-context.ts";
import { publicEvent } from "../lib/events.ts";
import { IsolateCache } from "../lib/isolate-cache.ts";
import { valid } from "../lib/validate.ts";

const listQuery = z.strictObject({
  tag: z.string().trim().max(60).optional(),
  q: z.string().trim().max(120).optional(),
  contractType: z.string().trim().max(60).optional(),
});
const idParam = z.strictObject({ id: z.uuid({ message: "expected an id" }) });

const matches = (needle: string, ...hay: string[]) => hay.some((h) => h.toLowerCase().includes(needle));

type Listed = CompanyWithOffers & { slotCount: number; freeSeats: number };
type Detail = { company: Company; offers: Offer[]; slots: SlotAvailability[] } | null;

// The catalogue is read by every student at the phase opening: kept in the isolate for the
// config TTL (seat counts a second or two old are fine to browse; the booking itself is decided
// by SlotDO), dropped with the event context on admin writes.
let listCache = { eventId: "", cache: new IsolateCache<Listed[]>() };
const detailCaches = new Map<string, IsolateCache<Detail>>();
onEventContextInvalidated(() => {
  listCache = { eventId: "", cache: new IsolateCache<Listed[]>() };
  detailCaches.clear();
});

async function loadList(db: Db, event: { id: string; bookingCutoffMinutes: number }): Promise<Listed[]> {
  const eventId = event.id;
  // Seats still on offer: not on a blocked slot, nor on one that has started (or is within the cutoff).
  const bookableFrom = new Date(Date.now() + event.bookingCutoffMinutes * 60_000).toISOString();
  const [all, seats] = await Promise.all([
    verifiedCompanies(db, eventId),
    db
      .select({
        companyId: slots.companyId,
        slots: sql<number>`count(*)`,
        free: sql<number>`coalesce(sum(CASE WHEN ${slots.blocked} = 0 AND ${slots.startsAt} > ${bookableFrom} THEN max(${slots.capacity} - ${slots.taken}, 0) ELSE 0 END), 0)`,
      })
      .from(slots)
      .where(eq(slots.eventId, eventId))
      .groupBy(slots.companyId),
  ]);
  const seatsOf = new Map(seats.map((x) => [x.companyId, x]));
  return all.map((co) => ({ ...co, slotCount: seatsOf.get(co.id)?.slots ?? 0, freeSeats: seatsOf.get(co.id)?.free ?? 0 }));
}

async function loadDetail(db: Db, eventId: string, id: string): Promise<Detail> {
  if (!(await isVerified(db, eventId, id))) return null;
  const [company, offerList, slotRows] = await Promise.all([
    db.select(publicCompanyColumns).from(companies).where(eq(companies.id, id)).then((r) => r[0]),
    db
      .select()
      .from(offers)
      .where(and(eq(offers.eventId, eventId), eq(offers.companyId, id)))
      .orderBy(offers.title)
      .then((rows) => rows.map(toOffer)),
    db
      .select({ id: slots.id, startsAt: slots.startsAt, endsAt: slots.endsAt, capacity: slots.capacity, taken: slots.taken, blocked: slots.blocked })
      .from(slots)
      .where(and(eq(slots.eventId, eventId), eq(slots.companyId, id)))
      .orderBy(asc(slots.startsAt)),
  ]);
  if (!company) return null;
  return { company, offers: offerList, slots: slotRows.map((x) => ({ ...x, taken: Math.min(x.taken, x.capacity) })) };
}

async function currentEvent(c: Context<AppEnv>) {
  const ctx = await eventContext(c.var.db, configTtlMs(c.env));
  if (!ctx) throw notFound("No event is active yet.");
  return ctx.event;
}

export const catalogueRoutes = new Hono<AppEnv>()
  .get("/event", async (c) => {
    const event = await currentEvent(c);
    c.header("Cache-Control", "no-store");
    return c.json({ event: publicEvent(event) });
  })
  .get("/companies", valid("query", listQuery), async (c) => {
    const { tag, q, contractType } = c.req.valid("query");
    const event = await currentEvent(c);
    if (listCache.eventId !== event.id) listCache = { eventId: event.id, cache: new IsolateCache<Listed[]>() };
    const all = await listCache.cache.get(configTtlMs(c.env), () => loadList(c.var.db, event));
    const needle = q?.toLowerCase();
    const tagLc = tag?.toLowerCase();
    const list = all
      .filter((co) => !tagLc || co.offers.some((o) => o.tags.some((t) => t.toLowerCase() === tagLc)))
      .filter((co) => !contractType || co.offers.some((o) => o.contractType === contractType))
      .filter(
        (co) =>
          !needle ||
          matches(needle, co.name, co.description) ||
          co.offers.some((o) => matches(needle, o.title, o.description, o.location, ...o.tags)),
      );
    c.header("Cache-Control", "public, max-age=5");
    return c.json({ companies: list });
  })
  .get("/companies/:id", valid("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const event = await currentEvent(c);
    const key = `${event.id}:${id}`;
    let cache = detailCaches.get(key);
    if (!cache) detailCaches.set(key, (cache = new IsolateCache<Detail>()));
    const detail = await cache.get(configTtlMs(c.env), () => loadDetail(c.var.db, event.id, id));
    if (!detail) throw notFound("No such company at this event.");
    c.header("Cache-Control", "no-cache");
    return c.json(detail);
  });
