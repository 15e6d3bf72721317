// Session tokens: jose HS256 with a short expiry; the secret is a wrangler secret (.dev.vars locally).
import { SignJWT, jwtVerify } from "jose";
import { ROLES, type Role } from "../domain/contract.ts";
import type { AuthUser } from "../env.ts";

export const SESSION_SECONDS = 8 * 3600;
export const COOKIE = "inf_session";

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
  return new SignJWT({ email: user.email, role: user.role, name: user.fullName, cid: user.companyId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(keyOf(secret));
}

const isRole = (r: unknown): r is Role => typeof r === "string" && (ROLES as readonly string[]).includes(r);

/** The user a token speaks for, or null if it is invalid or expired. */
export async function readSession(token: string, secret: string): Promise<AuthUser | null> {
  try {
    const { payload } = await jwtVerify(token, await verifyKeyOf(secret), { algorithms: ["HS256"] });
    const { sub, email, role, name, cid } = payload;
    if (typeof sub !== "string" || typeof email !== "string" || !isRole(role) || typeof name !== "string") return null;
    return { id: sub, email, role, fullName: name, companyId: typeof cid === "string" ? cid : null };
  } catch {
    return null;
  }
}
