// GET /api/live: the live seats' WebSocket (issue #14), anonymous (seat counts are public). The
// event's hub (LiveDO) takes the socket, or answers 503 + Retry-After past the event's ceiling.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { publicCatalogue } from "../lib/public-reads.ts";
import { liveStub } from "../lib/objects.ts";

export const liveRoutes = new Hono<AppEnv>().get("/live", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
    throw new ApiError("upgrade_required", "GET /api/live is a WebSocket: open it with `new WebSocket(...)`.");
  const { event } = await publicCatalogue(c);
  if (!event) throw notFound("No event is active yet.");
  return liveStub(c.env, event.id).fetch(c.req.raw);
});
