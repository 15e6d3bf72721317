// The one seam to the Durable Objects: their deterministic names (DESIGN.md "Data and the yearly
// cycle": names include the event, so a new year starts with fresh objects), their stubs, and what
// a failed call means. The objects use the same names for each other; their RPC types are in
// durable-objects/api.ts.
import { ApiError } from "./errors.ts";
import { errorFields, logLine } from "./log.ts";

export const studentName = (eventId: string, userId: string) => `student:${eventId}:${userId}`;
export const slotName = (slotId: string) => `slot:${slotId}`;
export const recorderName = (eventId: string, shard: number) => `recorder:${eventId}:${shard}`;
/** The live-seats hub of an event (LiveDO, issue #14). */
export const liveName = (eventId: string) => `live:${eventId}`;
/** The slot id in a SlotDO's own name, or null. */
export const slotIdOfName = (name: string | undefined) => (name?.startsWith("slot:") ? name.slice(5) : null);
/** The event id in a LiveDO's own name, or null. */
export const eventIdOfLiveName = (name: string | undefined) => (name?.startsWith("live:") ? name.slice(5) : null);

/** Recorder shards per event: the D1 writes of many students spread over this many objects. */
export const RECORDER_SHARDS = 4;

/** A stable, cheap hash of a string (not for secrets): spreads names over a fixed set of objects. */
export function nameHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

/** The recorder a student's records go through: always the same one, so they stay in order. */
export const recorderShard = (studentId: string) => nameHash(studentId) % RECORDER_SHARDS;

/** The event and student a StudentDO serves, from its own name (`ctx.id.name`). */
export function parseStudentName(name: string | undefined): { eventId: string; studentId: string } {
  const [kind, eventId, studentId] = (name ?? "").split(":");
  if (kind !== "student" || !eventId || !studentId) throw new Error(`not a student object name: ${name}`);
  return { eventId, studentId };
}

/**
 * Object ids by name (each name's kind is its prefix, so one map serves every namespace): deriving
 * an id hashes the name, and a herd asks for the same few thousand again and again. Ids are plain
 * values, safe to share between requests; the stub stays one per call (a stub that saw its object
 * reset stays broken).
 */
const ids = new Map<string, DurableObjectId>();
const ID_CACHE_MAX = 50_000;

function stubByName<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, name: string): DurableObjectStub<T> {
  let id = ids.get(name);
  if (!id) {
    if (ids.size >= ID_CACHE_MAX) ids.clear();
    id = ns.idFromName(name);
    ids.set(name, id);
  }
  return ns.get(id);
}

export const studentStub = (env: Env, eventId: string, userId: string) => stubByName(env.STUDENT, studentName(eventId, userId));
export const slotStub = (env: Env, slotId: string) => stubByName(env.SLOT, slotName(slotId));
export const recorderStub = (env: Env, eventId: string, shard: number) => stubByName(env.RECORDER, recorderName(eventId, shard));
export const liveStub = (env: Env, eventId: string) => stubByName(env.LIVE, liveName(eventId));

/**
 * What a thrown call to an object means (Cloudflare's "Error handling" for Durable Objects):
 * `overloaded` must not be retried at once (it would deepen the overload), `unreachable` may be
 * retried (reset, moved, connection lost), `bug` is an exception from the object's own code, or
 * a programming error here: retrying cannot help.
 */
export type ObjectFault = "overloaded" | "unreachable" | "bug";

export function objectFault(err: unknown): ObjectFault {
  const flags = (typeof err === "object" && err !== null ? err : {}) as { overloaded?: unknown; retryable?: unknown; remote?: unknown };
  if (flags.overloaded === true) return "overloaded";
  if (flags.retryable === true) return "unreachable";
  if (flags.remote === true) return "bug";
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError) return "bug";
  return "unreachable";
}

/** Seconds a client should wait before retrying after each kind of fault. */
export const RETRY_AFTER_S = { overloaded: 5, unreachable: 1 } as const;

/**
 * Calls an object from a route: an overloaded or unreachable object is a 503 `unavailable` with
 * Retry-After (safe to retry with the same Idempotency-Key); a bug is rethrown, so the one error
 * path answers 500 `internal` with the request id.
 */
export async function callObject<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const fault = objectFault(err);
    if (fault === "bug") throw err;
    logLine("error", "durable object call failed", { fault, ...errorFields(err) });
    throw new ApiError("unavailable", "The booking service is busy; please retry in a moment.", undefined, { retryAfter: RETRY_AFTER_S[fault] });
  }
}
