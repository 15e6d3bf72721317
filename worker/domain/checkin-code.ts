// The check-in code's layout, shared by the Worker (which signs and checks it) and the recruiter's
// scanner page (which reads the booking id out of it to address the request): 22 base64url
// characters of the booking id's 16 bytes, then 16 of a 12-byte truncated HMAC.
export const CHECKIN_CODE = /^[A-Za-z0-9_-]{38}$/;
export const CHECKIN_ID_CHARS = 22;

export const b64url = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
export const unb64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

export const uuidBytes = (id: string) => Uint8Array.from(id.replace(/-/g, "").match(/../g)!.map((h) => parseInt(h, 16)));
export const uuidOf = (b: Uint8Array) => {
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** The booking id inside a code, unchecked (the Worker checks the signature). */
export function bookingIdOf(code: string): string | null {
  const c = code.trim();
  if (!CHECKIN_CODE.test(c)) return null;
  try {
    return uuidOf(unb64url(c.slice(0, CHECKIN_ID_CHARS)));
  } catch {
    return null;
  }
}
