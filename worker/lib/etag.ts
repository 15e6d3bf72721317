// Conditional GET: a weak ETag over what a response means, and 304 when the client has it.
import type { Context } from "hono";

/** 64 bits of two FNV-1a hashes: enough to tell versions of one resource apart. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36);
}

const tags = (header: string | undefined) => (header ?? "").split(",").map((t) => t.trim().replace(/^W\//, ""));

/**
 * The JSON response, or 304 when If-None-Match holds its ETag. `meaning` is what the ETag covers
 * when the body has parts that change without changing its meaning (a server clock).
 */
export function jsonWithEtag(c: Context, body: unknown, cacheControl: string, meaning: unknown = body): Response {
  const etag = `W/"${hash(JSON.stringify(meaning))}"`;
  c.header("ETag", etag);
  c.header("Cache-Control", cacheControl);
  c.header("Vary", "Accept-Encoding");
  const asked = tags(c.req.header("if-none-match"));
  if (asked.includes(etag.slice(2)) || asked.includes("*")) return c.body(null, 304);
  return c.json(body);
}
