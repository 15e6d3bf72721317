// The Worker's entry: the API (Hono) for /api/*, the site's static assets for everything else
// (wrangler.toml [assets], run_worker_first = /api/*), and the Durable Object classes.
import { app } from "./app.ts";
import { makeDb } from "./db/client.ts";
import { backupToR2 } from "./lib/backup.ts";

export { LiveDO } from "../durable-objects/live-do.ts";
export { RecorderDO } from "../durable-objects/recorder-do.ts";
export { SlotDO } from "../durable-objects/slot-do.ts";
export { StudentDO } from "../durable-objects/student-do.ts";

export default {
  fetch: app.fetch,
  // The cron trigger of wrangler.toml: D1 into R2 every night, keeping the last BACKUP_KEEP.
  async scheduled(_controller, env, ctx) {
    const keep = Math.max(1, Number(env.BACKUP_KEEP) || 14);
    ctx.waitUntil(
      backupToR2(env, makeDb(env.DB), keep).then(
        (r) => console.log(JSON.stringify({ level: "info", msg: "backup written", key: r.key, bytes: r.bytes, pruned: r.pruned.length })),
        (err: unknown) => console.error(JSON.stringify({ level: "error", msg: "backup failed", error: String(err) })),
      ),
    );
  },
} satisfies ExportedHandler<Env>;
