// Public reads: the event and the catalogue (verified companies only), from the shared cache
// (worker/lib/public-reads.ts), with ETag / 304. Unknown ids cost neither memory nor D1.
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { companyDetail, filterCatalogue } from "../lib/catalogue.ts";
import { notFound } from "../lib/errors.ts";
import { jsonWithEtag, jsonWithEtagOf } from "../lib/etag.ts";
import { publicEvent } from "../lib/events.ts";
import { PUBLIC_CACHE_CONTROL, publicCatalogue } from "../lib/public-reads.ts";
import { valid } from "../lib/validate.ts";

const listQuery = z.strictObject({
  tag: z.string().trim().max(60).optional(),
  q: z.string().trim().max(120).optional(),
  contractType: z.string().trim().max(60).optional(),
});
const idParam = z.strictObject({ id: z.uuid({ message: "expected an id" }) });

async function activeCatalogue(c: Context<AppEnv>) {
  const cat = await publicCatalogue(c);
  if (!cat.event) throw notFound("No event is active yet.");
  return { ...cat, event: cat.event };
}

export const catalogueRoutes = new Hono<AppEnv>()
  .get("/event", async (c) => {
    const { event } = await activeCatalogue(c);
    const body = { event: publicEvent(event) };
    // serverTime changes with every answer, not the event: a 304 means "same configuration and phase".
    const { serverTime: _, ...meaning } = body.event;
    return jsonWithEtag(c, body, "no-cache", meaning);
  })
  .get("/companies", valid("query", listQuery), async (c) => {
    const cat = await activeCatalogue(c);
    const query = c.req.valid("query");
    const key = JSON.stringify(["list", query.tag ?? null, query.q ?? null, query.contractType ?? null]);
    return jsonWithEtagOf(c, cat.companies, key, () => ({ companies: filterCatalogue(cat.companies, query) }), PUBLIC_CACHE_CONTROL(c.env));
  })
  .get("/companies/:id", valid("param", idParam), async (c) => {
    const cat = await activeCatalogue(c);
    const id = c.req.valid("param").id;
    const detail = companyDetail(cat, id);
    if (!detail) throw notFound("No such company at this event.");
    return jsonWithEtagOf(c, cat.companies, id, () => detail, PUBLIC_CACHE_CONTROL(c.env));
  });
