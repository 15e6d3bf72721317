// Single-use links sent by e-mail (verify an address, reset a password) and invitation tokens:
// 32 random bytes in the link, only their SHA-256 in D1, so a leaked table opens no account.
import type { Db } from "../db/client.ts";
import { accountTokens } from "../db/schema.ts";

export const VERIFY_TTL_MS = 48 * 3600_000;
export const RESET_TTL_MS = 30 * 60_000;
export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export async function hashToken(token: string): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return [...h].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function newToken(): Promise<{ token: string; hash: string }> {
  const token = b64url(crypto.getRandomValues(new Uint8Array(32)));
  return { token, hash: await hashToken(token) };
}

export async function issueAccountToken(db: Db, userId: string, kind: "verify" | "reset", ttlMs: number): Promise<{ token: string; hash: string }> {
  const t = await newToken();
  await db.insert(accountTokens).values({ tokenHash: t.hash, userId, kind, expiresAt: new Date(Date.now() + ttlMs).toISOString() });
  return t;
}

/** Uses the token once: the user it belongs to, or null (unknown, expired, used, or another kind). Atomic. */
export async function consumeAccountToken(d1: D1Database, token: string, kind: "verify" | "reset"): Promise<string | null> {
  const now = new Date().toISOString();
  return d1
    .prepare("UPDATE account_tokens SET used_at = ?1 WHERE token_hash = ?2 AND kind = ?3 AND used_at IS NULL AND expires_at > ?1 RETURNING user_id")
    .bind(now, await hashToken(token), kind)
    .first<string>("user_id");
}
