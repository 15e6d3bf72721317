// Signup, login, logout, me (DESIGN.md "HTTP contract").
import { eq } from "drizzle-orm";
import { Hono, type Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { AuthResponse } from "../domain/contract.ts";
import { companies, eventCompanies, events, users } from "../db/schema.ts";
import type { AppEnv } from "../env.ts";
import { checkDeprioritized } from "../lib/deprioritized.ts";
import { ApiError } from "../lib/errors.ts";
import { rootMessage } from "../lib/log.ts";
import { COOKIE, SESSION_SECONDS, signSession } from "../lib/jwt.ts";
import { hashPassword, verifyPassword } from "../lib/password.ts";
import { limitAccountAndIp } from "../lib/rate-limit.ts";
import { normalizeEmail, toAuthUser, toUser, type UserRow } from "../lib/users.ts";
import { valid } from "../lib/validate.ts";
import { requireRole } from "../middleware/auth.ts";

const email = z.email({ message: "expected an e-mail address" }).max(254).transform(normalizeEmail);
const password = z.string().min(8, "at least 8 characters").max(200);

const signupSchema = z
  .strictObject({
    email,
    password,
    fullName: z.string().trim().min(1).max(120),
    role: z.enum(["student", "company"]),
    companyName: z.string().trim().min(1).max(120).optional(),
  })
  .refine((b) => b.role !== "company" || b.companyName, { path: ["companyName"], message: "required for a recruiter" })
  .refine((b) => b.role !== "student" || !b.companyName, { path: ["companyName"], message: "only for a recruiter" });

const loginSchema = z.strictObject({ email, password: z.string().min(1).max(200) });

async function startSession(c: Context<AppEnv>, row: UserRow, status: 200 | 201) {
  const token = await signSession(toAuthUser(row), c.env.JWT_SECRET);
  setCookie(c, COOKIE, token, { httpOnly: true, secure: true, sameSite: "Lax", path: "/", maxAge: SESSION_SECONDS });
  const body: AuthResponse = { user: toUser(row), token };
  return c.json(body, status);
}

export const authRoutes = new Hono<AppEnv>()
  .post("/auth/signup", valid("json", signupSchema), async (c) => {
    const b = c.req.valid("json");
    await limitAccountAndIp(c, "signup", b.email);
    const db = c.var.db;
    const event = await db.query.events.findFirst({ where: eq(events.status, "active") });
    const listed = event && b.role === "student" ? await checkDeprioritized(db, event.id, b.email) : { deprioritized: false, restore: [] };
    const now = new Date().toISOString();
    const id = crypto.randomUUID();
    const companyId = b.role === "company" ? crypto.randomUUID() : null;
    const row: UserRow = {
      id,
      email: b.email,
      passwordHash: await hashPassword(b.password),
      role: b.role,
      fullName: b.fullName,
      deprioritized: listed.deprioritized,
      companyId,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: now,
    };
    const taken = () =>
      new ApiError("conflict", "An account with this e-mail already exists.", [{ path: "email", message: "already registered" }]);
    if (await db.query.users.findFirst({ where: eq(users.email, b.email), columns: { id: true } })) throw taken();
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
      // Two signups racing for one e-mail: the batch is one transaction, so nothing stays. D1's
      // message is the cause of drizzle's error (whose own message is the query and its values).
      if (/UNIQUE constraint failed: users\.email/.test(rootMessage(err))) throw taken();
      throw err;
    }
    return startSession(c, row, 201);
  })
  .post("/auth/login", valid("json", loginSchema), async (c) => {
    const { email, password } = c.req.valid("json");
    await limitAccountAndIp(c, "login", email);
    const db = c.var.db;
    const row = await db.query.users.findFirst({ where: eq(users.email, email) });
    const ok = await verifyPassword(password, row?.passwordHash ?? null);
    if (!row || !ok) throw new ApiError("unauthenticated", "Wrong e-mail or password.");
    const now = new Date().toISOString();
    await db.update(users).set({ lastLoginAt: now }).where(eq(users.id, row.id));
    return startSession(c, row, 200);
  })
  .post("/auth/logout", (c) => {
    deleteCookie(c, COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
    return c.body(null, 204);
  })
  .get("/me", requireRole(), async (c) => {
    const row = await c.var.db.query.users.findFirst({ where: eq(users.id, c.var.user.id) });
    if (!row) throw new ApiError("unauthenticated", "This account no longer exists.");
    return c.json({ user: toUser(row) });
  });
