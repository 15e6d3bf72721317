// The Worker's entry: the API (Hono) for /api/*, the site's static assets for everything else
// (wrangler.toml [assets], run_worker_first = /api/*), the Durable Object classes, the cron
// triggers and the mail queue's consumer. Export nothing else: workerd takes every named export of
// the entry for a handler or a class.
import { app } from "./app.ts";
import { makeDb } from "./db/client.ts";
import { backupToR2 } from "./lib/backup.ts";
import { pruneLoginFailures } from "./lib/login-guard.ts";
import { handleMailBatch } from "./mail/consumer.ts";
import { REMINDER_CRON, sendReminders } from "./mail/reminders.ts";
import type { Mail } from "./mail/types.ts";

export { RecorderDO } from "../durable-objects/recorder-do.ts";
export { SlotDO } from "../durable-objects/slot-do.ts";
export { StudentDO } from "../durable-objects/student-do.ts";

const log = (level: "info" | "error", msg: string, extra: Record<string, unknown>) => console.log(JSON.stringify({ level, msg, ...extra }));

async function nightly(env: Env): Promise<void> {
  const keep = Math.max(1, Number(env.BACKUP_KEEP) || 14);
  await backupToR2(env, makeDb(env.DB), keep).then(
    (r) => log("info", "backup written", { key: r.key, bytes: r.bytes, pruned: r.pruned.length }),
    (err: unknown) => log("error", "backup failed", { error: String(err) }),
  );
  await pruneLoginFailures(env.DB).catch((err: unknown) => log("error", "login failures not pruned", { error: String(err) }));
}

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    if (controller.cron === REMINDER_CRON)
      ctx.waitUntil(
        sendReminders(env, controller.scheduledTime).then(
          (n) => log("info", "reminders queued", { count: n }),
          (err: unknown) => log("error", "reminders failed", { error: String(err) }),
        ),
      );
    else ctx.waitUntil(nightly(env));
  },
  async queue(batch, env) {
    await handleMailBatch(batch as MessageBatch<Mail>, env);
  },
} satisfies ExportedHandler<Env>;
