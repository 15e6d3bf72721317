// Session tokens: jose HS256 with a short expiry; the secret is a wrangler secret (.dev.vars locally).
import { SignJWT, jwtVerify } from "jose";
import { ROLES, type Role } from "../domain/contract.ts";
import type { AuthUser } from "../env.ts";

export const SESSION_SECONDS = 8 * 3600;
// __Host-: the browser keeps it only when Secure, Path=/ and without Domain (no subdomain can plant one).
export const COOKIE = "__Host-inf_session";
/** Who issues sessions and for what: a token minted elsewhere with the same secret is not one of ours. */
export const ISSUER = "inf-booking";
export const AUDIENCE = "inf-booking:session";

const keys = new Map<string, Uint8Array>();
const keyOf = (secret: string) => {
  let k = keys.get(secret);
  if (!k) keys.set(secret, (k = new TextEncoder().encode(secret)));
  return k;
};

// The verifying key, imported once per secret (jose would import the raw secret on every call).
// Only settled keys are kept: a pending import is never shared between requests.
const verifyKeys = new Map<string, CryptoKey>();
async function verifyKeyOf(secret: string): Promise<CryptoKey> {
  let k = verifyKeys.get(secret);
  if (!k) {
    k = await crypto.subtle.importKey("raw", keyOf(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    verifyKeys.set(secret, k);
  }
  return k;
}

export async function signSession(user: AuthUser, secret: string, seconds = SESSION_SECONDS): Promise<string> {
  // tv: the user's token version at issue (worker/lib/sessions.ts); ev: e-mail verified, read on the
  // booking path without touching D1 (verification issues a new token).
  return new SignJWT({ email: user.email, role: user.role, name: user.fullName, cid: user.companyId, tv: user.tokenVersion, ev: user.emailVerified })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(keyOf(secret));
}

const isRole = (r: unknown): r is Role => typeof r === "string" && (ROLES as readonly string[]).includes(r);

// Tokens this isolate has verified, with their user and expiry: a student sends the same token
// with every click, and a herd would otherwise pay the signature check (HMAC, base64, JSON) each
// time. A token is a fixed string: verified once, it stays valid until its `exp` under the same
// secret (revocation is checked per request apart, worker/lib/sessions.ts). Bounded, oldest out
// first: ~700 bytes an entry, so at most ~3.5 MB of the isolate's 128 MB.
const VERIFIED_MAX = 5_000;
const verified = new Map<string, { secret: string; user: AuthUser; expMs: number }>();

/** The user a token speaks for, or null if it is invalid, expired, or lacks `iss`, `aud` or `exp`. */
export async function readSession(token: string, secret: string): Promise<AuthUser | null> {
  const known = verified.get(token);
  if (known && known.secret === secret) {
    if (Date.now() < known.expMs) return known.user;
    verified.delete(token);
    return null;
  }
  try {
    // No clock tolerance: a token is dead the second its `exp` passes.
    const { payload } = await jwtVerify(token, await verifyKeyOf(secret), { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ["exp", "sub"] });
    const { sub, email, role, name, cid, tv, ev, exp } = payload;
    if (typeof sub !== "string" || typeof email !== "string" || !isRole(role) || typeof name !== "string") return null;
    // Frozen: the same object now serves every later request with this token.
    const user: AuthUser = Object.freeze({ id: sub, email, role, fullName: name, companyId: typeof cid === "string" ? cid : null, tokenVersion: typeof tv === "number" ? tv : 0, emailVerified: ev === true });
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(token, { secret, user, expMs: (exp as number) * 1000 });
    return user;
  } catch {
    return null;
  }
}
