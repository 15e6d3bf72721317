// `backup`: a timestamped `wrangler d1 export` file, recorded in backup_log with its size and row
// counts. `restore`: a backup (a file, or an R2 object of the cron backups) onto a LOCAL database,
// then a check that every table holds exactly the rows the backup holds. Production is restored
// with D1 Time Travel (`wrangler d1 time-travel restore`), never by this command.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { type Command, type Ctx, Refused, UsageError, print, printJson, progress, table } from "../lib/cli.ts";
import { auditSql } from "../lib/d1.ts";
import { dumpRowCounts, tablesFirst } from "../lib/dump.ts";
import { insert } from "../lib/sql.ts";
import { ROOT, type Target, executeFile, exportDatabase, query, queryMany, r2Get } from "../lib/wrangler.ts";

const stamp = (d = new Date()) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-");

/** Rows per user table of the database, as it is now, and the order to drop them in. */
export function tableCounts(t: Target): { counts: Record<string, number>; dropOrder: string[] } {
  const tables = query<{ name: string; sql: string }>(
    t,
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name",
  );
  if (!tables.length) return { counts: {}, dropOrder: [] };
  const rows = queryMany(t, tables.map((x) => `SELECT count(*) AS n FROM "${x.name}"`).join(";\n"));
  const counts = Object.fromEntries(tables.map((x, i) => [x.name, Number(rows[i]?.[0]?.n ?? 0)]));
  return { counts, dropOrder: childrenFirst(tables) };
}

/** Tables ordered so that none is dropped while a table referencing it still exists. */
function childrenFirst(tables: { name: string; sql: string }[]): string[] {
  const parents = new Map(tables.map((x) => [x.name, [...x.sql.matchAll(/REFERENCES\s+[`"[]?(\w+)/gi)].map((m) => m[1]!).filter((p) => p !== x.name)]));
  const out: string[] = [];
  const left = new Set(tables.map((x) => x.name));
  while (left.size) {
    // A table nobody left still references can go now.
    const ready = [...left].filter((n) => ![...left].some((o) => parents.get(o)?.includes(n)));
    const next = ready.length ? ready : [...left];
    for (const n of next) left.delete(n);
    out.push(...next);
  }
  return out;
}

export const backup: Command = {
  name: "backup",
  summary: "export the whole D1 to a timestamped .sql file (recorded in backup_log)",
  usage: `npm run event -- backup [--out <file.sql>]

Runs \`wrangler d1 export\` (schema and data) into backups/<local|remote>-<UTC time>.sql, then
records the file, its size and its rows per table in the backup_log table. The Worker also backs
D1 up into R2 every night (cron trigger), keeping the last BACKUP_KEEP copies.

Options:
  --out <file>   write here instead of backups/`,
  options: { out: { type: "string" } },
  async run({ values }, ctx) {
    const file = resolve((values.out as string | undefined) ?? join(ROOT, "backups", `${ctx.target.remote ? "remote" : "local"}-${stamp()}.sql`));
    mkdirSync(resolve(file, ".."), { recursive: true });
    const done = progress(`exporting D1 (${ctx.target.remote ? "remote" : "local"}) with wrangler d1 export`);
    await exportDatabase(ctx.target, file);
    const bytes = statSync(file).size;
    const counts = dumpRowCounts(readFileSync(file, "utf8"));
    done(`${(bytes / 1024).toFixed(1)} KiB, ${Object.values(counts).reduce((a, b) => a + b, 0)} rows`);
    const rel = relative(process.cwd(), file);
    const shown = rel && !rel.startsWith("..") ? rel : file;
    await executeFile(
      ctx.target,
      [
        insert("backup_log", { source: "cli", location: file, bytes, row_counts: JSON.stringify(counts) }),
        auditSql(ctx.actor, { action: "backup.create", targetType: "backup", targetId: file, after: { bytes, rows: counts } }),
      ].join("\n"),
    );
    if (ctx.json) return printJson({ file, bytes, rowCounts: counts });
    print(`Backup written: ${shown} (${bytes} bytes)`);
    print(table(Object.entries(counts).map(([t, rows]) => ({ table: t, rows }))));
  },
};

async function fetchBackup(source: string, ctx: Ctx, fromRemote: boolean): Promise<{ text: string; cleanup: () => void }> {
  if (!source.startsWith("r2:")) {
    try {
      return { text: readFileSync(source, "utf8"), cleanup: () => {} };
    } catch (err) {
      throw new UsageError(`${source}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "inf-restore-"));
  const file = join(dir, "backup.sql");
  const from: Target = fromRemote ? { remote: true } : ctx.target;
  const done = progress(`downloading ${source.slice(3)} from R2 (${fromRemote ? "remote" : "local"})`);
  await r2Get(from, source.slice(3), file);
  done();
  return { text: readFileSync(file, "utf8"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const restore: Command = {
  name: "restore",
  summary: "restore a backup onto the LOCAL D1, then check that row counts match",
  usage: `npm run event -- restore <file.sql | r2:backups/<name>.sql> [--force] [--from-remote]

Replaces the local D1 (default state, or --persist-to) with the backup, in one transaction, and
compares every table's rows with the backup's. A local D1 that holds data is replaced only with
--force. Production is never restored by this command: use D1 Time Travel
(\`wrangler d1 time-travel restore DB --timestamp ...\`) or restore locally and inspect.

Options:
  --force          replace a local D1 that is not empty
  --from-remote    with r2:<key>, download the backup from the production bucket`,
  options: { force: { type: "boolean", default: false }, "from-remote": { type: "boolean", default: false } },
  async run({ values, positionals }, ctx) {
    const source = positionals[0];
    if (!source || positionals.length > 1) throw new UsageError("restore takes exactly one backup (a .sql file or r2:<key>)");
    if (ctx.target.remote) throw new UsageError("restore writes only a local D1; production is restored with D1 Time Travel (see --help)");
    const { text, cleanup } = await fetchBackup(source, ctx, values["from-remote"] === true);
    try {
      const expected = dumpRowCounts(text);
      if (!Object.keys(expected).length) throw new Refused(`${source} creates no table: not a D1 backup.`);
      const { counts: before, dropOrder } = tableCounts(ctx.target);
      const holding = Object.values(before).reduce((a, b) => a + b, 0);
      if (holding > 0 && values.force !== true)
        throw new Refused(`The local D1 holds ${holding} rows; pass --force to replace them with ${source}.`);
      const done = progress(`restoring ${Object.values(expected).reduce((a, b) => a + b, 0)} rows into the local D1`);
      await executeFile(
        ctx.target,
        [
          "PRAGMA defer_foreign_keys = TRUE;",
          ...dropOrder.map((t) => `DROP TABLE IF EXISTS "${t}";`),
          tablesFirst(text),
          auditSql(ctx.actor, { action: "backup.restore", targetType: "backup", targetId: source, after: { rows: expected } }),
        ].join("\n"),
      );
      done();
      const after = tableCounts(ctx.target).counts;
      const rows = Object.keys({ ...expected, ...after })
        .sort()
        .map((t) => {
          const want = (expected[t] ?? 0) + (t === "audit_log" ? 1 : 0);
          return { table: t, backup: expected[t] ?? 0, restored: after[t] ?? 0, ok: (after[t] ?? 0) === want ? "yes" : "NO" };
        });
      const bad = rows.filter((r) => r.ok !== "yes");
      if (ctx.json) printJson({ source, tables: rows, ok: !bad.length });
      else print(`${table(rows)}\n(audit_log holds one more row: this restore)`);
      if (bad.length) throw new Refused(`Row counts differ after the restore: ${bad.map((b) => b.table).join(", ")}`);
      if (!ctx.json) print(`Restored ${source}: every table matches the backup.`);
    } finally {
      cleanup();
    }
  },
};
