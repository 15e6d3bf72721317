// Per-request plumbing: request id, the drizzle handle, body size ceiling, and the one error path.
import type { Context, ErrorHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { HTTPException } from "hono/http-exception";
import type { ErrorBody } from "../domain/contract.ts";
import { CV_MAX_BYTES } from "../domain/offers.ts";
import { makeDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { errorFields, isTransientD1, logLine } from "../lib/log.ts";

/**
 * The matched handler's pattern (`/api/bookings/:id`), never the concrete path with its ids.
 * Middleware (`use`) is registered as method ALL and may match after the handler: skip it.
 */
export const routeOf = (c: Context) => matchedRoutes(c).filter((r) => r.method !== "ALL").at(-1)?.path ?? "(no route)";

export const MAX_BODY_BYTES = 64 * 1024;
/** The only big bodies: imports (lists of e-mails) and CV uploads (a PDF of at most 5 MB). */
const BIG_BODY_LIMITS = new Map([
  ["/api/admin/deprioritized", 2 * 1024 * 1024],
  ["/api/profile/cv", CV_MAX_BYTES],
]);

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("db", makeDb(c.env.DB));
  await next();
  c.header("X-Request-Id", requestId);
});

const limit = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("payload_too_large", `Request bodies are limited to ${maxSize / 1024} kB.`);
    },
  });
const small = limit(MAX_BODY_BYTES);
const big = new Map([...BIG_BODY_LIMITS].map(([path, max]) => [path, limit(max)]));

export const limitBody = createMiddleware<AppEnv>((c, next) => (big.get(c.req.path) ?? small)(c, next));

/** When no cause gave a better figure: a rate limit's window, a transient fault's usual length. */
const DEFAULT_RETRY_AFTER: Partial<Record<number, number>> = { 429: 60, 503: 2 };

function errorResponse(c: Context<AppEnv>, err: ApiError) {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.details !== undefined) body.error.details = err.details;
  c.set("errorCode", err.code);
  const retryAfter = err.retryAfter ?? DEFAULT_RETRY_AFTER[err.status];
  if (retryAfter !== undefined) c.header("Retry-After", String(Math.max(1, Math.ceil(retryAfter))));
  return c.json(body, err.status);
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (e.g. malformed JSON from the validator) in the contract's shape.
    const code = err.status === 401 ? "unauthenticated" : err.status === 413 ? "payload_too_large" : "validation_failed";
    return errorResponse(c, new ApiError(code, err.message || "Bad request."));
  }
  const requestId = c.get("requestId");
  const where = { requestId, method: c.req.method, route: routeOf(c) };
  if (isTransientD1(err)) {
    logLine("warn", "D1 unavailable", { ...where, ...errorFields(err) });
    return errorResponse(c, new ApiError("unavailable", `The database is unavailable for a moment; please retry (request ${requestId}).`));
  }
  logLine("error", "unhandled error", { ...where, ...errorFields(err) });
  return errorResponse(c, new ApiError("internal", `Something went wrong on our side (request ${requestId}).`));
};
