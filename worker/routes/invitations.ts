// Recruiters join their company: the career office invites an address (several per company), the
// link creates the account, or links the existing recruiter account to that company.
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { Invitation } from "../domain/contract.ts";
import { companies, invitations, users } from "../db/schema.ts";
import type { AppEnv, AuthedEnv } from "../env.ts";
import { INVITATION_TTL_MS, hashToken, newToken } from "../lib/account-tokens.ts";
import { auditStmt } from "../lib/audit.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { hashPassword, verifyPassword } from "../lib/password.ts";
import { startSession } from "../lib/session-response.ts";
import { revokeSessions } from "../lib/revoke-sessions.ts";
import { noteRevoked } from "../lib/sessions.ts";
import type { UserRow } from "../lib/users.ts";
import { valid } from "../lib/validate.ts";
import { invitationMail, langOf, originOf } from "../mail/account-mails.ts";
import { enqueueMail } from "../mail/enqueue.ts";
import { requireRole } from "../middleware/auth.ts";
import { emailField, passwordField, tokenField } from "./auth.ts";

const companyParam = z.strictObject({ id: z.uuid({ message: "expected a company id" }) });
const inviteBody = z.strictObject({ email: emailField });
const acceptBody = z.strictObject({ token: tokenField, password: passwordField, fullName: z.string().trim().min(1).max(120) });

const toInvitation = (r: typeof invitations.$inferSelect): Invitation => ({
  id: r.id,
  companyId: r.companyId,
  email: r.email,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  acceptedAt: r.acceptedAt,
});

export const adminInvitationRoutes = new Hono<AuthedEnv>()
  .use(requireRole("admin"))
  .get("/companies/:id/invitations", valid("param", companyParam), async (c) => {
    const rows = await c.var.db.select().from(invitations).where(eq(invitations.companyId, c.req.valid("param").id)).orderBy(desc(invitations.createdAt));
    return c.json({ invitations: rows.map(toInvitation) });
  })
  .post("/companies/:id/invitations", valid("param", companyParam), valid("json", inviteBody), async (c) => {
    const { id } = c.req.valid("param");
    const { email } = c.req.valid("json");
    const db = c.var.db;
    const [company, holder] = await db.batch([
      db.select({ name: companies.name }).from(companies).where(eq(companies.id, id)),
      db.select({ role: users.role }).from(users).where(eq(users.email, email)),
    ]);
    if (!company[0]) throw notFound("No such company.");
    if (holder[0] && holder[0].role !== "company")
      throw new ApiError("conflict", `${email} belongs to a ${holder[0].role} account; a recruiter needs their own address.`, [{ path: "email", message: "not a recruiter account" }]);
    const t = await newToken();
    const row = { id: crypto.randomUUID(), companyId: id, email, tokenHash: t.hash, invitedBy: c.var.user.id, expiresAt: new Date(Date.now() + INVITATION_TTL_MS).toISOString() };
    const [[inserted]] = await db.batch([
      db.insert(invitations).values(row).returning(),
      auditStmt(db, c.var.user, { action: "company.invite", targetType: "company", targetId: id, after: { email, invitationId: row.id } }),
    ]);
    await enqueueMail(c.env, invitationMail(row, company[0].name, langOf(c.req.header("accept-language")), originOf(c.req.url), t.token));
    return c.json({ invitation: toInvitation(inserted!) }, 201);
  });

export const invitationRoutes = new Hono<AppEnv>().post("/auth/invitations/accept", valid("json", acceptBody), async (c) => {
  const { token, password, fullName } = c.req.valid("json");
  const db = c.var.db;
  const now = new Date().toISOString();
  const inv = await db.query.invitations.findFirst({
    where: and(eq(invitations.tokenHash, await hashToken(token)), isNull(invitations.acceptedAt), gt(invitations.expiresAt, now)),
  });
  if (!inv) throw new ApiError("invalid_token", "This invitation has expired or was already used; ask the career office for a new one.");
  const existing = await db.query.users.findFirst({ where: eq(users.email, inv.email) });
  const claim = db
    .update(invitations)
    .set({ acceptedAt: now })
    .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt)))
    .returning({ id: invitations.id });
  let row: UserRow | undefined;
  if (existing) {
    if (existing.role !== "company") throw new ApiError("conflict", `This address belongs to a ${existing.role} account; ask the career office.`);
    if (!(await verifyPassword(password, existing.passwordHash))) throw new ApiError("unauthenticated", "This address already has an account: enter its password to link it.");
    // Another company: the old sessions spoke for the old one, so they end.
    const moves = existing.companyId !== inv.companyId;
    const [won, [linked]] = await db.batch([
      claim,
      db
        .update(users)
        .set({ companyId: inv.companyId, emailVerified: true, updatedAt: now, ...(moves ? revokeSessions(now) : {}) })
        .where(eq(users.id, existing.id))
        .returning(),
    ]);
    if (!won.length) throw new ApiError("invalid_token", "This invitation was already used.");
    row = linked;
    if (row && moves) noteRevoked(row.id, row.tokenVersion);
  } else {
    const fresh: UserRow = {
      id: crypto.randomUUID(),
      email: inv.email,
      passwordHash: await hashPassword(password),
      role: "company",
      fullName,
      deprioritized: false,
      companyId: inv.companyId,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: now,
      emailVerified: true,
      lang: langOf(c.req.header("accept-language")),
      reminders: true,
      disabledAt: null,
      tokenVersion: 0,
      sessionsChangedAt: null,
    };
    try {
      // One transaction: a second accept of the same link collides on the address and leaves nothing.
      const [won] = await db.batch([claim, db.insert(users).values(fresh)]);
      if (!won.length) throw new ApiError("invalid_token", "This invitation was already used.");
    } catch (err) {
      if (/UNIQUE constraint failed: users\.email/.test(String(err))) throw new ApiError("invalid_token", "This invitation was already used.");
      throw err;
    }
    row = fresh;
  }
  if (!row) throw new ApiError("invalid_token", "This invitation can no longer be used.");
  await auditStmt(db, { id: row.id, email: row.email }, { action: "company.invitation.accept", targetType: "company", targetId: inv.companyId, after: { userId: row.id, invitationId: inv.id, linked: !!existing } });
  return startSession(c, row);
});
