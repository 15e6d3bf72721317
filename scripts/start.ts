// `npm start`: everything a newcomer needs, locally and offline. Creates .dev.vars (a random JWT
// secret) when missing, builds the site, applies the D1 migrations, seeds the demo event once,
// then serves the app on http://127.0.0.1:8787 (PORT) with local D1 and Durable Objects, and the
// local inbox at /dev/mail: DEV_MAILBOX=1 is set here (and in the tests), never in wrangler.toml,
// so a deployed Worker sends real mail and answers 404 on /api/dev/mail.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seedDemo } from "../cli/seed-demo.ts";
import { ROOT, applyMigrations } from "../cli/lib/wrangler.ts";

const port = process.env.PORT ?? "8787";
/** INF_STATE_DIR: a throw-away local state (tests, benchmarks); default .wrangler/state. */
const persistTo = process.env.INF_STATE_DIR;
const target = { remote: false, ...(persistTo ? { persistTo } : {}) };
const step = (s: string) => console.log(`\n▸ ${s}`);

const devVars = join(ROOT, ".dev.vars");
if (!existsSync(devVars)) {
  step("Creating .dev.vars with a random JWT secret (git-ignored)");
  writeFileSync(devVars, `JWT_SECRET=${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
}

step("Building the site (vite)");
const vite = spawnSync(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "web", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
if (vite.status !== 0) process.exit(vite.status ?? 1);

step("Applying D1 migrations (local)");
await applyMigrations(target);

step("Seeding demo data (once)");
await seedDemo(target);

step(`Serving on http://127.0.0.1:${port}  (Ctrl+C to stop)`);
console.log(`  Local inbox (every mail the platform sends): http://127.0.0.1:${port}/dev/mail`);
const dev = spawn(
  process.execPath,
  [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "dev", "--ip", "127.0.0.1", "--port", port, "--local", "--var", "DEV_MAILBOX:1", "--var", `APP_URL:http://127.0.0.1:${port}`, ...(persistTo ? ["--persist-to", persistTo] : []), ...process.argv.slice(2)],
  { cwd: ROOT, stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" } },
);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => dev.kill(sig));
dev.on("exit", (code) => process.exit(code ?? 0));
