// The recruiter's view: their own company's slots and who booked them (object-level: only theirs).
import { and, asc, eq } from "drizzle-orm";
import { Hono } from "hono";
import type { CompanySlot, MyCompany } from "../domain/contract.ts";
import { bookings, companies, slots, users } from "../db/schema.ts";
import type { AuthedEnv } from "../env.ts";
import { isVerified } from "../lib/catalogue.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { activeEvent } from "../lib/events.ts";
import { requireRole } from "../middleware/auth.ts";

const ownCompany = (companyId: string | null) => {
  if (!companyId) throw new ApiError("forbidden", "This account is not attached to a company.");
  return companyId;
};

export const companyRoutes = new Hono<AuthedEnv>()
  .use(requireRole("company"))
  .get("/", async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const db = c.var.db;
    const [company, event] = await Promise.all([db.query.companies.findFirst({ where: eq(companies.id, companyId) }), activeEvent(db)]);
    if (!company) throw notFound("Company not found.");
    return c.json({
      company: { id: company.id, name: company.name, description: company.description, website: company.website },
      verified: await isVerified(db, event.id, companyId),
    } satisfies MyCompany);
  })
  .get("/slots", async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const db = c.var.db;
    const event = await activeEvent(db);
    const rows = await db
      .select({
        id: slots.id,
        startsAt: slots.startsAt,
        endsAt: slots.endsAt,
        capacity: slots.capacity,
        studentId: users.id,
        fullName: users.fullName,
        email: users.email,
      })
      .from(slots)
      .leftJoin(bookings, and(eq(bookings.slotId, slots.id), eq(bookings.status, "confirmed")))
      .leftJoin(users, eq(users.id, bookings.studentId))
      .where(and(eq(slots.eventId, event.id), eq(slots.companyId, companyId)))
      .orderBy(asc(slots.startsAt), asc(users.fullName));
    const out = new Map<string, CompanySlot>();
    for (const r of rows) {
      let s = out.get(r.id);
      if (!s) out.set(r.id, (s = { id: r.id, startsAt: r.startsAt, endsAt: r.endsAt, capacity: r.capacity, taken: 0, students: [] }));
      if (r.studentId && r.fullName !== null && r.email !== null) {
        s.students.push({ id: r.studentId, fullName: r.fullName, email: r.email });
        s.taken++;
      }
    }
    c.header("Cache-Control", "no-store");
    return c.json({ slots: [...out.values()] });
  });
