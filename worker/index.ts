// The Worker's entry: the API (Hono) for /api/*, the site's static assets for everything else
// (wrangler.toml [assets], run_worker_first = /api/*), the Durable Object classes, the cron
// triggers and the mail queue's consumer. Export nothing else: workerd takes every named export of
// the entry for a handler or a class.
import { app } from "./app.ts";
import { makeDb } from "./db/client.ts";
import { runAlertCheck } from "./lib/alert-check.ts";
import { backupToR2 } from "./lib/backup.ts";
import { syncActiveDraw } from "./lib/draw-nudge.ts";
import { errorFields, logLine } from "./lib/log.ts";
import { pruneLoginFailures } from "./lib/login-guard.ts";
import { handleMailBatch } from "./mail/consumer.ts";
import { REMINDER_CRON, sendReminders } from "./mail/reminders.ts";
import type { QueuedMail } from "./mail/types.ts";

export { LiveDO } from "../durable-objects/live-do.ts";
export { DrawDO } from "../durable-objects/draw-do.ts";
export { RecorderDO } from "../durable-objects/recorder-do.ts";
export { SlotDO } from "../durable-objects/slot-do.ts";
export { StudentDO } from "../durable-objects/student-do.ts";

// wrangler.toml [triggers]. Not exported: the entry module may export only handlers and classes.
const NIGHTLY_BACKUP_CRON = "30 2 * * *";
/** Every minute: the alert check, and the active event's DrawDO rereads the configuration (the CLI writes D1 only). */
const EVERY_MINUTE_CRON = "* * * * *";

async function nightly(env: Env): Promise<void> {
  const keep = Math.max(1, Number(env.BACKUP_KEEP) || 14);
  await backupToR2(env, makeDb(env.DB), keep).then(
    (r) => logLine("info", "backup written", { key: r.key, bytes: r.bytes, pruned: r.pruned.length }),
    (err: unknown) => logLine("error", "backup failed", errorFields(err)),
  );
  await pruneLoginFailures(env.DB).catch((err: unknown) => logLine("error", "login failures not pruned", errorFields(err)));
}

export default {
  fetch: app.fetch,
  // The cron triggers: the nightly D1 backup into R2 (keeping the last BACKUP_KEEP), tomorrow's
  // reminders, and every minute the alert check and the draw's sync.
  async scheduled(controller, env, ctx) {
    switch (controller.cron) {
      case NIGHTLY_BACKUP_CRON:
        ctx.waitUntil(nightly(env));
        return;
      case REMINDER_CRON:
        ctx.waitUntil(
          sendReminders(env, controller.scheduledTime).then(
            (n) => logLine("info", "reminders queued", { count: n }),
            (err: unknown) => logLine("error", "reminders failed", errorFields(err)),
          ),
        );
        return;
      case EVERY_MINUTE_CRON:
        ctx.waitUntil(syncActiveDraw(env).catch((err: unknown) => logLine("error", "draw sync failed", errorFields(err))));
        ctx.waitUntil(
          runAlertCheck(env, makeDb(env.DB)).then(
            (r) => logLine("info", "alert check", { requests: r.figures.requests, errorRate: r.figures.errorRate, bookingP95Ms: r.figures.bookingP95Ms, backlog: r.figures.backlog, raised: r.raised.join(",") || null, resolved: r.resolved.join(",") || null }),
            (err: unknown) => logLine("error", "alert check failed", errorFields(err)),
          ),
        );
        return;
      default:
        logLine("error", "unknown cron", { cron: controller.cron });
    }
  },
  async queue(batch, env) {
    await handleMailBatch(batch as MessageBatch<QueuedMail>, env);
  },
} satisfies ExportedHandler<Env>;
