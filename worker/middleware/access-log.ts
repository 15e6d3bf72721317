// One structured log line per API request (Workers Logs): request id, route pattern, method,
// status, duration, error code. Never the concrete path (it carries ids), a query or a body.
// The same pass counts the answer for the alert check and records booking attempts for dashboards.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { recordBookingAttempt } from "../lib/booking-analytics.ts";
import { logLine } from "../lib/log.ts";
import { countRequest } from "../lib/request-stats.ts";
import { routeOf } from "./request.ts";

export const accessLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  await next();
  const ms = Date.now() - started;
  const status = c.res.status;
  const route = routeOf(c);
  const code = c.get("errorCode") ?? (status < 400 ? "ok" : `http_${status}`);
  logLine("info", "request", { requestId: c.get("requestId"), method: c.req.method, route, status, ms, code });
  if (c.req.method === "POST" && route === "/api/bookings") recordBookingAttempt(c.env, { code, ms, status });
  const flush = countRequest(c.var.db, status);
  if (flush) {
    try {
      c.executionCtx.waitUntil(flush);
    } catch {
      // No execution context (a unit test calling app.request): the write simply runs unawaited.
    }
  }
});
