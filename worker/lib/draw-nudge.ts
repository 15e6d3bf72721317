// The Worker's part in getting a draw done on time (issue #13). The DrawDO acts from its own
// alarms, aimed whenever it rereads the configuration: after an admin PATCH, every minute (cron),
// and when a request here finds work due that it has not done (the CLI writes D1 only).
import { drawStub } from "../../durable-objects/draw-do.ts";
import { drawWork } from "../domain/draw-schedule.ts";
import { eq } from "drizzle-orm";
import { type EventContext, eventContext, invalidateEventContext } from "./event-context.ts";
import { type Db, makeDb } from "../db/client.ts";
import { events } from "../db/schema.ts";
import { errorFields, logLine } from "./log.ts";
import { callObject } from "./objects.ts";

/** At most one nudge per isolate this often: a herd refused with draw_running must not become a herd on the DrawDO. */
const NUDGE_EVERY_MS = 5_000;
let lastNudge = 0;

/** The parts of a request's Hono context these use (any route group's context has them). */
type Ctx = { env: Env; executionCtx: { waitUntil(p: Promise<unknown>): void }; var: { db: Db } };

/** Wakes the DrawDO in the background when work is due (a draw to run, seeds to make). */
export function nudgeDraw(c: Ctx, ctx: EventContext): void {
  const now = Date.now();
  if (!drawWork(ctx.event, ctx.drawStatuses, ctx.draws.length > 0, now).due.length || now - lastNudge < NUDGE_EVERY_MS) return;
  lastNudge = now;
  c.executionCtx.waitUntil(
    drawStub(c.env, ctx.event.id)
      .sync(ctx.event.id)
      .catch((err: unknown) => logLine("error", "draw nudge failed", errorFields(err))),
  );
}

/**
 * The context with the draws' commitments published, when wishes are open: nobody sees an open
 * wishes window (nor saves a wish) before the seeds are fixed and their hashes public.
 */
export async function withCommitments(c: Ctx, ctx: EventContext, ttlMs: number): Promise<EventContext> {
  if (ctx.draws.length > 0 || !drawWork(ctx.event, ctx.drawStatuses, false, Date.now()).due.some((w) => w.kind === "prepare")) {
    nudgeDraw(c, ctx);
    return ctx;
  }
  await callObject(() => drawStub(c.env, ctx.event.id).sync(ctx.event.id));
  invalidateEventContext();
  return (await eventContext(c.var.db, ttlMs)) ?? ctx;
}

/** The cron's minute tick: the active event's DrawDO rereads the configuration and aims its alarms. */
export async function syncActiveDraw(env: Env): Promise<void> {
  const e = await makeDb(env.DB).query.events.findFirst({ where: eq(events.status, "active"), columns: { id: true } });
  if (e) await drawStub(env, e.id).sync(e.id);
}
