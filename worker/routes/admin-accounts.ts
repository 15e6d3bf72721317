// Account care by the career office: find an account, disable it, resend its verification, start a
// password reset, change its role; merge a duplicate company into another. Every write is audited.
import { and, eq, inArray, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { AdminUser } from "../domain/contract.ts";
import { companies, eventCompanies, invitations, offers, slots, users } from "../db/schema.ts";
import type { AuthedEnv } from "../env.ts";
import { VERIFY_TTL_MS, issueAccountToken } from "../lib/account-tokens.ts";
import { auditStmt } from "../lib/audit.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { invalidateEventContext } from "../lib/event-context.ts";
import { revokeSessions } from "../lib/revoke-sessions.ts";
import { purgePublicReads } from "../lib/public-reads.ts";
import { noteRevoked } from "../lib/sessions.ts";
import { toUser, type UserRow } from "../lib/users.ts";
import { valid } from "../lib/validate.ts";
import { originOf, verifyMail } from "../mail/account-mails.ts";
import { enqueueMail } from "../mail/enqueue.ts";
import { requireRole } from "../middleware/auth.ts";
import { sendPasswordReset } from "./password.ts";

const idParam = z.strictObject({ id: z.uuid({ message: "expected an id" }) });
const searchQuery = z.strictObject({ q: z.string().trim().min(1).max(254) });
const disableBody = z.strictObject({ disabled: z.boolean() });
const roleBody = z
  .strictObject({ role: z.enum(["student", "company"]), companyId: z.uuid().nullable().optional() })
  .refine((b) => (b.role === "company") === !!b.companyId, { path: ["companyId"], message: "a recruiter needs a company, a student none" });
const mergeBody = z.strictObject({ into: z.uuid({ message: "expected a company id" }) });

const toAdminUser = (u: UserRow): AdminUser => ({ ...toUser(u), disabled: u.disabledAt !== null, createdAt: u.createdAt, lastLoginAt: u.lastLoginAt });

async function userOr404(c: { var: { db: AuthedEnv["Variables"]["db"] } }, id: string): Promise<UserRow> {
  const u = await c.var.db.query.users.findFirst({ where: eq(users.id, id) });
  if (!u) throw notFound("No such account.");
  return u;
}

export const adminAccountRoutes = new Hono<AuthedEnv>()
  .use(requireRole("admin"))
  .get("/users", valid("query", searchQuery), async (c) => {
    const q = c.req.valid("query").q.toLowerCase().replace(/[%_\\]/g, (ch) => `\\${ch}`);
    const rows = await c.var.db.select().from(users).where(sql`${users.email} LIKE ${`%${q}%`} ESCAPE '\\'`).orderBy(users.email).limit(50);
    return c.json({ users: rows.map(toAdminUser) });
  })
  .post("/users/:id/disable", valid("param", idParam), valid("json", disableBody), async (c) => {
    const target = await userOr404(c, c.req.valid("param").id);
    const { disabled } = c.req.valid("json");
    if (target.role === "admin") throw new ApiError("forbidden", "Admin accounts are managed with the CLI.");
    const now = new Date().toISOString();
    const db = c.var.db;
    const [[row]] = await db.batch([
      db.update(users).set({ disabledAt: disabled ? (target.disabledAt ?? now) : null, updatedAt: now, ...(disabled ? revokeSessions(now) : {}) }).where(eq(users.id, target.id)).returning(),
      auditStmt(db, c.var.user, { action: disabled ? "user.disable" : "user.enable", targetType: "user", targetId: target.id, before: { disabled: !!target.disabledAt }, after: { disabled } }),
    ]);
    if (row && disabled) noteRevoked(row.id, row.tokenVersion);
    return c.json({ user: toAdminUser(row!) });
  })
  .post("/users/:id/verification", valid("param", idParam), async (c) => {
    const target = await userOr404(c, c.req.valid("param").id);
    if (target.emailVerified) throw new ApiError("conflict", "This address is already verified.");
    const db = c.var.db;
    await enqueueMail(c.env, verifyMail(target, originOf(c.req.url), await issueAccountToken(db, target.id, "verify", VERIFY_TTL_MS)));
    await auditStmt(db, c.var.user, { action: "user.verification.resend", targetType: "user", targetId: target.id });
    return c.json({ status: "sent" }, 202);
  })
  .post("/users/:id/password-reset", valid("param", idParam), async (c) => {
    const target = await userOr404(c, c.req.valid("param").id);
    if (target.disabledAt) throw new ApiError("conflict", "This account is disabled; enable it first.");
    const db = c.var.db;
    await sendPasswordReset(c.env, db, target, originOf(c.req.url));
    await auditStmt(db, c.var.user, { action: "user.password.reset.start", targetType: "user", targetId: target.id });
    return c.json({ status: "reset_sent" }, 202);
  })
  .patch("/users/:id/role", valid("param", idParam), valid("json", roleBody), async (c) => {
    const target = await userOr404(c, c.req.valid("param").id);
    const { role, companyId = null } = c.req.valid("json");
    if (target.role === "admin") throw new ApiError("forbidden", "Admin accounts are managed with the CLI.");
    const db = c.var.db;
    if (companyId && !(await db.query.companies.findFirst({ where: eq(companies.id, companyId), columns: { id: true } }))) throw notFound("No such company.");
    const now = new Date().toISOString();
    const [[row]] = await db.batch([
      db.update(users).set({ role, companyId, updatedAt: now, ...revokeSessions(now) }).where(eq(users.id, target.id)).returning(),
      auditStmt(db, c.var.user, { action: "user.role", targetType: "user", targetId: target.id, before: { role: target.role, companyId: target.companyId }, after: { role, companyId } }),
    ]);
    noteRevoked(row!.id, row!.tokenVersion);
    return c.json({ user: toAdminUser(row!) });
  })
  .post("/companies/:id/merge", valid("param", idParam), valid("json", mergeBody), async (c) => {
    const { id } = c.req.valid("param");
    const { into } = c.req.valid("json");
    if (id === into) throw new ApiError("validation_failed", "A company cannot be merged into itself.", [{ path: "into", message: "same company" }]);
    const db = c.var.db;
    const [source, target, sourceSlots, sourceEvents, targetEvents, recruiters, offerCount, invitationCount] = await db.batch([
      db.select().from(companies).where(eq(companies.id, id)),
      db.select().from(companies).where(eq(companies.id, into)),
      db.select({ n: sql<number>`count(*)` }).from(slots).where(eq(slots.companyId, id)),
      db.select().from(eventCompanies).where(eq(eventCompanies.companyId, id)),
      db.select({ eventId: eventCompanies.eventId }).from(eventCompanies).where(eq(eventCompanies.companyId, into)),
      db.select({ id: users.id }).from(users).where(eq(users.companyId, id)),
      db.select({ n: sql<number>`count(*)` }).from(offers).where(eq(offers.companyId, id)),
      db.select({ n: sql<number>`count(*)` }).from(invitations).where(eq(invitations.companyId, id)),
    ]);
    if (!source[0] || !target[0]) throw notFound("No such company.");
    // Slots live in SlotDOs and bookings in StudentDOs by company: moving them under the objects'
    // feet would make D1 and the objects disagree. Duplicates are merged before slots exist.
    if ((sourceSlots[0]?.n ?? 0) > 0)
      throw new ApiError("conflict", `${source[0].name} already has slots: merge duplicates before generating slots.`);
    const targetHas = new Set(targetEvents.map((e) => e.eventId));
    const moveEvents = sourceEvents.filter((e) => !targetHas.has(e.eventId)).map((e) => e.eventId);
    const now = new Date().toISOString();
    const moved = { recruiters: recruiters.length, offers: offerCount[0]?.n ?? 0, invitations: invitationCount[0]?.n ?? 0, events: moveEvents.length };
    const [versions] = await db.batch([
      // Their sessions named the old company: they end.
      db.update(users).set({ companyId: into, updatedAt: now, ...revokeSessions(now) }).where(eq(users.companyId, id)).returning({ id: users.id, v: users.tokenVersion }),
      db.update(offers).set({ companyId: into, updatedAt: now }).where(eq(offers.companyId, id)),
      db.update(invitations).set({ companyId: into }).where(eq(invitations.companyId, id)),
      // The target keeps its own verification; the source's years the target lacked move over.
      ...(moveEvents.length
        ? [db.update(eventCompanies).set({ companyId: into }).where(and(eq(eventCompanies.companyId, id), inArray(eventCompanies.eventId, moveEvents)))]
        : []),
      db.delete(eventCompanies).where(eq(eventCompanies.companyId, id)),
      db.delete(companies).where(eq(companies.id, id)),
      auditStmt(db, c.var.user, {
        action: "company.merge",
        targetType: "company",
        targetId: into,
        before: { merged: source[0], into: target[0].name },
        after: { into, moved },
      }),
    ]);
    for (const r of versions) noteRevoked(r.id, r.v);
    invalidateEventContext();
    // The duplicate leaves the catalogue (it has no slots: the live seats do not change).
    await purgePublicReads(c);
    return c.json({ company: { id: into, name: target[0].name }, moved });
  });
