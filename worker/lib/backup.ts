// The nightly backup (cron trigger, worker/index.ts): D1 dumped as SQL into R2 (FILES bucket,
// backups/), in the format of `wrangler d1 export`, so `npm run event -- restore r2:<key>`
// restores it. Keeps the last BACKUP_KEEP dumps and records each in backup_log.
import { backupLog } from "../db/schema.ts";
import type { Db } from "../db/client.ts";
import { inArray } from "drizzle-orm";

export const BACKUP_PREFIX = "backups/";
const PAGE = 500;

const quoteId = (s: string) => `"${s.replaceAll('"', '""')}"`;

function literal(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "NULL";
  if (typeof v === "bigint") return v.toString();
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
    const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return `X'${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}'`;
  }
  if (Array.isArray(v)) return literal(new Uint8Array(v as number[]));
  return `'${String(v).replaceAll("'", "''")}'`;
}

export interface BackupResult {
  key: string;
  bytes: number;
  rowCounts: Record<string, number>;
  pruned: string[];
}

/** Dumps every table (schema, rows, indexes) of `d1` as one SQL text. */
export async function dumpDatabase(d1: D1Database): Promise<{ sql: string; rowCounts: Record<string, number> }> {
  const objects = await d1
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY type = 'index', name")
    .all<{ type: string; name: string; sql: string }>();
  // Every table first, then the rows, then the indexes: an INSERT into a table with a foreign
  // key needs the parent table to exist (the rows themselves are checked at commit).
  const tables = objects.results.filter((o) => o.type === "table");
  const parts: string[] = ["PRAGMA defer_foreign_keys=TRUE;", ...tables.map((t) => `${t.sql};`)];
  const rowCounts: Record<string, number> = {};
  for (const t of tables) {
    let count = 0;
    for (let offset = 0; ; offset += PAGE) {
      const [columns, ...rows] = await d1.prepare(`SELECT * FROM ${quoteId(t.name)} ORDER BY rowid LIMIT ? OFFSET ?`).bind(PAGE, offset).raw({ columnNames: true });
      const cols = `(${(columns as string[]).map(quoteId).join(",")})`;
      for (const r of rows) parts.push(`INSERT INTO ${quoteId(t.name)} ${cols} VALUES(${r.map(literal).join(",")});`);
      count += rows.length;
      if (rows.length < PAGE) break;
    }
    rowCounts[t.name] = count;
  }
  parts.push(...objects.results.filter((o) => o.type !== "table").map((o) => `${o.sql};`));
  return { sql: `${parts.join("\n")}\n`, rowCounts };
}

export async function backupToR2(env: Env, db: Db, keep: number, now = new Date()): Promise<BackupResult> {
  const { sql, rowCounts } = await dumpDatabase(env.DB);
  const body = new TextEncoder().encode(sql);
  const key = `${BACKUP_PREFIX}d1-${now.toISOString().replace(/[-:]/g, "")}.sql`;
  await env.FILES.put(key, body, { httpMetadata: { contentType: "application/sql" }, customMetadata: { rowCounts: JSON.stringify(rowCounts) } });
  await db.insert(backupLog).values({ source: "cron", location: key, bytes: body.byteLength, rowCounts });

  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ prefix: BACKUP_PREFIX, ...(cursor ? { cursor } : {}) });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  // Keys embed a sortable UTC time: the oldest come first.
  const pruned = keys.sort().slice(0, Math.max(0, keys.length - keep));
  if (pruned.length) {
    await env.FILES.delete(pruned);
    await db.update(backupLog).set({ deletedAt: now.toISOString() }).where(inArray(backupLog.location, pruned));
  }
  return { key, bytes: body.byteLength, rowCounts, pruned };
}
