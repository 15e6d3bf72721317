// Revocable sessions. A token carries the token version of its user at issue (claim `tv`); raising
// users.token_version ends every session issued before (logout, password change or reset, erasure,
// role change, disable). Reading D1 on every request would put a read on the booking path, so each
// isolate keeps only the versions changed within a token's lifetime (SESSION_SECONDS): nobody else
// can hold a revoked token that has not expired anyway.
//
// Bound: another isolate honours a revocation within SESSION_TTL_SECONDS plus one D1 read (up to
// 30 s more while D1 is away: the cached map is served stale rather than failing every request).
// The isolate that made the change honours it at once (`noteRevoked`).
import { IsolateCache } from "./isolate-cache.ts";
import { SESSION_SECONDS } from "./jwt.ts";
import type { AuthUser } from "../env.ts";

const cache = new IsolateCache<Map<string, number>>(30_000);
/** Versions raised in this isolate, kept until any reload of the cache must include them. */
const local = new Map<string, { version: number; at: number }>();
const LOCAL_KEEP_MS = 60_000;

export const sessionTtlMs = (env: Env) => Number(env.SESSION_TTL_SECONDS ?? "5") * 1000;

async function load(d1: D1Database): Promise<Map<string, number>> {
  const since = new Date(Date.now() - SESSION_SECONDS * 1000).toISOString();
  const rows = await d1.prepare("SELECT id, token_version AS v FROM users WHERE sessions_changed_at > ?").bind(since).all<{ id: string; v: number }>();
  return new Map(rows.results.map((r) => [r.id, r.v]));
}

/** The version a session of this user must carry at least. */
async function requiredVersion(env: Env, userId: string): Promise<number> {
  const map = await cache.get(sessionTtlMs(env), () => load(env.DB));
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
