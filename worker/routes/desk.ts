// The career office at the help desk, on the day: find a student, see their schedule and history,
// record attendance, cancel or move a booking at any time, withdraw a company. Every write is
// audited; seats move only through the StudentDO and SlotDO path.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { ATTENDANCE, type DeskStudent } from "../domain/contract.ts";
import { bookingAttempts, bookings, companies, deprioritizedEmails, users } from "../db/schema.ts";
import type { AuthedEnv } from "../env.ts";
import type { Db } from "../db/client.ts";
import { recordAttendance } from "../lib/attendance.ts";
import { auditStmt } from "../lib/audit.ts";
import { cancelOnBehalf, recordedNow } from "../lib/cancel-for.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { configTtlMs, findSlot } from "../lib/event-context.ts";
import { afterVisibleWrite } from "../lib/live.ts";
import { callObject, studentStub } from "../lib/objects.ts";
import { forgetFull } from "../lib/full-slots.ts";
import { withdrawCompany } from "../lib/withdraw.ts";
import { toDeskBooking } from "../lib/booking-records.ts";
import { activeEvent } from "../lib/events.ts";
import { valid } from "../lib/validate.ts";
import { requireRole } from "../middleware/auth.ts";

const searchQuery = z.strictObject({ q: z.string().trim().min(2, "at least 2 characters").max(120) });
const bookingParam = z.strictObject({ id: z.uuid({ message: "expected a booking id" }) });
const attendanceBody = z.strictObject({ status: z.enum(ATTENDANCE) });
const reason = z.string().trim().min(1, "say why").max(500);
const cancelBody = z.strictObject({ reason });
const moveBody = z.strictObject({ slotId: z.uuid({ message: "expected a slot id" }), reason, override: z.boolean().optional() });
const companyParam = z.strictObject({ id: z.uuid({ message: "expected a company id" }) });

/** The booking's D1 record at the active event. */
async function bookingAt(db: Db, eventId: string, id: string) {
  const [found] = await db.select().from(bookings).where(and(eq(bookings.id, id), eq(bookings.eventId, eventId)));
  if (!found) throw notFound("No booking with this id at this event.");
  return found;
}
const RESULTS = 20;

/** `LIKE` pattern matching `q` anywhere, with its own wildcards taken literally. */
const containing = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

export const deskRoutes = new Hono<AuthedEnv>()
  .use(requireRole("admin"))
  .get("/students", valid("query", searchQuery), async (c) => {
    const db = c.var.db;
    const pattern = containing(c.req.valid("query").q);
    const [event, found] = await Promise.all([
      activeEvent(db),
      db
        .select({ id: users.id, email: users.email, fullName: users.fullName, deprioritized: users.deprioritized })
        .from(users)
        .where(and(eq(users.role, "student"), sql`(lower(${users.fullName}) LIKE ${pattern} ESCAPE '\\' OR ${users.email} LIKE ${pattern} ESCAPE '\\')`))
        .orderBy(asc(users.fullName), asc(users.email))
        .limit(RESULTS),
    ]);
    const ids = found.map((u) => u.id);
    const emails = found.map((u) => u.email);
    const [rows, attempts, reasons] = ids.length
      ? await db.batch([
          db
            .select({ booking: bookings, companyName: companies.name })
            .from(bookings)
            .innerJoin(companies, eq(companies.id, bookings.companyId))
            .where(and(eq(bookings.eventId, event.id), inArray(bookings.studentId, ids)))
            .orderBy(asc(bookings.startsAt), asc(bookings.createdAt)),
          db
            .select({ studentId: bookingAttempts.studentId, code: sql<string>`coalesce(${bookingAttempts.errorCode}, 'ok')`, n: sql<number>`count(*)` })
            .from(bookingAttempts)
            .where(and(eq(bookingAttempts.eventId, event.id), inArray(bookingAttempts.studentId, ids)))
            .groupBy(bookingAttempts.studentId, sql`2`),
          db
            .select({ email: deprioritizedEmails.email, reason: deprioritizedEmails.reason })
            .from(deprioritizedEmails)
            .where(and(eq(deprioritizedEmails.eventId, event.id), inArray(deprioritizedEmails.email, emails))),
        ])
      : [[], [], []];
    const students: DeskStudent[] = found.map((u) => ({
      ...u,
      deprioritizedReason: reasons.find((r) => r.email === u.email)?.reason ?? null,
      bookings: rows.filter((r) => r.booking.studentId === u.id).map((r) => toDeskBooking(r.booking, r.companyName)),
      attempts: Object.fromEntries(attempts.filter((a) => a.studentId === u.id).map((a) => [a.code, Number(a.n)])),
    }));
    c.header("Cache-Control", "no-store");
    return c.json({ students });
  })
  .post("/bookings/:id/attendance", valid("param", bookingParam), valid("json", attendanceBody), async (c) => {
    const event = await activeEvent(c.var.db);
    const booking = await recordAttendance(c.var.db, c.var.user, { eventId: event.id, bookingId: c.req.valid("param").id, status: c.req.valid("json").status, companyId: null, via: "desk" });
    return c.json({ booking });
  })
  // At any time, with a reason: the seat is released through the StudentDO and SlotDO path.
  .post("/bookings/:id/cancel", valid("param", bookingParam), valid("json", cancelBody), async (c) => {
    const db = c.var.db;
    const event = await activeEvent(db);
    const booking = await cancelOnBehalf(db, c.env, c.var.user, { booking: await bookingAt(db, event.id, c.req.valid("param").id), by: "office", reason: c.req.valid("json").reason });
    return c.json({ booking });
  })
  // The new seat first (caps respected unless `override`), then the old booking cancelled.
  .post("/bookings/:id/move", valid("param", bookingParam), valid("json", moveBody), async (c) => {
    const db = c.var.db;
    const { slotId, reason, override = false } = c.req.valid("json");
    const receivedAt = Date.now();
    const found = await findSlot(db, configTtlMs(c.env), slotId);
    if (!found) throw notFound("No such slot at this event.");
    const { ctx, slot } = found;
    const old = await bookingAt(db, ctx.event.id, c.req.valid("param").id);
    if (old.status !== "confirmed") throw notFound("This booking is not confirmed: nothing to move.");
    const e = ctx.event;
    const out = await callObject(async () =>
      await studentStub(c.env, e.id, old.studentId).move({
        bookingId: old.id,
        slot,
        policy: { maxBookingsTotal: e.maxBookingsTotal, maxBookingsPerCompany: e.maxBookingsPerCompany, override },
        reason,
        receivedAt,
      }),
    );
    if (!out.ok) throw new ApiError(out.code, out.message, out.details, { retryAfter: out.retryAfter });
    forgetFull(old.slotId);
    await recordedNow(c.env, e.id, old.studentId);
    await auditStmt(db, c.var.user, {
      action: "booking.move",
      eventId: e.id,
      targetType: "booking",
      targetId: old.id,
      before: { bookingId: old.id, slotId: old.slotId, startsAt: old.startsAt },
      after: { bookingId: out.booking.id, slotId: slot.id, startsAt: out.booking.startsAt, reason, override },
    });
    return c.json({ booking: out.booking });
  })
  .post("/companies/:id/withdraw", valid("param", companyParam), valid("json", cancelBody), async (c) => {
    const db = c.var.db;
    const event = await activeEvent(db);
    const company = await db.query.companies.findFirst({ where: eq(companies.id, c.req.valid("param").id), columns: { id: true, name: true } });
    if (!company) throw notFound("No such company.");
    try {
      return c.json(await withdrawCompany(db, c.env, c.var.user, { eventId: event.id, company, reason: c.req.valid("json").reason }));
    } finally {
      // The company left the catalogue even if some seats are still to cancel: pages and the live hub follow.
      await afterVisibleWrite(c, event.id);
    }
  });
