// The career office's API. Every write is audited (worker/lib/audit.ts).
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { AdminCompany, AuditEntry, DeprioritizedImport, EventConfig, MetricsResponse } from "../domain/contract.ts";
import { eventConfigPatch, eventConfigSchema, hhmm } from "../domain/event-config.ts";
import { drawStub } from "../../durable-objects/draw-do.ts";
import { auditLog, bookings, companies, deprioritizedEmails, eventCompanies, events, offers, slots, users } from "../db/schema.ts";
import type { AuthedEnv } from "../env.ts";
import { auditStmt } from "../lib/audit.ts";
import { toCsv } from "../domain/csv.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { invalidateEventContext } from "../lib/event-context.ts";
import { activeEvent, publicEvent, toConfig } from "../lib/events.ts";
import { generateSlots } from "../lib/generate-slots.ts";
import { afterVisibleWrite, liveStats } from "../lib/live.ts";
import { eventMetrics } from "../lib/metrics.ts";
import { normalizeEmail } from "../lib/users.ts";
import { fieldErrors, valid } from "../lib/validate.ts";
import { requireRole } from "../middleware/auth.ts";
import { errorFields, logLine } from "../lib/log.ts";

const idParam = z.strictObject({ id: z.uuid({ message: "expected a company id" }) });
const verifyBody = z.strictObject({ verified: z.boolean().optional() }).optional();
const hours = z
  .strictObject({ dayStart: hhmm, dayEnd: hhmm })
  .refine((h) => h.dayStart < h.dayEnd, { path: ["dayEnd"], message: "dayEnd must be after dayStart" });
const generateBody = z
  .strictObject({
    companyIds: z.array(z.uuid()).max(1000).optional(),
    dryRun: z.boolean().optional(),
    /** These companies' own hours from now on (null: back to the event's); needs companyIds. */
    hours: hours.nullable().optional(),
  })
  .refine((b) => b.hours === undefined || (b.companyIds?.length ?? 0) > 0, { path: ["companyIds"], message: "hours apply to the companies named in companyIds" });
const deprioritizedBody = z.strictObject({ emails: z.array(z.string().max(254)).min(1).max(20_000) });
const auditQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).optional(), before: z.coerce.number().int().optional() });
const emailCheck = z.email();

export const adminRoutes = new Hono<AuthedEnv>()
  .use(requireRole("admin"))
  .get("/event", async (c) => c.json({ event: publicEvent(await activeEvent(c.var.db)) }))
  .patch("/event", valid("json", eventConfigPatch), async (c) => {
    const patch = c.req.valid("json");
    const db = c.var.db;
    const event = await activeEvent(db);
    const before = toConfig(event);
    const merged: EventConfig = { ...before, ...patch };
    const checked = eventConfigSchema.safeParse(merged);
    if (!checked.success) throw new ApiError("validation_failed", "Invalid configuration.", fieldErrors(checked.error));
    const now = new Date().toISOString();
    await db.batch([
      db.update(events).set({ ...checked.data, updatedAt: now }).where(eq(events.id, event.id)),
      auditStmt(db, c.var.user, { action: "event.update", eventId: event.id, targetType: "event", targetId: event.id, before, after: checked.data }),
    ]);
    invalidateEventContext();
    await afterVisibleWrite(c, event.id);
    // The event's DrawDO aims its alarms at the new times (a failure here is caught up by the cron).
    await drawStub(c.env, event.id)
      .sync(event.id)
      .catch((err: unknown) => logLine("error", "draw sync after a configuration change failed", errorFields(err)));
    return c.json({ event: publicEvent(await activeEvent(db)) });
  })
  .get("/companies", async (c) => {
    const db = c.var.db;
    const event = await activeEvent(db);
    const [rows, recruiters, offerCounts, slotCounts] = await db.batch([
      db
        .select({
          id: companies.id,
          name: companies.name,
          description: companies.description,
          website: companies.website,
          booth: companies.booth,
          createdAt: companies.createdAt,
          verifiedAt: eventCompanies.verifiedAt,
          dayStart: eventCompanies.dayStart,
          dayEnd: eventCompanies.dayEnd,
          withdrawnAt: eventCompanies.withdrawnAt,
          withdrawReason: eventCompanies.withdrawReason,
        })
        .from(companies)
        .leftJoin(eventCompanies, and(eq(eventCompanies.companyId, companies.id), eq(eventCompanies.eventId, event.id)))
        .orderBy(companies.name),
      db.select({ companyId: users.companyId, email: users.email, fullName: users.fullName }).from(users).where(eq(users.role, "company")),
      db.select({ companyId: offers.companyId, n: sql<number>`count(*)` }).from(offers).where(eq(offers.eventId, event.id)).groupBy(offers.companyId),
      db.select({ companyId: slots.companyId, n: sql<number>`count(*)` }).from(slots).where(eq(slots.eventId, event.id)).groupBy(slots.companyId),
    ]);
    const countOf = (list: { companyId: string; n: number }[], id: string) => list.find((x) => x.companyId === id)?.n ?? 0;
    return c.json({
      companies: rows.map((r): AdminCompany => ({
        ...r,
        verified: r.verifiedAt !== null,
        recruiters: recruiters.filter((u) => u.companyId === r.id).map(({ email, fullName }) => ({ email, fullName })),
        offers: countOf(offerCounts, r.id),
        slots: countOf(slotCounts, r.id),
      })),
    });
  })
  .post("/companies/:id/verify", valid("param", idParam), valid("json", verifyBody), async (c) => {
    const { id } = c.req.valid("param");
    const verified = c.req.valid("json")?.verified ?? true;
    const db = c.var.db;
    const event = await activeEvent(db);
    const company = await db.query.companies.findFirst({ where: eq(companies.id, id) });
    if (!company) throw notFound("No such company.");
    const prior = await db.query.eventCompanies.findFirst({ where: and(eq(eventCompanies.eventId, event.id), eq(eventCompanies.companyId, id)) });
    const now = new Date().toISOString();
    const verifiedAt = verified ? (prior?.verifiedAt ?? now) : null;
    await db.batch([
      db
        .insert(eventCompanies)
        .values({ eventId: event.id, companyId: id, verifiedAt, verifiedBy: c.var.user.id })
        .onConflictDoUpdate({ target: [eventCompanies.eventId, eventCompanies.companyId], set: { verifiedAt, verifiedBy: c.var.user.id } }),
      auditStmt(db, c.var.user, {
        action: verified ? "company.verify" : "company.unverify",
        eventId: event.id,
        targetType: "company",
        targetId: id,
        before: { verified: !!prior?.verifiedAt },
        after: { verified },
      }),
    ]);
    invalidateEventContext();
    await afterVisibleWrite(c, event.id);
    return c.json({ company: { id, name: company.name, verified, verifiedAt } });
  })
  .post("/slots/generate", valid("json", generateBody), async (c) => {
    const { companyIds, dryRun = false, hours } = c.req.valid("json");
    const db = c.var.db;
    const event = await activeEvent(db);
    const verified = await db
      .select({ id: companies.id, name: companies.name, dayStart: eventCompanies.dayStart, dayEnd: eventCompanies.dayEnd })
      .from(companies)
      .innerJoin(eventCompanies, and(eq(eventCompanies.companyId, companies.id), eq(eventCompanies.eventId, event.id)))
      .where(sql`${eventCompanies.verifiedAt} IS NOT NULL`)
      .orderBy(companies.name);
    let targets = verified;
    if (companyIds) {
      const unknown = companyIds.filter((id) => !verified.some((v) => v.id === id));
      if (unknown.length)
        throw new ApiError("validation_failed", "Slots are generated for verified companies only.", unknown.map((id) => ({ path: "companyIds", message: `${id} is not a verified company` })));
      targets = verified.filter((v) => companyIds.includes(v.id));
    }
    if (hours !== undefined) {
      targets = targets.map((t) => ({ ...t, dayStart: hours?.dayStart ?? null, dayEnd: hours?.dayEnd ?? null }));
      if (!dryRun)
        await db.batch([
          db
            .update(eventCompanies)
            .set({ dayStart: hours?.dayStart ?? null, dayEnd: hours?.dayEnd ?? null })
            .where(and(eq(eventCompanies.eventId, event.id), inArray(eventCompanies.companyId, targets.map((t) => t.id)))),
          auditStmt(db, c.var.user, { action: "companies.hours", eventId: event.id, targetType: "event", targetId: event.id, before: verified.filter((v) => targets.some((t) => t.id === v.id)).map(({ id, dayStart, dayEnd }) => ({ id, dayStart, dayEnd })), after: { companyIds: targets.map((t) => t.id), hours } }),
        ]);
    }
    const report = await generateSlots(db, c.env, event, targets, dryRun);
    if (!dryRun) {
      await auditStmt(db, c.var.user, {
        action: "slots.generate",
        eventId: event.id,
        targetType: "event",
        targetId: event.id,
        after: { companyIds: targets.map((t) => t.id), created: report.created, removed: report.removed, reshaped: report.reshaped, keptBooked: report.keptBooked },
      });
      invalidateEventContext();
      await afterVisibleWrite(c, event.id);
    }
    return c.json(report);
  })
  .get("/deprioritized", async (c) => {
    const db = c.var.db;
    const event = await activeEvent(db);
    const rows = await db.select({ email: deprioritizedEmails.email }).from(deprioritizedEmails).where(eq(deprioritizedEmails.eventId, event.id)).orderBy(deprioritizedEmails.email);
    return c.json({ emails: rows.map((r) => r.email) });
  })
  .post("/deprioritized", valid("json", deprioritizedBody), async (c) => {
    const raw = c.req.valid("json").emails;
    const bad = raw.map((e, i) => ({ e, i })).filter(({ e }) => !emailCheck.safeParse(e.trim()).success);
    if (bad.length)
      throw new ApiError("validation_failed", `${bad.length} line(s) are not e-mail addresses; nothing was imported.`, bad.slice(0, 50).map(({ e, i }) => ({ path: `emails.${i}`, message: `not an e-mail address: ${e}` })));
    const emails = [...new Set(raw.map(normalizeEmail))];
    const db = c.var.db;
    const event = await activeEvent(db);
    // The list travels as one JSON parameter (json_each), so the whole import, whatever its size,
    // is one D1 batch: one transaction with its audit row. The audit row goes first and counts
    // inside that transaction, so its figures are exactly what the writes after it change.
    const list = JSON.stringify(emails);
    const listed = sql`(SELECT value FROM json_each(${list}))`;
    const [, added, flagged] = await db.batch([
      auditStmt(db, c.var.user, {
        action: "deprioritized.import",
        eventId: event.id,
        targetType: "event",
        targetId: event.id,
        after: sql`json_object('received', ${raw.length},
          'added', (SELECT count(*) FROM json_each(${list}) j WHERE NOT EXISTS (SELECT 1 FROM ${deprioritizedEmails} d WHERE d.event_id = ${event.id} AND d.email = j.value)),
          'flagged', (SELECT count(*) FROM ${users} WHERE role = 'student' AND deprioritized = 0 AND email IN ${listed}))`,
      }),
      db
        .insert(deprioritizedEmails)
        // Every column of the table, in its order (drizzle lists them all); an import gives no reason.
        .select(sql`SELECT ${event.id} AS event_id, value AS email, NULL AS reason, ${new Date().toISOString()} AS added_at FROM json_each(${list}) WHERE true`)
        .onConflictDoNothing()
        .returning({ email: deprioritizedEmails.email }),
      db
        .update(users)
        .set({ deprioritized: true, updatedAt: new Date().toISOString() })
        .where(and(eq(users.role, "student"), eq(users.deprioritized, false), sql`${users.email} IN ${listed}`))
        .returning({ id: users.id }),
    ]);
    invalidateEventContext();
    const total = await db.$count(deprioritizedEmails, eq(deprioritizedEmails.eventId, event.id));
    return c.json({ flagged: flagged.length, added: added.length, unchanged: emails.length - added.length, total } satisfies DeprioritizedImport);
  })
  .get("/metrics", async (c) => {
    const event = await activeEvent(c.var.db);
    const [metrics, live] = await Promise.all([eventMetrics(c.env.DB, event.id), liveStats(c.env, event.id)]);
    c.header("Cache-Control", "no-store");
    return c.json({ event: publicEvent(event), metrics, live } satisfies MetricsResponse);
  })
  .get("/export/bookings.csv", async (c) => {
    const db = c.var.db;
    const event = await activeEvent(db);
    const rows = await db
      .select({
        id: bookings.id,
        status: bookings.status,
        phase: bookings.phase,
        company: companies.name,
        studentName: users.fullName,
        studentEmail: users.email,
        startsAt: bookings.startsAt,
        endsAt: bookings.endsAt,
        createdAt: bookings.createdAt,
        cancelledAt: bookings.cancelledAt,
        attendance: bookings.attendance,
        checkedInAt: bookings.checkedInAt,
      })
      .from(bookings)
      .innerJoin(companies, eq(companies.id, bookings.companyId))
      .innerJoin(users, eq(users.id, bookings.studentId))
      .where(eq(bookings.eventId, event.id))
      .orderBy(bookings.startsAt, companies.name, users.fullName);
    const csv = toCsv(
      ["booking_id", "status", "phase", "company", "student_name", "student_email", "starts_at", "ends_at", "created_at", "cancelled_at", "attendance", "checked_in_at"],
      rows.map((r) => [r.id, r.status, r.phase, r.company, r.studentName, r.studentEmail, r.startsAt, r.endsAt, r.createdAt, r.cancelledAt, r.attendance, r.checkedInAt]),
    );
    const name = `bookings-${event.name.replace(/[^\w-]+/g, "-").toLowerCase()}.csv`;
    return c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"` });
  })
  .get("/audit", valid("query", auditQuery), async (c) => {
    const { limit = 100, before } = c.req.valid("query");
    const rows = await c.var.db
      .select()
      .from(auditLog)
      .where(before ? lt(auditLog.id, before) : undefined)
      .orderBy(desc(auditLog.id))
      .limit(limit);
    return c.json({ entries: rows satisfies AuditEntry[] });
  });
