// The CLI's tests run on Node: they drive `npm run event` for real (wrangler, local D1 in a
// temporary state directory) and, where Durable Objects are involved, a `wrangler dev` on a free
// port 8780-8786 sharing that state. At most two files at a time: each is mostly wrangler
// processes, and the machine has two cores.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/cli/**/*.test.ts"],
    environment: "node",
    maxWorkers: 2,
    testTimeout: 120_000,
    // setUpYear (init, imports, slots, open, wrangler dev, signups, bookings) alone took 128 s with
    // the machine's load at 7; two files at once under the other sessions' load went past 180 s.
    // Outcomes are asserted, never time: a hung hook still fails, only later.
    hookTimeout: 360_000,
  },
});
