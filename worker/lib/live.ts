// The Worker's side of the live seats: reaching the event's hub (durable-objects/live-do.ts).
import type { LiveStats } from "../domain/contract.ts";
import { purgePublicReads } from "./public-reads.ts";
import { errorFields, logLine } from "./log.ts";
import { liveStub } from "./objects.ts";

const warn = (msg: string, err: unknown) => logLine("warn", msg, errorFields(err));

/**
 * After a write through the API that visitors see (configuration, kill switch, verification,
 * slots): the public reads are purged before the answer, and the hub re-reads D1 and tells its
 * sockets, without holding the answer.
 */
export async function afterVisibleWrite(c: { env: Env; req: { url: string }; executionCtx: { waitUntil(p: Promise<unknown>): void } }, eventId: string): Promise<void> {
  await purgePublicReads(c);
  c.executionCtx.waitUntil(liveStub(c.env, eventId).refresh().catch((err) => warn("live hub refresh failed", err)));
}

/** The hub's socket count, or null when it cannot be reached (the monitor shows the rest anyway). */
export const liveStats = (env: Env, eventId: string): Promise<LiveStats | null> =>
  liveStub(env, eventId)
    .stats()
    .catch((err: unknown) => {
      warn("live hub stats failed", err);
      return null;
    });

/** Tells every socket of the event `{type, seq, ...fields}` (e.g. the draw's progress); resolves with the seq. */
export const publishLive = (env: Env, eventId: string, type: string, fields: Record<string, unknown> = {}): Promise<number> =>
  liveStub(env, eventId).publish(type, fields);
