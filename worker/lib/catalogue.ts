// The public catalogue: companies verified for the active event, with their offers.
import { and, eq, isNotNull } from "drizzle-orm";
import type { CompanyWithOffers, Offer } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import { companies, eventCompanies, offers } from "../db/schema.ts";

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
  for (const o of offerRows) {
    const list = byCompany.get(o.companyId) ?? [];
    list.push(toOffer(o));
    byCompany.set(o.companyId, list);
  }
  return rows.map((c) => ({ ...c, offers: byCompany.get(c.id) ?? [] }));
}

export async function isVerified(db: Db, eventId: string, companyId: string): Promise<boolean> {
  const row = await db.query.eventCompanies.findFirst({
    where: and(eq(eventCompanies.eventId, eventId), eq(eventCompanies.companyId, companyId), isNotNull(eventCompanies.verifiedAt)),
    columns: { companyId: true },
  });
  return row !== undefined;
}
