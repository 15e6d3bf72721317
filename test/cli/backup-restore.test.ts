// Backups: `backup` (wrangler d1 export) → wipe → `restore` gives identical row counts and
// identical exports; the Worker's nightly backup lands in R2, restores the same way, and only
// the last BACKUP_KEEP (2 here) are kept.
import { readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { tableCounts } from "../../cli/commands/backup.ts";
import { r2Get } from "../../cli/lib/wrangler.ts";
import { State } from "./helpers.ts";
import { type Year, d1Settled, setUpYear } from "./year.ts";

const state = new State();
let year: Year;
let file: string;
let backedUp: { rowCounts: Record<string, number> };
let countsBefore: Record<string, number>;
let exportsBefore: string[];
const exportsOf = async (s: State) =>
  Promise.all(["bookings", "attempts", "audit"].map(async (k) => (await s.ok(["export", k, "--event", "2026"])).stdout));

beforeAll(async () => {
  year = await setUpYear(state, 2026, { prefix: "bak" });
  await d1Settled(state, year);
  exportsBefore = await exportsOf(state);
  countsBefore = tableCounts(state.target).counts;
  file = state.file("backup.sql", "");
  backedUp = await state.json(["backup", "--out", file]);
});
afterAll(async () => {
  await year?.worker.stop();
  state.remove();
});

it("backs up, and a wiped database restored from the file has the same rows and the same exports", async () => {
  expect(backedUp.rowCounts).toMatchObject({ bookings: 12, slots: 12, users: 6, events: 1, booking_attempts: 15 });
  expect(readFileSync(file, "utf8")).toMatch(/^PRAGMA defer_foreign_keys=TRUE;/);
  const log = state.query<{ source: string; location: string; row_counts: string }>("SELECT source, location, row_counts FROM backup_log");
  expect(log).toEqual([{ source: "cli", location: file, row_counts: JSON.stringify(backedUp.rowCounts) }]);

  const fresh = new State();
  try {
    const restored = await fresh.json<{ ok: boolean }>(["restore", file]);
    expect(restored.ok).toBe(true);
    // The copy holds one more audit row than the original had when it was exported: the restore's own.
    expect(tableCounts(fresh.target).counts).toEqual({ ...countsBefore, audit_log: countsBefore.audit_log! + 1 });
    expect(await exportsOf(fresh)).toEqual(exportsBefore);
  } finally {
    fresh.remove();
  }
});

it("refuses to restore over a database that holds data, unless --force", async () => {
  const r = await state.cli(["restore", file]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/holds \d+ rows; pass --force/);
});

/**
 * One request on a fresh connection. Between two calls the test polls D1 for seconds; fetch's
 * pooled connection could by then be closing on the dev server's side, and the next call failed
 * as "other side closed" (seen on a loaded machine) before reaching the Worker.
 */
const fireCron = (url: string) =>
  new Promise<number>((ok, fail) =>
    httpGet(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => ok(res.statusCode ?? 0));
    }).on("error", fail),
  );

it("writes the nightly backup into R2 from the cron trigger, keeps the last 2, and it restores", async () => {
  // One at a time (each waits for the previous to be logged), so "the last 2" is well defined.
  let log: { location: string; deleted_at: string | null }[] = [];
  for (let i = 1; i <= 3; i++) {
    expect(await fireCron(`${year.worker.url}/cdn-cgi/handler/scheduled?cron=30+2+*+*+*`)).toBe(200);
    const deadline = Date.now() + 15_000;
    do {
      log = state.query("SELECT location, deleted_at FROM backup_log WHERE source = 'cron' ORDER BY id");
      if (log.length === i && (i < 3 || log[0]!.deleted_at)) break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < deadline);
  }
  expect(log).toHaveLength(3);
  expect(log.map((l) => l.deleted_at !== null)).toEqual([true, false, false]);
  // The pruned dump is gone from R2; the newest one restores into an empty database.
  await expect(r2Get(state.target, log[0]!.location, state.file("pruned.sql", ""))).rejects.toThrow();
  const file = state.file("cron.sql", "");
  await r2Get(state.target, log[2]!.location, file);
  const fresh = new State();
  try {
    const restored = await fresh.json<{ ok: boolean; tables: { table: string; backup: number }[] }>(["restore", file]);
    expect(restored.ok).toBe(true);
    expect(Object.fromEntries(restored.tables.map((t) => [t.table, t.backup]))).toMatchObject({ bookings: 12, booking_attempts: 15, users: 6 });
    const counts = tableCounts(fresh.target).counts;
    expect(counts).toMatchObject({ bookings: 12, booking_attempts: 15, users: 6, events: 1, slots: 12 });
  } finally {
    fresh.remove();
  }
});
