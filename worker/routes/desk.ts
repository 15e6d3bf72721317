// The career office at the help desk, on the day: find a student, see their schedule and history,
// record attendance. Every write is audited.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { ATTENDANCE, type DeskStudent } from "../domain/contract.ts";
import { bookingAttempts, bookings, companies, deprioritizedEmails, users } from "../db/schema.ts";
import type { AuthedEnv } from "../env.ts";
import { recordAttendance } from "../lib/attendance.ts";
import { toDeskBooking } from "../lib/booking-records.ts";
import { activeEvent } from "../lib/events.ts";
import { valid } from "../lib/validate.ts";
import { requireRole } from "../middleware/auth.ts";

const searchQuery = z.strictObject({ q: z.string().trim().min(2, "at least 2 characters").max(120) });
const bookingParam = z.strictObject({ id: z.uuid({ message: "expected a booking id" }) });
const attendanceBody = z.strictObject({ status: z.enum(ATTENDANCE) });
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
  });
