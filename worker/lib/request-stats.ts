// Requests and 5xx answers per minute, for the alert check's error rate. Each isolate counts in
// memory and adds its counts to D1 at most every FLUSH_MS (and when the minute turns), through
// waitUntil of the request that happens to cross the line: a few D1 writes a minute per isolate,
// never one per request. Best effort: counts of an isolate evicted before its flush are lost.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { requestCounts } from "../db/schema.ts";
import { errorFields, logLine } from "./log.ts";

const FLUSH_MS = 10_000;

interface Bucket {
  minute: string;
  requests: number;
  serverErrors: number;
}

let bucket: Bucket = { minute: "", requests: 0, serverErrors: 0 };
let lastFlush = Date.now();

export const minuteOf = (ms: number) => new Date(ms).toISOString().slice(0, 16);

function write(db: Db, b: Bucket): Promise<void> {
  return db
    .insert(requestCounts)
    .values(b)
    .onConflictDoUpdate({
      target: requestCounts.minute,
      set: { requests: sql`${requestCounts.requests} + excluded.requests`, serverErrors: sql`${requestCounts.serverErrors} + excluded.server_errors` },
    })
    .then(
      () => undefined,
      (err: unknown) => logLine("warn", "request counts not written", errorFields(err)),
    );
}

/** Takes what is counted so far (synchronously: nothing is counted twice) and writes it. */
export function flushRequestCounts(db: Db, now = Date.now()): Promise<void> {
  const taken = bucket;
  bucket = { minute: minuteOf(now), requests: 0, serverErrors: 0 };
  lastFlush = now;
  return taken.requests ? write(db, taken) : Promise.resolve();
}

/** Counts one answer; returns a write to hand to waitUntil when it is time to flush. */
export function countRequest(db: Db, status: number, now = Date.now()): Promise<void> | null {
  const flush = bucket.minute !== minuteOf(now) || now - lastFlush >= FLUSH_MS ? flushRequestCounts(db, now) : null;
  bucket.requests++;
  if (status >= 500) bucket.serverErrors++;
  return flush;
}
