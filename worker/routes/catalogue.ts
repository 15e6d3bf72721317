// Public reads: the event and the catalogue (verified companies only).
import { and, asc, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { SlotAvailability } from "../domain/contract.ts";
import { companies, offers, slots } from "../db/schema.ts";
import type { AppEnv } from "../env.ts";
import { isVerified, toOffer, verifiedCompanies } from "../lib/catalogue.ts";
import { notFound } from "../lib/errors.ts";
import { activeEvent, publicEvent } from "../lib/events.ts";
import { valid } from "../lib/validate.ts";

const listQuery = z.strictObject({
  tag: z.string().trim().max(60).optional(),
  q: z.string().trim().max(120).optional(),
  contractType: z.string().trim().max(60).optional(),
});
const idParam = z.strictObject({ id: z.uuid({ message: "expected an id" }) });

const matches = (needle: string, ...hay: string[]) => hay.some((h) => h.toLowerCase().includes(needle));

export const catalogueRoutes = new Hono<AppEnv>()
  .get("/event", async (c) => {
    const event = await activeEvent(c.var.db);
    c.header("Cache-Control", "no-store");
    return c.json({ event: publicEvent(event) });
  })
  .get("/companies", valid("query", listQuery), async (c) => {
    const { tag, q, contractType } = c.req.valid("query");
    const db = c.var.db;
    const event = await activeEvent(db);
    const all = await verifiedCompanies(db, event.id);
    const seats = await db
      .select({
        companyId: slots.companyId,
        slots: sql<number>`count(*)`,
        free: sql<number>`coalesce(sum(max(${slots.capacity} - ${slots.taken}, 0)), 0)`,
      })
      .from(slots)
      .where(eq(slots.eventId, event.id))
      .groupBy(slots.companyId);
    const seatsOf = new Map(seats.map((s) => [s.companyId, s]));
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
      )
      .map((co) => ({ ...co, slotCount: seatsOf.get(co.id)?.slots ?? 0, freeSeats: seatsOf.get(co.id)?.free ?? 0 }));
    c.header("Cache-Control", "public, max-age=5");
    return c.json({ companies: list });
  })
  .get("/companies/:id", valid("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db;
    const event = await activeEvent(db);
    if (!(await isVerified(db, event.id, id))) throw notFound("No such company at this event.");
    const [company, offerList, slotRows] = await Promise.all([
      db.query.companies.findFirst({ where: eq(companies.id, id), columns: { id: true, name: true, description: true, website: true } }),
      db
        .select()
        .from(offers)
        .where(and(eq(offers.eventId, event.id), eq(offers.companyId, id)))
        .orderBy(offers.title)
        .then((rows) => rows.map(toOffer)),
      db
        .select({ id: slots.id, startsAt: slots.startsAt, endsAt: slots.endsAt, capacity: slots.capacity, taken: slots.taken })
        .from(slots)
        .where(and(eq(slots.eventId, event.id), eq(slots.companyId, id)))
        .orderBy(asc(slots.startsAt)),
    ]);
    if (!company) throw notFound("No such company at this event.");
    const availability: SlotAvailability[] = slotRows.map((s) => ({ ...s, taken: Math.min(s.taken, s.capacity) }));
    c.header("Cache-Control", "no-cache");
    return c.json({ company, offers: offerList, slots: availability });
  });
