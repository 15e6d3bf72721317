// The check-in QR code's content (layout: worker/domain/checkin-code.ts): the booking id and a
// truncated HMAC-SHA256 of it, 38 characters (a version-3 QR code a phone reads at arm's length).
// Signed with the session secret under its own prefix, so it can never pass for a session token,
// nor be forged for another booking. Rotating JWT_SECRET invalidates the codes (students reload).
import { CHECKIN_CODE, CHECKIN_ID_CHARS, b64url, unb64url, uuidBytes, uuidOf } from "../domain/checkin-code.ts";
import { equalTime } from "./password.ts";

const PREFIX = new TextEncoder().encode("inf-checkin:v1:");
const MAC_BYTES = 12;

const keys = new Map<string, Promise<CryptoKey>>();
const keyOf = (secret: string) => {
  let k = keys.get(secret);
  if (!k) keys.set(secret, (k = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])));
  return k;
};

async function mac(secret: string, id: Uint8Array): Promise<Uint8Array> {
  const msg = new Uint8Array(PREFIX.length + id.length);
  msg.set(PREFIX);
  msg.set(id, PREFIX.length);
  return new Uint8Array(await crypto.subtle.sign("HMAC", await keyOf(secret), msg)).subarray(0, MAC_BYTES);
}

export async function signCheckIn(bookingId: string, secret: string): Promise<string> {
  const id = uuidBytes(bookingId);
  return b64url(id) + b64url(await mac(secret, id));
}

/** The booking id a code was signed for, or null for anything else. */
export async function readCheckIn(code: string, secret: string): Promise<string | null> {
  if (!CHECKIN_CODE.test(code)) return null;
  const id = unb64url(code.slice(0, CHECKIN_ID_CHARS));
  const given = unb64url(code.slice(CHECKIN_ID_CHARS));
  if (id.length !== 16 || given.length !== MAC_BYTES) return null;
  return equalTime(given, await mac(secret, id)) ? uuidOf(id) : null;
}
