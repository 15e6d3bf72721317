// The figures the alert check judges, over the last `windowMinutes`: the 5xx rate (request_counts),
// the booking decision time's p95 (booking_attempts), and the records acknowledged to students but
// not yet in D1, as the RecorderDO shards of the active event see them (parcels waiting for the
// next batch, and the records of students whose last parcel D1 did not take).
import { and, eq, gte, sql } from "drizzle-orm";
import type { AlertSettings, HealthFigures } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import { bookingAttempts, events, requestCounts } from "../db/schema.ts";
import { RECORDER_SHARDS, recorderStub } from "./objects.ts";
import { errorFields, logLine } from "./log.ts";
import { minuteOf } from "./request-stats.ts";

/** Records waiting at every recorder shard of the event; null if any shard cannot be asked. */
async function recorderBacklog(env: Env, eventId: string): Promise<number | null> {
  try {
    const states = await Promise.all(Array.from({ length: RECORDER_SHARDS }, (_, i) => recorderStub(env, eventId, i).inspect()));
    return states.reduce((n, s) => n + s.waiting + s.unwritten, 0);
  } catch (err) {
    logLine("warn", "recorder backlog unknown", errorFields(err));
    return null;
  }
}

export async function measureHealth(env: Env, db: Db, s: Pick<AlertSettings, "windowMinutes" | "minRequests">, now = Date.now()): Promise<HealthFigures> {
  const since = now - s.windowMinutes * 60_000;
  const [[counts], active] = await db.batch([
    db
      .select({ requests: sql<number>`coalesce(sum(${requestCounts.requests}), 0)`, serverErrors: sql<number>`coalesce(sum(${requestCounts.serverErrors}), 0)` })
      .from(requestCounts)
      .where(gte(requestCounts.minute, minuteOf(since))),
    db.select({ id: events.id }).from(events).where(eq(events.status, "active")),
  ]);
  const requests = Number(counts?.requests ?? 0);
  const serverErrors = Number(counts?.serverErrors ?? 0);
  const eventId = active[0]?.id;
  let bookingAttemptCount = 0;
  let p95: number | null = null;
  let backlog: number | null = 0;
  if (eventId) {
    const recent = and(eq(bookingAttempts.eventId, eventId), gte(bookingAttempts.attemptedAt, new Date(since).toISOString()));
    bookingAttemptCount = await db.$count(bookingAttempts, recent);
    if (bookingAttemptCount >= s.minRequests) {
      const [row] = await db
        .select({ ms: bookingAttempts.responseTimeMs })
        .from(bookingAttempts)
        .where(recent)
        .orderBy(bookingAttempts.responseTimeMs)
        .limit(1)
        .offset(Math.min(bookingAttemptCount - 1, Math.floor(bookingAttemptCount * 0.95)));
      p95 = row?.ms ?? null;
    }
    backlog = await recorderBacklog(env, eventId);
  }
  return {
    at: new Date(now).toISOString(),
    windowMinutes: s.windowMinutes,
    requests,
    serverErrors,
    errorRate: requests >= s.minRequests ? serverErrors / requests : null,
    bookingAttempts: bookingAttemptCount,
    bookingP95Ms: p95,
    backlog,
  };
}
