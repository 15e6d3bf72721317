// Starting and ending a session in the response: the token in the body and the __Host- cookie.
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { AuthResponse } from "../domain/contract.ts";
import { COOKIE, SESSION_SECONDS, signSession } from "./jwt.ts";
import { toAuthUser, toUser, type UserRow } from "./users.ts";

export async function startSession<E extends { Bindings: Env }>(c: Context<E>, row: UserRow, status: 200 | 201 = 200) {
  const token = await signSession(toAuthUser(row), c.env.JWT_SECRET);
  setCookie(c, COOKIE, token, { httpOnly: true, secure: true, sameSite: "Lax", path: "/", maxAge: SESSION_SECONDS });
  const body: AuthResponse = { user: toUser(row), token };
  return c.json(body, status);
}

export function clearSessionCookie<E extends { Bindings: Env }>(c: Context<E>): void {
  deleteCookie(c, COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
}
