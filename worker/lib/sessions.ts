// Revocable sessions. A token carries the token version of its user at issue (claim `tv`); raising
// users.token_version ends every session issued before (logout, password change or reset, erasure,
// role change, disable). Reading D1 on every request would put a read on the booking path, so each
// isolate keeps only the versions changed within a token's lifetime (SESSION_SECONDS): nobody else
// can hold a revoked token that has not expired anyway.
//
// Bound: another isolate honours a revocation within SESSION_TTL_SECONDS plus one D1 read (up to
// 30 s more while D1 is away: the cached map is served stale rather than failing every request).
// The isolate that made the change honours it at once (`noteRevoked`).
import { ApiError } from "./errors.ts";
import { SESSION_SECONDS } from "./jwt.ts";
import type { AuthUser } from "../env.ts";

// Not IsolateCache: its cold load hands one request's pending promise to the others, and a Workers
// promise settles only in the request that created it. Here a request either serves the map it
// finds, or loads its own; while one request refreshes a stale map, the others serve the stale one.
const MAX_STALE_MS = 30_000;
let cached: { map: Map<string, number>; at: number } | null = null;
let refreshing = false;
/** Versions raised in this isolate, kept until any reload of the cache must include them. */
const local = new Map<string, { version: number; at: number }>();
const LOCAL_KEEP_MS = 60_000;

export const sessionTtlMs = (env: Env) => Number(env.SESSION_TTL_SECONDS ?? "5") * 1000;

async function load(d1: D1Database): Promise<Map<string, number>> {
  const since = new Date(Date.now() - SESSION_SECONDS * 1000).toISOString();
  const rows = await d1.prepare("SELECT id, token_version AS v FROM users WHERE sessions_changed_at > ?").bind(since).all<{ id: string; v: number }>();
  return new Map(rows.results.map((r) => [r.id, r.v]));
}

async function versions(env: Env): Promise<Map<string, number>> {
  const ttl = sessionTtlMs(env);
  const e = cached;
  const age = e ? Date.now() - e.at : Infinity;
  if (e && age < ttl) return e.map;
  const canServeStale = e !== null && ttl > 0 && age < MAX_STALE_MS;
  if (canServeStale && refreshing) return e.map;
  refreshing = true;
  try {
    const map = await load(env.DB);
    cached = { map, at: Date.now() };
    return map;
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "session versions not loaded", error: String(err) }));
    if (canServeStale) return e.map;
    throw new ApiError("unavailable", "The service is busy; please retry in a moment.");
  } finally {
    refreshing = false;
  }
}

/** The version a session of this user must carry at least. */
async function requiredVersion(env: Env, userId: string): Promise<number> {
  const map = await versions(env);
  const mine = local.get(userId);
  if (mine && Date.now() - mine.at > LOCAL_KEEP_MS) local.delete(userId);
  return Math.max(map.get(userId) ?? 0, mine && Date.now() - mine.at <= LOCAL_KEEP_MS ? mine.version : 0);
}

export async function sessionCurrent(env: Env, user: AuthUser): Promise<boolean> {
  return user.tokenVersion >= (await requiredVersion(env, user.id));
}

/** This isolate honours the new version at once, whatever its cache holds. */
export function noteRevoked(userId: string, version: number): void {
  local.set(userId, { version, at: Date.now() });
}
