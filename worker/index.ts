// The Worker's entry: the API (Hono) for /api/*, the site's static assets for everything else
// (wrangler.toml [assets], run_worker_first = /api/*), and the Durable Object classes.
import { app } from "./app.ts";

export { SlotDO } from "../durable-objects/slot-do.ts";
export { StudentDO } from "../durable-objects/student-do.ts";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
