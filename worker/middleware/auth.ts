// Authentication (JWT from the httpOnly cookie or `Authorization: Bearer`) and role checks.
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import type { Role } from "../domain/contract.ts";
import type { AuthUser } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { COOKIE, readSession } from "../lib/jwt.ts";
import { sessionCurrent } from "../lib/sessions.ts";

/** The user of a valid, unexpired and unrevoked session token (cookie or Bearer), else null. */
export async function sessionUser<E extends { Bindings: Env }>(c: Context<E>): Promise<AuthUser | null> {
  const header = c.req.header("authorization");
  const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : getCookie(c, COOKIE);
  const user = token ? await readSession(token, c.env.JWT_SECRET) : null;
  return user && (await sessionCurrent(c.env, user)) ? user : null;
}

/** 401 without a valid session, 403 with the wrong role; sets `user` for the handlers. */
export const requireRole = (...roles: Role[]) =>
  createMiddleware<{ Bindings: Env; Variables: { user: AuthUser } }>(async (c, next) => {
    const user = await sessionUser(c);
    if (!user) throw new ApiError("unauthenticated", "Please log in.");
    if (roles.length && !roles.includes(user.role)) throw new ApiError("forbidden", "You may not do this.");
    c.set("user", user);
    await next();
  });

/** Booking and wishes: a student whose address is not verified yet gets 403 email_unverified (no D1 read: the claim). */
export const requireVerifiedEmail = createMiddleware<{ Bindings: Env; Variables: { user: AuthUser } }>(async (c, next) => {
  if (!c.var.user.emailVerified)
    throw new ApiError("email_unverified", "Please confirm your e-mail address first: follow the link we sent you.");
  await next();
});
