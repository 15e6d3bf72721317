// `npm run bench:reference` (see --help): the seed's PostgreSQL design alone under the bench's
// workload, for quick runs; `npm run bench -- --reference` runs it beside ours.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WORKLOAD_HELP, WORKLOAD_OPTIONS, int, sizeOf, stateRootOf, storageOf, workloadOptions } from "./lib/options.ts";
import { type ReferenceRun, referenceTable, summarizeReference } from "./lib/report.ts";
import { SETTINGS, startCluster } from "./reference/cluster.ts";
import { runAllVariants } from "./reference/driver.ts";

const HELP = `npm run bench:reference -- [options]

The seed's PostgreSQL design (bench/reference/schema.sql) under the bench's workload, without
ours: a throw-away PostgreSQL 15 cluster (installed with apt-get when missing), then for each
variant of the booking function, on a fresh database, the same operations as \`npm run bench\`
(hotSlot, herdPhase1, herdPhase2, steady), called directly over a pg pool (no HTTP), and the
caps checked by SQL after each scenario. Variants: as written (only the slot row locked) and
race-free (the student's row locked first). Prints the figures; writes no file.

  --runs N              runs of the whole workload (default 1)
${WORKLOAD_HELP}  --pool N              connections of the pg pool (default 16)
  -h, --help            this text
`;

const { values: a } = parseArgs({
  options: { ...WORKLOAD_OPTIONS, runs: { type: "string" }, pool: { type: "string" }, help: { type: "boolean", short: "h" } },
  strict: true,
});
if (a.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const o = workloadOptions(a, false);
const runs = int(a.runs, 1, "runs");
const poolSize = int(a.pool, 16, "pool");
const stateRoot = stateRootOf(a, "inf-reference");
const log = (s: string) => process.stdout.write(`${s}\n`);

const cluster = await startCluster(join(stateRoot, "postgres"), log);
// After the cluster's own "exit" hook (registered first), which stops it and deletes its directory.
if (!a["state-dir"]) process.once("exit", () => rmSync(stateRoot, { recursive: true, force: true }));
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));
let failed = false;
try {
  log(`reference: ${cluster.version} on 127.0.0.1:${cluster.port}, pg pool of ${poolSize}, settings ${JSON.stringify(SETTINGS)}, data on ${storageOf(stateRoot)}`);
  const results: ReferenceRun[] = [];
  for (let i = 1; i <= runs; i++) {
    log(`run ${i}/${runs}`);
    results.push(await runAllVariants(cluster, { ...o, size: sizeOf(o), poolSize }, log));
  }
  log("");
  log(referenceTable(summarizeReference(results)));
} catch (err) {
  failed = true;
  log(`reference failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}
process.exit(failed ? 1 : 0);
