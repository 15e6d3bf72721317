// The Worker's entry: the API (Hono) for /api/*, the site's static assets for everything else
// (wrangler.toml [assets], run_worker_first = /api/*), and the Durable Object classes.
import { app } from "./app.ts";
import { drawStub } from "../durable-objects/draw-do.ts";
import { makeDb } from "./db/client.ts";
import { backupToR2 } from "./lib/backup.ts";
import { eq } from "drizzle-orm";
import { events } from "./db/schema.ts";

/** The nightly backup's cron (wrangler.toml [triggers]); the other one pokes the draw. */
const BACKUP_CRON = "30 2 * * *";

export { DrawDO } from "../durable-objects/draw-do.ts";
export { RecorderDO } from "../durable-objects/recorder-do.ts";
export { SlotDO } from "../durable-objects/slot-do.ts";
export { StudentDO } from "../durable-objects/student-do.ts";

export default {
  fetch: app.fetch,
  // The cron triggers of wrangler.toml: D1 into R2 every night, keeping the last BACKUP_KEEP; and
  // every minute the active event's DrawDO rereads the configuration (the CLI writes D1 only).
  async scheduled(controller, env, ctx) {
    if (controller.cron !== BACKUP_CRON) {
      ctx.waitUntil(
        makeDb(env.DB)
          .query.events.findFirst({ where: eq(events.status, "active"), columns: { id: true } })
          .then((e) => e && drawStub(env, e.id).sync(e.id))
          .catch((err: unknown) => console.error(JSON.stringify({ level: "error", msg: "draw sync failed", error: String(err) }))),
      );
      return;
    }
    const keep = Math.max(1, Number(env.BACKUP_KEEP) || 14);
    ctx.waitUntil(
      backupToR2(env, makeDb(env.DB), keep).then(
        (r) => console.log(JSON.stringify({ level: "info", msg: "backup written", key: r.key, bytes: r.bytes, pruned: r.pruned.length })),
        (err: unknown) => console.error(JSON.stringify({ level: "error", msg: "backup failed", error: String(err) })),
      ),
    );
  },
} satisfies ExportedHandler<Env>;
