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
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // test/cli runs on Node against wrangler (vitest.cli.config.ts, `npm run test:cli`).
    exclude: ["test/cli/**", "**/node_modules/**"],
    setupFiles: ["./test/setup.ts"],
    // Generous: the herd tests fire hundreds of real requests, and on a loaded 2-core machine
    // (a parallel file, another job) the 500-student hot slot went from 8 s alone to 64 s.
    // Tests assert outcomes, never time; a hung test still fails, only later.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
