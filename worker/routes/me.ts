// The signed-in person: who they are, and their mail preferences (language, reminders).
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { LANGS, type Preferences } from "../domain/contract.ts";
import { users } from "../db/schema.ts";
import type { AuthedEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { toUser } from "../lib/users.ts";
import { valid } from "../lib/validate.ts";
import { requireRole } from "../middleware/auth.ts";

const preferencesPatch = z.strictObject({ lang: z.enum(LANGS).optional(), reminders: z.boolean().optional() });

export const meRoutes = new Hono<AuthedEnv>()
  .use(requireRole())
  .get("/", async (c) => {
    const row = await c.var.db.query.users.findFirst({ where: eq(users.id, c.var.user.id) });
    if (!row) throw new ApiError("unauthenticated", "This account no longer exists.");
    return c.json({ user: toUser(row) });
  })
  .get("/preferences", async (c) => {
    const row = await c.var.db.query.users.findFirst({ where: eq(users.id, c.var.user.id), columns: { lang: true, reminders: true } });
    if (!row) throw new ApiError("unauthenticated", "This account no longer exists.");
    const preferences: Preferences = row;
    return c.json({ preferences });
  })
  .patch("/preferences", valid("json", preferencesPatch), async (c) => {
    const [row] = await c.var.db
      .update(users)
      .set({ ...c.req.valid("json"), updatedAt: new Date().toISOString() })
      .where(eq(users.id, c.var.user.id))
      .returning({ lang: users.lang, reminders: users.reminders });
    if (!row) throw new ApiError("unauthenticated", "This account no longer exists.");
    const preferences: Preferences = row;
    return c.json({ preferences });
  });
