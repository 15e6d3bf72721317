// The salted hash that keeps an erased student's address recognisable, and nothing more: it
// cannot be read back, only matched by someone who already has the address. WebCrypto only, so
// the CLI (Node) and the Worker compute the same value.
const hex = (bytes: ArrayBuffer | Uint8Array) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

export const newSalt = () => hex(crypto.getRandomValues(new Uint8Array(16)));

/** `address` must already be normalised (worker/lib/users.ts normalizeEmail). */
export async function hashErasedAddress(salt: string, address: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${salt}:${address}`)));
}
