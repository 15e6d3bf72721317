// Writes that cannot be forged (issue #11 item 1), checked before authentication and validation:
// - a write a browser could send on its own (no `Authorization: Bearer`: the session cookie, or no
//   credentials at all) must come from the site itself (Sec-Fetch-Site, else Origin): 403 cross_origin;
// - a body must be of the type the route takes: 415 unsupported_media_type. Without this a form
//   POST (which any page may send cross-site, cookie included) reached the JSON validator as `{}`
//   and passed the schemas whose fields are all optional (verify, slot generation, reconcile).
// Routes that take no body accept an empty one; Bearer clients (the CLI, scripts) are not browsers.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
type Body = "application/json" | "application/pdf" | "none";

/** What each write route takes; every other write takes JSON. */
function bodyOf(method: string, path: string): Body {
  if (method === "PUT" && path === "/api/profile/cv") return "application/pdf";
  if (method === "DELETE" || (method === "POST" && path === "/api/auth/logout")) return "none";
  return "application/json";
}

function hasBody(c: Context): boolean {
  const length = c.req.header("content-length");
  if (length !== undefined) return Number(length) > 0;
  return c.req.header("transfer-encoding") !== undefined || c.req.raw.body !== null;
}

/** Same-origin by the browser's own account: Sec-Fetch-Site when sent, else the Origin header. */
function fromThisSite(c: Context): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) return site === "same-origin" || site === "none";
  const origin = c.req.header("origin");
  if (origin === undefined) return true; // not a browser: curl, the CLI, a server
  return origin === new URL(c.req.url).origin;
}

export const guardWrites = createMiddleware<AppEnv>(async (c, next) => {
  if (!WRITES.has(c.req.method)) return next();
  const bearer = c.req.header("authorization")?.startsWith("Bearer ") ?? false;
  if (!bearer && !fromThisSite(c)) throw new ApiError("cross_origin", "Writes are accepted from this site only.");
  const wanted = bodyOf(c.req.method, c.req.path);
  const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
  const body = hasBody(c);
  if (wanted === "none") {
    if (body) throw new ApiError("unsupported_media_type", "This request takes no body.");
  } else if (type !== undefined ? type !== wanted : body) {
    throw new ApiError("unsupported_media_type", `This request takes ${wanted}${type ? `, not ${type}` : ""}.`);
  }
  return next();
});
