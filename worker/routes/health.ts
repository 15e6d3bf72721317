import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { errorFields, logLine } from "../lib/log.ts";

export const healthRoutes = new Hono<AppEnv>().get("/health", async (c) => {
  const started = Date.now();
  try {
    await c.var.db.get(sql`SELECT 1`);
  } catch (err) {
    logLine("error", "health: D1 unreachable", { requestId: c.var.requestId, ...errorFields(err) });
    throw new ApiError("unavailable", "The database does not answer.", undefined, { retryAfter: 5 });
  }
  c.header("Cache-Control", "no-store");
  return c.json({ ok: true, d1Ms: Date.now() - started, time: new Date().toISOString() });
});
