// Signup (202, no enumeration), e-mail verification, login (failures counted per account and
// source), logout (ends every session of the user). DESIGN.md "HTTP contract" + issue #12.
import { and, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { LANGS, type AcceptedResponse } from "../domain/contract.ts";
import { studentEmailAllowed } from "../domain/accounts.ts";
import { companies, eventCompanies, events, studentRoster, users } from "../db/schema.ts";
import type { AppEnv } from "../env.ts";
import { VERIFY_TTL_MS, consumeAccountToken, issueAccountToken } from "../lib/account-tokens.ts";
import { checkDeprioritized } from "../lib/deprioritized.ts";
import { ApiError } from "../lib/errors.ts";
import { rootMessage } from "../lib/log.ts";
import { clearLoginFailures, loginBlocked, recordLoginFailure } from "../lib/login-guard.ts";
import { hashPassword, verifyPassword } from "../lib/password.ts";
import { limitLoginSource, limitSignup, mayMail, sourceOf } from "../lib/rate-limit.ts";
import { clearSessionCookie, startSession } from "../lib/session-response.ts";
import { revokeSessions } from "../lib/revoke-sessions.ts";
import { noteRevoked } from "../lib/sessions.ts";
import { normalizeEmail, type UserRow } from "../lib/users.ts";
import { valid } from "../lib/validate.ts";
import { accountExistsMail, langOf, originOf, verifyMail } from "../mail/account-mails.ts";
import { enqueueMail } from "../mail/enqueue.ts";
import { requireRole, sessionUser } from "../middleware/auth.ts";

export const emailField = z.email({ message: "expected an e-mail address" }).max(254).transform(normalizeEmail);
export const passwordField = z.string().min(8, "at least 8 characters").max(200);
export const tokenField = z.string().min(20).max(100).regex(/^[\w-]+$/, "not a link token");

const signupSchema = z
  .strictObject({
    email: emailField,
    password: passwordField,
    fullName: z.string().trim().min(1).max(120),
    role: z.enum(["student", "company"]),
    companyName: z.string().trim().min(1).max(120).optional(),
    lang: z.enum(LANGS).optional(),
  })
  .refine((b) => b.role !== "company" || b.companyName, { path: ["companyName"], message: "required for a recruiter" })
  .refine((b) => b.role !== "student" || !b.companyName, { path: ["companyName"], message: "only for a recruiter" });

const loginSchema = z.strictObject({ email: emailField, password: z.string().min(1).max(200) });
const verifySchema = z.strictObject({ token: tokenField });

const accepted = (status: AcceptedResponse["status"]): AcceptedResponse => ({ status });

export const authRoutes = new Hono<AppEnv>()
  .post("/auth/signup", valid("json", signupSchema), async (c) => {
    const b = c.req.valid("json");
    await limitSignup(c, b.email);
    const db = c.var.db;
    const event = await db.query.events.findFirst({ where: eq(events.status, "active") });
    const [rostered, rosterSize] = event
      ? await db.batch([
          db.select({ email: studentRoster.email }).from(studentRoster).where(and(eq(studentRoster.eventId, event.id), eq(studentRoster.email, b.email))),
          db.select({ n: sql<number>`count(*)` }).from(studentRoster).where(eq(studentRoster.eventId, event.id)),
        ])
      : [[], [{ n: 0 }]];
    if (b.role === "student" && !studentEmailAllowed(b.email, event?.studentEmailDomains ?? [], { inUse: (rosterSize[0]?.n ?? 0) > 0, listed: rostered.length > 0 }))
      throw new ApiError("email_not_allowed", "Students sign up with their school e-mail address.", [{ path: "email", message: "not a school address" }]);
    // Hashed whether or not the address is known: both answers take the same time.
    const passwordHash = await hashPassword(b.password);
    const origin = originOf(c.req.url);
    const existing = await db.query.users.findFirst({ where: eq(users.email, b.email) });
    if (existing) {
      if (await mayMail(c.env, b.email)) await enqueueMail(c.env, accountExistsMail(existing, origin));
      return c.json(accepted("verification_sent"), 202);
    }
    // On the list plainly, or erased from it (GDPR) and back under the same address.
    const listed = event && b.role === "student" ? await checkDeprioritized(db, event.id, b.email) : { deprioritized: false, restore: [] };
    const now = new Date().toISOString();
    const companyId = b.role === "company" ? crypto.randomUUID() : null;
    const row: UserRow = {
      id: crypto.randomUUID(),
      email: b.email,
      passwordHash,
      role: b.role,
      fullName: b.fullName,
      deprioritized: listed.deprioritized,
      companyId,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
      emailVerified: false,
      lang: b.lang ?? langOf(c.req.header("accept-language")),
      reminders: true,
      disabledAt: null,
      tokenVersion: 0,
      sessionsChangedAt: null,
    };
    try {
      if (companyId)
        // A recruiter creates an unverified company; the career office verifies it for the event.
        await db.batch([
          db.insert(companies).values({ id: companyId, name: b.companyName ?? "", createdAt: now, updatedAt: now }),
          db.insert(users).values(row),
          ...(event ? [db.insert(eventCompanies).values({ eventId: event.id, companyId })] : []),
        ]);
      else await db.batch([db.insert(users).values(row), ...listed.restore]);
    } catch (err) {
      // Two signups racing for one address: the batch is one transaction, nothing stays; same answer.
      // D1's message is the cause of drizzle's error (whose own message is the query and its values).
      if (/UNIQUE constraint failed: users\.email/.test(rootMessage(err))) return c.json(accepted("verification_sent"), 202);
      throw err;
    }
    const token = await issueAccountToken(db, row.id, "verify", VERIFY_TTL_MS);
    if (await mayMail(c.env, b.email)) await enqueueMail(c.env, verifyMail(row, origin, token));
    return c.json(accepted("verification_sent"), 202);
  })
  .post("/auth/verify", valid("json", verifySchema), async (c) => {
    const userId = await consumeAccountToken(c.env.DB, c.req.valid("json").token, "verify");
    if (!userId) throw new ApiError("invalid_token", "This link has expired or was already used; ask for a new one.");
    const db = c.var.db;
    const [row] = await db.update(users).set({ emailVerified: true, updatedAt: new Date().toISOString() }).where(eq(users.id, userId)).returning();
    if (!row || row.disabledAt) throw new ApiError("invalid_token", "This account can no longer be used.");
    return startSession(c, row);
  })
  .post("/auth/verify/resend", requireRole(), async (c) => {
    const db = c.var.db;
    const row = await db.query.users.findFirst({ where: eq(users.id, c.var.user.id) });
    if (row && !row.emailVerified && (await mayMail(c.env, row.email)))
      await enqueueMail(c.env, verifyMail(row, originOf(c.req.url), await issueAccountToken(db, row.id, "verify", VERIFY_TTL_MS)));
    return c.json(accepted("sent"), 202);
  })
  .post("/auth/login", valid("json", loginSchema), async (c) => {
    const { email, password } = c.req.valid("json");
    await limitLoginSource(c);
    const source = sourceOf(c);
    if (await loginBlocked(c.env.DB, email, source))
      throw new ApiError("rate_limited", "Too many wrong passwords from here; wait a quarter of an hour, or reset your password.");
    const db = c.var.db;
    const row = await db.query.users.findFirst({ where: eq(users.email, email) });
    const ok = await verifyPassword(password, row?.passwordHash ?? null);
    if (!row || !ok) {
      await recordLoginFailure(c.env.DB, email, source);
      throw new ApiError("unauthenticated", "Wrong e-mail or password.");
    }
    if (row.disabledAt) throw new ApiError("forbidden", "This account has been disabled by the career office.");
    await Promise.all([
      clearLoginFailures(c.env.DB, email, source),
      db.update(users).set({ lastLoginAt: new Date().toISOString() }).where(eq(users.id, row.id)),
    ]);
    return startSession(c, row);
  })
  .post("/auth/logout", async (c) => {
    const user = await sessionUser(c);
    if (user) {
      const [row] = await c.var.db.update(users).set(revokeSessions(new Date().toISOString())).where(eq(users.id, user.id)).returning({ v: users.tokenVersion });
      if (row) noteRevoked(user.id, row.v);
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  });
