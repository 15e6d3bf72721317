// The CLI's tests, and test/wrangler's (what wrangler builds and serves), run on Node: they drive
// `npm run event` for real (wrangler, local D1 in a temporary state directory) and, where Durable
// Objects are involved, a `wrangler dev` on a free port 8780-8786 sharing that state. At most two files at a time: each is mostly wrangler
// processes, and the machine has two cores.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/cli/**/*.test.ts", "test/wrangler/**/*.test.ts"],
    environment: "node",
    maxWorkers: 2,
    // A test or a file's setup is several wrangler runs (init, imports, wrangler dev): 30-150 s
    // alone, and past 180 s when other sessions load this two-core machine (slots.test.ts's first
    // test took over 120 s, four setups over 180 s, at a load of 13). Outcomes are asserted, never
    // time: a hung step still fails, only later.
    // Hooks a little longer: test/cli/draw.test.ts's setUpYear (init, imports, slots, open, wrangler
    // dev, signups, bookings) took 128 s alone at a load of 7, and two at once went past 180 s.
    testTimeout: 300_000,
    hookTimeout: 360_000,
  },
});
