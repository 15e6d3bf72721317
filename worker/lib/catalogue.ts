// The public catalogue: the active event, the companies verified for it with their offers, and
// their slots' seats, read from D1 in one batch (one round trip) and served from the shared cache
// (worker/lib/public-reads.ts) to every public read.
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { CatalogueCompany, CompanyDetail, CompanyWithOffers, Offer, SlotAvailability } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import { companies, eventCompanies, events, offers, slots } from "../db/schema.ts";
import { seatsOnOffer } from "../domain/rules.ts";
import type { EventRow } from "./events.ts";

export type OfferRow = typeof offers.$inferSelect;

/** A company as students see it (contract `Company`). */
export const publicCompanyColumns = {
  id: companies.id,
  name: companies.name,
  description: companies.description,
  website: companies.website,
  booth: companies.booth,
  note: companies.note,
};

export const toOffer = (o: OfferRow): Offer => ({
  id: o.id,
  companyId: o.companyId,
  title: o.title,
  description: o.description,
  tags: o.tags,
  contractType: o.contractType,
  location: o.location,
});

/** Everything the public reads serve, as plain JSON (it travels through the Cache API). */
export interface Catalogue {
  event: EventRow | null;
  companies: CatalogueCompany[];
  /** Verified companies' slots by company id, in time order. */
  slots: Record<string, SlotAvailability[]>;
}

export async function loadCatalogue(db: Db): Promise<Catalogue> {
  const active = db.select({ id: events.id }).from(events).where(eq(events.status, "active"));
  const verified = and(inArray(eventCompanies.eventId, active), isNotNull(eventCompanies.verifiedAt));
  const [eventRows, companyRows, offerRows, slotRows] = await db.batch([
    db.select().from(events).where(eq(events.status, "active")).limit(1),
    db
      .select(publicCompanyColumns)
      .from(companies)
      .innerJoin(eventCompanies, eq(eventCompanies.companyId, companies.id))
      .where(verified)
      .orderBy(companies.name),
    db.select().from(offers).where(inArray(offers.eventId, active)).orderBy(offers.title),
    db
      .select({ id: slots.id, companyId: slots.companyId, startsAt: slots.startsAt, endsAt: slots.endsAt, capacity: slots.capacity, taken: slots.taken, blocked: slots.blocked })
      .from(slots)
      .innerJoin(eventCompanies, and(eq(eventCompanies.eventId, slots.eventId), eq(eventCompanies.companyId, slots.companyId)))
      .where(and(inArray(slots.eventId, active), verified))
      .orderBy(slots.startsAt),
  ]);
  const offersOf = new Map<string, Offer[]>();
  for (const o of offerRows) offersOf.set(o.companyId, [...(offersOf.get(o.companyId) ?? []), toOffer(o)]);
  const slotsOf: Record<string, SlotAvailability[]> = {};
  for (const { companyId, ...s } of slotRows) (slotsOf[companyId] ??= []).push({ ...s, taken: Math.min(s.taken, s.capacity) });
  const event = eventRows[0] ?? null;
  // Seats still on offer when the copy was read (the live hub counts the same way).
  const now = Date.now();
  const onOffer = (s: SlotAvailability) => seatsOnOffer({ ...s, startsAt: Date.parse(s.startsAt) }, now, event?.bookingCutoffMinutes ?? 0);
  return {
    event,
    companies: companyRows.map((co) => ({
      ...co,
      offers: offersOf.get(co.id) ?? [],
      slotCount: slotsOf[co.id]?.length ?? 0,
      freeSeats: (slotsOf[co.id] ?? []).reduce((n, s) => n + onOffer(s), 0),
    })),
    slots: slotsOf,
  };
}

/** One company's page, or null when it is not in the catalogue (no memory, no D1 read spent on it). */
export function companyDetail(cat: Catalogue, id: string): CompanyDetail | null {
  const co = cat.companies.find((c) => c.id === id);
  if (!co) return null;
  const { offers: list, slotCount: _n, freeSeats: _f, ...company } = co;
  return { company, offers: list, slots: cat.slots[id] ?? [] };
}

export interface CatalogueFilter {
  tag?: string | undefined;
  q?: string | undefined;
  contractType?: string | undefined;
}

const matches = (needle: string, ...hay: string[]) => hay.some((h) => h.toLowerCase().includes(needle));

export function filterCatalogue(list: CatalogueCompany[], f: CatalogueFilter): CatalogueCompany[] {
  const needle = f.q?.toLowerCase();
  const tag = f.tag?.toLowerCase();
  return list
    .filter((co) => !tag || co.offers.some((o) => o.tags.some((t) => t.toLowerCase() === tag)))
    .filter((co) => !f.contractType || co.offers.some((o) => o.contractType === f.contractType))
    .filter((co) => !needle || matches(needle, co.name, co.description) || co.offers.some((o) => matches(needle, o.title, o.description, o.location, ...o.tags)));
}

/** The companies verified for `eventId`, with their offers (any event: the office's figures, not the cached public reads). */
export async function verifiedCompanies(db: Db, eventId: string): Promise<CompanyWithOffers[]> {
  const [rows, offerRows] = await db.batch([
    db
      .select(publicCompanyColumns)
      .from(companies)
      .innerJoin(eventCompanies, and(eq(eventCompanies.companyId, companies.id), eq(eventCompanies.eventId, eventId)))
      .where(isNotNull(eventCompanies.verifiedAt))
      .orderBy(companies.name),
    db.select().from(offers).where(eq(offers.eventId, eventId)).orderBy(offers.title),
  ]);
  const byCompany = new Map<string, Offer[]>();
  for (const o of offerRows) byCompany.set(o.companyId, [...(byCompany.get(o.companyId) ?? []), toOffer(o)]);
  return rows.map((c) => ({ ...c, offers: byCompany.get(c.id) ?? [] }));
}

export async function isVerified(db: Db, eventId: string, companyId: string): Promise<boolean> {
  const row = await db.query.eventCompanies.findFirst({
    where: and(eq(eventCompanies.eventId, eventId), eq(eventCompanies.companyId, companyId), isNotNull(eventCompanies.verifiedAt)),
    columns: { companyId: true },
  });
  return row !== undefined;
}
