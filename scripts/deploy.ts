// `npm run deploy`: the production release, in the order that keeps the live Worker working:
// build the site, apply the D1 migrations remotely (they only add: tables, columns, indexes), then
// upload the Worker and its assets. Refuses before touching anything when wrangler.toml still has
// the local placeholder database id or the JWT_SECRET secret is missing. README "Deploy" says how
// to get there from zero. `--dry-run [--outdir <dir>]`: build and bundle exactly what would be
// uploaded (the site into <dir>/site), offline, and upload nothing (what `npm test` checks).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "smol-toml";

const ROOT = join(import.meta.dirname, "..");
const PLACEHOLDER_DB = "00000000-0000-4000-8000-000000000000";
const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false }, outdir: { type: "string" } } });
const dryRun = values["dry-run"] === true;

const env = { ...process.env, WRANGLER_SEND_METRICS: "false", ...(dryRun ? { CLOUDFLARE_CF_FETCH_ENABLED: "false" } : {}) };
function run(what: string, bin: string, args: string[], capture = false): string {
  console.log(`\n▸ ${what}`);
  const r = spawnSync(process.execPath, [join(ROOT, bin), ...args], { cwd: ROOT, env, stdio: capture ? ["inherit", "pipe", "inherit"] : "inherit", encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`\n✗ ${what} failed (exit ${r.status}); nothing after it was done.`);
    process.exit(r.status ?? 1);
  }
  return r.stdout ?? "";
}
const wrangler = (what: string, args: string[], capture = false) => run(what, "node_modules/wrangler/bin/wrangler.js", args, capture);
const refuse = (why: string): never => {
  console.error(`✗ ${why}\n  See README.md, "Deploy".`);
  process.exit(1);
};

if (!dryRun) {
  const config = parse(readFileSync(join(ROOT, "wrangler.toml"), "utf8")) as { d1_databases?: { database_id?: string }[] };
  if (config.d1_databases?.some((d) => !d.database_id || d.database_id === PLACEHOLDER_DB))
    refuse("wrangler.toml still has the local placeholder database_id: put the id `npm run wrangler -- d1 create inf-booking` printed.");
  const secrets = JSON.parse(wrangler("Checking the Worker's secrets", ["secret", "list", "--format", "json"], true) || "[]") as { name: string }[];
  if (!secrets.some((s) => s.name === "JWT_SECRET")) refuse("The JWT_SECRET secret is not set: `npm run wrangler -- secret put JWT_SECRET` (a long random value).");
}

const vite = (outDir: string) => run("Building the site (vite)", "node_modules/vite/bin/vite.js", ["build", "web", "--logLevel", "warn", "--outDir", outDir, "--emptyOutDir"]);
if (dryRun) {
  // The dry run builds the site beside the bundle, not into web/dist: a wrangler dev serving
  // web/dist (npm start, the CLI tests) reloads when it changes and drops its open requests.
  const outdir = values.outdir ?? mkdtempSync(join(tmpdir(), "inf-deploy-"));
  const site = join(outdir, "site");
  vite(site);
  wrangler("Bundling the Worker as deploy would (dry run: nothing uploaded)", ["deploy", "--dry-run", "--outdir", outdir, "--assets", site]);
  console.log(`\n✓ Dry run: the bundle is in ${outdir}, the site in ${site}; nothing was uploaded.`);
} else {
  vite(join(ROOT, "web/dist"));
  wrangler("Applying D1 migrations to the production database", ["d1", "migrations", "apply", "DB", "--remote"]);
  wrangler("Deploying the Worker and the site", ["deploy"]);
  console.log("\n✓ Deployed. Next: `npm run event -- status --remote` and the README's checklist.");
}
