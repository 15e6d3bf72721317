// Authentication (JWT from the httpOnly cookie or `Authorization: Bearer`) and role checks.
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import type { Role } from "../domain/contract.ts";
import type { AuthUser } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { COOKIE, readSession } from "../lib/jwt.ts";

export async function sessionUser<E extends { Bindings: Env }>(c: Context<E>): Promise<AuthUser | null> {
  const header = c.req.header("authorization");
  const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : getCookie(c, COOKIE);
  return token ? readSession(token, c.env.JWT_SECRET) : null;
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
