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

/** A JSON body serialized, and its ETag. */
interface Serialized {
  text: string;
  etag: string;
}

const etagOf = (text: string) => `W/"${hash(text)}"`;
const serialize = (body: unknown): Serialized => {
  const text = JSON.stringify(body);
  return { text, etag: etagOf(text) };
};

/** The 200 with this body, or 304 when If-None-Match holds its ETag. */
function respond(c: Context, s: Serialized, cacheControl: string): Response {
  c.header("ETag", s.etag);
  c.header("Cache-Control", cacheControl);
  c.header("Vary", "Accept-Encoding");
  const asked = tags(c.req.header("if-none-match"));
  if (asked.includes(s.etag.slice(2)) || asked.includes("*")) return c.body(null, 304);
  return c.body(s.text, 200, { "Content-Type": "application/json" });
}

/**
 * The JSON response, or 304 when If-None-Match holds its ETag. `meaning` is what the ETag covers
 * when the body has parts that change without changing its meaning (a server clock).
 */
export function jsonWithEtag(c: Context, body: unknown, cacheControl: string, meaning: unknown = body): Response {
  if (meaning === body) return respond(c, serialize(body), cacheControl);
  return respond(c, { text: JSON.stringify(body), etag: etagOf(JSON.stringify(meaning)) }, cacheControl);
}

/** Answers serialized per source, each source's at most this many (a search's words vary without end). */
const KEPT_PER_SOURCE = 256;
const kept = new WeakMap<object, Map<string, Serialized>>();

/**
 * `jsonWithEtag` of an answer derived from `source` (a cached catalogue: the same object for every
 * request until it is reloaded), serialized and hashed once per `key` while `source` lives instead
 * of at every request: a catalogue page's JSON is the largest thing a read builds.
 */
export function jsonWithEtagOf(c: Context, source: object, key: string, body: () => unknown, cacheControl: string): Response {
  let answers = kept.get(source);
  if (!answers) kept.set(source, (answers = new Map()));
  let s = answers.get(key);
  if (!s) {
    s = serialize(body());
    if (answers.size < KEPT_PER_SOURCE) answers.set(key, s);
  }
  return respond(c, s, cacheControl);
}
