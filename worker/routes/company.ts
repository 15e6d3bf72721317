// The recruiter's day: their own company's slots and who booked them, and attendance (by the
// student's QR code or by name). Object-level: only their company's slots and bookings.
import { and, asc, eq } from "drizzle-orm";

import { Hono } from "hono";
import { z } from "zod";
import { ATTENDANCE, type CompanySlot, type MyCompany } from "../domain/contract.ts";
import { MAX_SLOT_CAPACITY } from "../domain/event-config.ts";
import { bookings, companies, slots, users } from "../db/schema.ts";
import type { AuthedEnv } from "../env.ts";
import { recordAttendance } from "../lib/attendance.ts";
import { cancelOnBehalf } from "../lib/cancel-for.ts";
import { changeSlot } from "../lib/slot-changes.ts";
import { isVerified, publicCompanyColumns } from "../lib/catalogue.ts";
import { readCheckIn } from "../lib/checkin-token.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { activeEvent } from "../lib/events.ts";
import { afterVisibleWrite } from "../lib/live.ts";
import { ownCompany } from "../lib/own-company.ts";
import { valid } from "../lib/validate.ts";
import { requireRole } from "../middleware/auth.ts";

const idParam = z.strictObject({ id: z.uuid({ message: "expected a booking id" }) });
const slotParam = z.strictObject({ id: z.uuid({ message: "expected a slot id" }) });
const slotChange = z
  .strictObject({ blocked: z.boolean().optional(), capacity: z.number().int().min(1).max(MAX_SLOT_CAPACITY).optional() })
  .refine((b) => b.blocked !== undefined || b.capacity !== undefined, { message: "nothing to change" });
const reasonBody = z.strictObject({ reason: z.string().trim().min(1, "say why").max(500) });
const status = z.enum(ATTENDANCE);
const attendanceBody = z.union([
  z.strictObject({ status }),
  z.strictObject({ token: z.string().trim().min(1).max(200), status: status.optional() }),
]);

export const companyRoutes = new Hono<AuthedEnv>()
  .use(requireRole("company"))
  .get("/", async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const db = c.var.db;
    const [company, event] = await Promise.all([db.select(publicCompanyColumns).from(companies).where(eq(companies.id, companyId)).then((r) => r[0]), activeEvent(db)]);
    if (!company) throw notFound("Company not found.");
    return c.json({ company, verified: await isVerified(db, event.id, companyId) } satisfies MyCompany);
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
        blocked: slots.blocked,
        bookingId: bookings.id,
        attendance: bookings.attendance,
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
      if (!s) out.set(r.id, (s = { id: r.id, startsAt: r.startsAt, endsAt: r.endsAt, capacity: r.capacity, taken: 0, blocked: r.blocked, students: [] }));
      if (r.studentId && r.bookingId && r.fullName !== null && r.email !== null) {
        s.students.push({ id: r.studentId, fullName: r.fullName, email: r.email, bookingId: r.bookingId, attendance: r.attendance });
        s.taken++;
      }
    }
    c.header("Cache-Control", "no-store");
    return c.json({ slots: [...out.values()] });
  })
  .post("/bookings/:id/attendance", valid("param", idParam), valid("json", attendanceBody), async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    if ("token" in body) {
      const signedFor = await readCheckIn(body.token, c.env.JWT_SECRET);
      if (signedFor !== id)
        throw new ApiError("validation_failed", "This is not the check-in code of this booking.", [{ path: "token", message: signedFor ? "signed for another booking" : "not a valid check-in code" }]);
    }
    const event = await activeEvent(c.var.db);
    const booking = await recordAttendance(c.var.db, c.var.user, {
      eventId: event.id,
      bookingId: id,
      status: body.status ?? "present",
      companyId,
      via: "token" in body ? "qr" : "list",
    });
    return c.json({ booking });
  });

export const companyDayRoutes = new Hono<AuthedEnv>()
  .use(requireRole("company"))
  // Lunch, running late, a second interviewer: SlotDO decides, the next take sees it.
  .patch("/slots/:id", valid("param", slotParam), valid("json", slotChange), async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const db = c.var.db;
    const event = await activeEvent(db);
    const slot = await db.query.slots.findFirst({ where: and(eq(slots.id, c.req.valid("param").id), eq(slots.eventId, event.id), eq(slots.companyId, companyId)) });
    if (!slot) throw notFound("No such slot in your company at this event.");
    const changed = await changeSlot(db, c.env, c.var.user, slot, c.req.valid("json"));
    // The SlotDO already told the live hub; pages reading the catalogue see it at once too.
    await afterVisibleWrite(c, event.id);
    return c.json({ slot: changed });
  })
  // The recruiter gives a booked seat back (the student cannot come, the interview is moved...): the office sees why.
  .post("/bookings/:id/release", valid("param", idParam), valid("json", reasonBody), async (c) => {
    const companyId = ownCompany(c.var.user.companyId);
    const db = c.var.db;
    const event = await activeEvent(db);
    const [found] = await db
      .select()
      .from(bookings)
      .where(and(eq(bookings.id, c.req.valid("param").id), eq(bookings.eventId, event.id), eq(bookings.companyId, companyId), eq(bookings.status, "confirmed")));
    if (!found) throw notFound("No confirmed booking with this id in your company.");
    const booking = await cancelOnBehalf(db, c.env, c.var.user, { booking: found, by: "recruiter", reason: c.req.valid("json").reason });
    return c.json({ booking });
  });
