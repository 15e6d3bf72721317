// The Worker's entry: the API (Hono) for /api/*, the site's static assets for everything else
// (wrangler.toml [assets], run_worker_first = /api/*), and the Durable Object classes.
import { app } from "./app.ts";
import { makeDb } from "./db/client.ts";
import { runAlertCheck } from "./lib/alert-check.ts";
import { backupToR2 } from "./lib/backup.ts";
import { errorFields, logLine } from "./lib/log.ts";

export { RecorderDO } from "../durable-objects/recorder-do.ts";
export { SlotDO } from "../durable-objects/slot-do.ts";
export { StudentDO } from "../durable-objects/student-do.ts";

// wrangler.toml [triggers]: this one is the nightly backup; the other runs the alert check. Not
// exported: the entry module may export only handlers and classes.
const NIGHTLY_BACKUP_CRON = "30 2 * * *";

export default {
  fetch: app.fetch,
  // The cron triggers of wrangler.toml: the nightly D1 backup into R2 (keeping the last
  // BACKUP_KEEP), and the alert check every minute.
  async scheduled(controller, env, ctx) {
    const db = makeDb(env.DB);
    if (controller.cron === NIGHTLY_BACKUP_CRON) {
      const keep = Math.max(1, Number(env.BACKUP_KEEP) || 14);
      ctx.waitUntil(
        backupToR2(env, db, keep).then(
          (r) => logLine("info", "backup written", { key: r.key, bytes: r.bytes, pruned: r.pruned.length }),
          (err: unknown) => logLine("error", "backup failed", errorFields(err)),
        ),
      );
      return;
    }
    ctx.waitUntil(runAlertCheck(env, db).then(
      (r) => logLine("info", "alert check", { requests: r.figures.requests, errorRate: r.figures.errorRate, bookingP95Ms: r.figures.bookingP95Ms, backlog: r.figures.backlog, raised: r.raised.join(",") || null, resolved: r.resolved.join(",") || null }),
      (err: unknown) => logLine("error", "alert check failed", errorFields(err)),
    ));
  },
} satisfies ExportedHandler<Env>;
