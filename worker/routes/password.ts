// Password reset by e-mail link (single use, 30 min) and password change; both end every session.
import { and, eq, isNull } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { AcceptedResponse } from "../domain/contract.ts";
import { accountTokens, users } from "../db/schema.ts";
import type { AppEnv } from "../env.ts";
import { RESET_TTL_MS, consumeAccountToken, issueAccountToken } from "../lib/account-tokens.ts";
import { ApiError } from "../lib/errors.ts";
import { hashPassword, verifyPassword } from "../lib/password.ts";
import { limitAccount, mayMail } from "../lib/rate-limit.ts";
import { startSession } from "../lib/session-response.ts";
import { revokeSessions } from "../lib/revoke-sessions.ts";
import { noteRevoked } from "../lib/sessions.ts";
import type { Db } from "../db/client.ts";
import { valid } from "../lib/validate.ts";
import { originOf, resetMail } from "../mail/account-mails.ts";
import { enqueueMail } from "../mail/enqueue.ts";
import { requireRole } from "../middleware/auth.ts";
import { emailField, passwordField, tokenField } from "./auth.ts";

const forgotSchema = z.strictObject({ email: emailField });
const resetSchema = z.strictObject({ token: tokenField, password: passwordField });
const changeSchema = z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: passwordField });

/** Sends a reset link to the account (the forgot form, or the career office starting it). */
export async function sendPasswordReset(env: Env, db: Db, user: typeof users.$inferSelect, origin: string): Promise<void> {
  if (user.disabledAt || !(await mayMail(env, user.email))) return;
  await enqueueMail(env, resetMail(user, origin, await issueAccountToken(db, user.id, "reset", RESET_TTL_MS)));
}

/** New password, address proven (the link came by mail), every other session and reset link ended. */
async function setPassword(db: Db, userId: string, password: string, extra: { emailVerified?: true } = {}) {
  const now = new Date().toISOString();
  const [[row]] = await db.batch([
    db.update(users).set({ passwordHash: await hashPassword(password), updatedAt: now, ...extra, ...revokeSessions(now) }).where(eq(users.id, userId)).returning(),
    db.update(accountTokens).set({ usedAt: now }).where(and(eq(accountTokens.userId, userId), eq(accountTokens.kind, "reset"), isNull(accountTokens.usedAt))),
  ]);
  if (row) noteRevoked(row.id, row.tokenVersion);
  return row;
}

export const passwordRoutes = new Hono<AppEnv>()
  .post("/auth/password/forgot", valid("json", forgotSchema), async (c) => {
    const { email } = c.req.valid("json");
    await limitAccount(c, "forgot", email);
    const db = c.var.db;
    const user = await db.query.users.findFirst({ where: eq(users.email, email) });
    if (user) await sendPasswordReset(c.env, db, user, originOf(c.req.url));
    const body: AcceptedResponse = { status: "reset_sent" };
    return c.json(body, 202);
  })
  .post("/auth/password/reset", valid("json", resetSchema), async (c) => {
    const { token, password } = c.req.valid("json");
    const userId = await consumeAccountToken(c.env.DB, token, "reset");
    if (!userId) throw new ApiError("invalid_token", "This reset link has expired or was already used; ask for a new one.");
    const row = await setPassword(c.var.db, userId, password, { emailVerified: true });
    if (!row || row.disabledAt) throw new ApiError("invalid_token", "This account can no longer be used.");
    return startSession(c, row);
  })
  .post("/me/password", requireRole(), valid("json", changeSchema), async (c) => {
    const { currentPassword, newPassword } = c.req.valid("json");
    const db = c.var.db;
    const current = await db.query.users.findFirst({ where: eq(users.id, c.var.user.id) });
    if (!current || !(await verifyPassword(currentPassword, current.passwordHash)))
      throw new ApiError("validation_failed", "The current password is wrong.", [{ path: "currentPassword", message: "wrong password" }]);
    const row = await setPassword(db, current.id, newPassword);
    if (!row) throw new ApiError("unauthenticated", "This account no longer exists.");
    return startSession(c, row);
  });
