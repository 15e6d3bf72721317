// The test suite runs inside workerd (Cloudflare's Vitest integration): real local D1, Durable
// Objects and rate limiters, configured from wrangler.toml plus the test-only bindings below.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          JWT_SECRET: "test-secret-do-not-use-anywhere-else-0123456789",
          // No config cache in tests: each test rewrites the event straight into D1.
          CONFIG_TTL_SECONDS: "0",
          // Nothing is in flight when a test runs a draw: no settle delay.
          DRAW_SETTLE_MS: "0",
          // Revocations written straight into D1 (as the CLI does) count at once; the cache's own
          // bound is tested with its TTL set (sessions-cache.test.ts).
          SESSION_TTL_SECONDS: "0",
          // Objects sleep when idle as usual: evictDurableObject (restart tests) waits for an object
          // with no pending timer, and keep-warm holds one for a minute (keep-warm.test.ts tests it).
          OBJECT_KEEP_WARM_SECONDS: "0",
          // Refusal rows wait a tenth of a second, not ten: tests that read D1 poll briefly, and
          // outbox-linger.test.ts drives the wait itself.
          REFUSAL_LINGER_SECONDS: "0.1",
          // Mails land in the local inbox (D1 dev_mail), read through GET /api/dev/mail.
          DEV_MAILBOX: "1",
          APP_URL: "http://127.0.0.1",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // test/cli and test/wrangler run on Node against wrangler (vitest.cli.config.ts, `npm run test:cli`).
    exclude: ["test/cli/**", "test/wrangler/**", "**/node_modules/**"],
    setupFiles: ["./test/setup.ts"],
    // The Worker logs one JSON line per request (worker/middleware/access-log.ts), thousands in the
    // herd tests: not printed. The tests about those lines spy on console instead.
    onConsoleLog: (log) => !log.includes('"msg":"request"'),
    // Generous: the herd tests fire hundreds of real requests, and on a loaded 2-core machine
    // (a parallel file, another job) the 500-student hot slot went from 8 s alone to 64 s.
    // Tests assert outcomes, never time; a hung test still fails, only later.
    testTimeout: 180_000,
    // Two files at a time. Vitest's default is one fewer than the cores (1 here), and each file
    // spends ~2.7 s starting its workerd before its first test: with two workers one file starts
    // while the other runs (71 files: 334 s → 178 s measured on this 2-core machine).
    maxWorkers: 2,
    hookTimeout: 120_000,
  },
});
