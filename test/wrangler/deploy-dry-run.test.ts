// What `npm run deploy` would upload, checked offline (`--dry-run`): wrangler bundles the Worker
// with every binding wrangler.toml declares, the three Durable Object classes exported, no test or
// bench code inside, within the Workers size limit, with the built site and its `_headers`. The
// demo seed (published passwords) refuses a remote database.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../cli/lib/wrangler.ts";

const out = mkdtempSync(join(tmpdir(), "inf-deploy-test-"));
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", FORCE_COLOR: "0" };
let run: { status: number | null; stdout: string; stderr: string };
let bundle: string;

beforeAll(() => {
  run = spawnSync(process.execPath, [join(ROOT, "scripts/deploy.ts"), "--dry-run", "--outdir", out], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  bundle = existsSync(join(out, "index.js")) ? readFileSync(join(out, "index.js"), "utf8") : "";
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Toml {
  d1_databases: { binding: string }[];
  r2_buckets: { binding: string }[];
  durable_objects: { bindings: { name: string; class_name: string }[] };
  ratelimits: { name: string }[];
  analytics_engine_datasets: { binding: string }[];
  assets: { binding: string };
}
const toml = parse(readFileSync(join(ROOT, "wrangler.toml"), "utf8")) as unknown as Toml;

describe("npm run deploy -- --dry-run", () => {
  it("bundles without error and uploads nothing", () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("--dry-run: exiting now.");
    expect(bundle.length).toBeGreaterThan(0);
  });

  it("binds everything wrangler.toml declares", () => {
    const names = [
      ...toml.d1_databases.map((d) => d.binding),
      ...toml.r2_buckets.map((r) => r.binding),
      ...toml.durable_objects.bindings.map((d) => d.name),
      ...toml.ratelimits.map((r) => r.name),
      ...toml.analytics_engine_datasets.map((a) => a.binding),
      toml.assets.binding,
    ];
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (const n of names) expect(run.stdout, n).toMatch(new RegExp(`env\\.${n}\\b`));
  });

  it("exports the Durable Object classes and carries no test, bench or local secret", () => {
    const exported = /export\s*\{([^}]*)\}\s*;?\s*(\/\/# sourceMappingURL=.*)?\s*$/.exec(bundle)?.[1] ?? "";
    for (const d of toml.durable_objects.bindings) expect(exported).toMatch(new RegExp(`\\b${d.class_name}\\b`));
    for (const banned of ["vitest", "playwright", "bench-inspector", "test-secret-do-not-use"]) expect(bundle).not.toContain(banned);
  });

  it("fits the Workers size limit (3 MB gzipped on the Free plan)", () => {
    const gz = gzipSync(bundle).byteLength;
    expect(gz).toBeLessThan(3 * 1024 * 1024);
  });

  it("uploads the built site with its _headers", () => {
    const site = join(out, "site");
    expect(run.stdout).toMatch(new RegExp(`Read \\d+ files from the assets directory ${site}`));
    expect(readFileSync(join(site, "index.html"), "utf8")).toContain('<div id="app">');
    expect(readFileSync(join(site, "_headers"), "utf8")).toContain("Content-Security-Policy:");
  });
});

describe("the demo seed", () => {
  it("refuses a remote database, before any wrangler call", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "cli/seed-demo.ts"), "--remote"], { cwd: ROOT, env, encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refuses --remote/);
  });
});
