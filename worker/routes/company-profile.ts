// The recruiter manages their own company: profile, offers (for the active event), and the CVs
// of the students who booked them. Object-level: only their company, only their students.
import { and, asc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { bookings, companies, offers, users } from "../db/schema.ts";
import { CONTRACT_TYPES, MAX_TAGS } from "../domain/offers.ts";
import type { AuthedEnv } from "../env.ts";
import { auditStmt } from "../lib/audit.ts";
import { publicCompanyColumns, toOffer } from "../lib/catalogue.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { activeEvent } from "../lib/events.ts";
import { ownCompany } from "../lib/own-company.ts";
import { purgePublicReads } from "../lib/public-reads.ts";
import { valid } from "../lib/validate.ts";
import { requireRole } from "../middleware/auth.ts";
import { cvResponse } from "./profile.ts";


const website = z.union([z.url({ protocol: /^https?$/, message: "expected an http(s) address" }).max(300), z.literal("").transform(() => null), z.null()]);
const optionalText = (max: number) => z.string().trim().max(max).transform((v) => v || null).nullable();
const profileBody = z
  .strictObject({ name: z.string().trim().min(1).max(120), description: z.string().trim().max(2000), website, booth: optionalText(60), note: optionalText(280) })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: "nothing to change" });

const tag = z.string().trim().toLowerCase().min(1).max(30).regex(/^[\p{L}\p{N}+#. -]+$/u, "letters, digits, + # . - and spaces");
const offerFields = z.strictObject({
  title: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000),
  tags: z
    .array(tag)
    .max(MAX_TAGS)
    .transform((t) => [...new Set(t)]),
  contractType: z.enum(CONTRACT_TYPES),
  location: z.string().trim().max(120),
});
const offerCreate = offerFields.extend({ description: offerFields.shape.description.default(""), tags: offerFields.shape.tags.default([]), location: offerFields.shape.location.default("") });
const offerPatch = offerFields.partial().refine((b) => Object.keys(b).length > 0, { message: "nothing to change" });
const idParam = z.strictObject({ id: z.uuid({ message: "expected an id" }) });

export const companyProfileRoutes = new Hono<AuthedEnv>()
  .use(requireRole("company"))
  .patch("/", valid("json", profileBody), async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const db = c.var.db;
    const before = await db.query.companies.findFirst({ where: eq(companies.id, companyId) });
    if (!before) throw notFound("Company not found.");
    const patch = c.req.valid("json");
    const [[after]] = await db.batch([
      db
        .update(companies)
        .set({ ...patch, updatedAt: new Date().toISOString() })
        .where(eq(companies.id, companyId))
        .returning(publicCompanyColumns),
      auditStmt(db, c.var.user, {
        action: "company.update",
        targetType: "company",
        targetId: companyId,
        before: { name: before.name, description: before.description, website: before.website, booth: before.booth, note: before.note },
        after: patch,
      }),
    ]);
    await purgePublicReads(c);
    return c.json({ company: after });
  })
  .get("/offers", async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const db = c.var.db;
    const event = await activeEvent(db);
    const rows = await db.select().from(offers).where(and(eq(offers.eventId, event.id), eq(offers.companyId, companyId))).orderBy(asc(offers.title));
    c.header("Cache-Control", "no-store");
    return c.json({ offers: rows.map(toOffer) });
  })
  .post("/offers", valid("json", offerCreate), async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const db = c.var.db;
    const event = await activeEvent(db);
    const id = crypto.randomUUID();
    const [[row]] = await db.batch([
      db.insert(offers).values({ id, eventId: event.id, companyId, ...c.req.valid("json") }).returning(),
      auditStmt(db, c.var.user, { action: "offer.create", eventId: event.id, targetType: "offer", targetId: id, after: c.req.valid("json") }),
    ]);
    await purgePublicReads(c);
    return c.json({ offer: toOffer(row!) }, 201);
  })
  .patch("/offers/:id", valid("param", idParam), valid("json", offerPatch), async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const { id } = c.req.valid("param");
    const db = c.var.db;
    const before = await db.query.offers.findFirst({ where: and(eq(offers.id, id), eq(offers.companyId, companyId)) });
    if (!before) throw notFound("No such offer in your company.");
    const patch = c.req.valid("json");
    const [[row]] = await db.batch([
      db
        .update(offers)
        .set({ ...patch, updatedAt: new Date().toISOString() })
        .where(and(eq(offers.id, id), eq(offers.companyId, companyId)))
        .returning(),
      auditStmt(db, c.var.user, { action: "offer.update", eventId: before.eventId, targetType: "offer", targetId: id, before: toOffer(before), after: patch }),
    ]);
    await purgePublicReads(c);
    return c.json({ offer: toOffer(row!) });
  })
  .delete("/offers/:id", valid("param", idParam), async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const { id } = c.req.valid("param");
    const db = c.var.db;
    const before = await db.query.offers.findFirst({ where: and(eq(offers.id, id), eq(offers.companyId, companyId)) });
    if (!before) throw notFound("No such offer in your company.");
    await db.batch([
      db.delete(offers).where(and(eq(offers.id, id), eq(offers.companyId, companyId))),
      auditStmt(db, c.var.user, { action: "offer.delete", eventId: before.eventId, targetType: "offer", targetId: id, before: toOffer(before) }),
    ]);
    await purgePublicReads(c);
    return c.body(null, 204);
  })
  .get("/students/:id/cv", valid("param", idParam), async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const { id } = c.req.valid("param");
    const db = c.var.db;
    const event = await activeEvent(db);
    // Only a student holding a confirmed interview with this company at the active event.
    const booked = await db
      .select({ fullName: users.fullName })
      .from(bookings)
      .innerJoin(users, eq(users.id, bookings.studentId))
      .where(and(eq(bookings.eventId, event.id), eq(bookings.companyId, companyId), eq(bookings.studentId, id), eq(bookings.status, "confirmed")))
      .limit(1);
    if (!booked[0]) throw new ApiError("forbidden", "You can read the CV only of students who booked an interview with you.");
    return cvResponse(c.env, id, `cv-${booked[0].fullName}`);
  });
