// The public reads (GET /api/event, /api/companies, /api/companies/:id) all come from one cached
// catalogue (worker/lib/catalogue.ts): a stampede of page loads reaches D1 about once per
// PUBLIC_CACHE_SECONDS per isolate and data centre, whatever the ids asked for. Every write that
// changes what they show purges it (purgePublicReads), so the writer's next read is fresh.
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { type Catalogue, loadCatalogue } from "./catalogue.ts";
import { type CachePolicy, SharedCache } from "./shared-cache.ts";

/** Past its fresh lifetime a copy is still served, once, while it reloads in the background. */
const STALE_MS = 10_000;

const catalogue = new SharedCache<Catalogue>("catalogue");

export const publicCachePolicy = (env: Env): CachePolicy => ({ freshMs: Number(env.PUBLIC_CACHE_SECONDS || "2") * 1000, staleMs: STALE_MS });

type Ctx = Context<AppEnv>;

const scopeOf = (c: Ctx) => ({ url: c.req.url, waitUntil: (p: Promise<unknown>) => c.executionCtx.waitUntil(p) });

export const publicCatalogue = (c: Ctx): Promise<Catalogue> => catalogue.get(scopeOf(c), publicCachePolicy(c.env), () => loadCatalogue(c.var.db));

/** After a write to what the public reads show: this data centre's copy goes, other isolates follow within the fresh lifetime. */
export const purgePublicReads = (c: { req: { url: string } }): Promise<void> => catalogue.purge({ url: c.req.url });

/** The HTTP side: a short shared lifetime and stale-while-revalidate for caches in front, revalidation for browsers. */
export const PUBLIC_CACHE_CONTROL = (env: Env) => `public, max-age=0, s-maxage=${env.PUBLIC_CACHE_SECONDS || "2"}, stale-while-revalidate=${STALE_MS / 1000}`;
