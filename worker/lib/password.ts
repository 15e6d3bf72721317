// PBKDF2-SHA256 at the Workers maximum (100 000 iterations), 16-byte random salt, constant-time
// compare. WebCrypto only, so the Node seed script hashes with this same module.
const ITERATIONS = 100_000;
const PREFIX = "pbkdf2-sha256";

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `${PREFIX}$${ITERATIONS}$${b64(salt)}$${b64(await derive(password, salt, ITERATIONS))}`;
}

export function equalTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Always derives once, even for an unknown account (`stored` null), so timing reveals nothing. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = stored?.split("$") ?? [];
  const ok = parts.length === 4 && parts[0] === PREFIX;
  const iterations = ok ? Number(parts[1]) : ITERATIONS;
  const salt = ok ? unb64(parts[2]!) : new Uint8Array(16);
  const expected = ok ? unb64(parts[3]!) : new Uint8Array(32);
  const actual = await derive(password, salt, iterations);
  return equalTime(actual, expected) && ok;
}
