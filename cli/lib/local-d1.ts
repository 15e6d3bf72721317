// The local D1 database, opened in this process. `wrangler d1 execute --local` starts a whole
// workerd for every statement batch (about 2 s of CPU each: most of a CLI command's time, and most
// of the CLI suite's); the file it opens is a plain SQLite database, and workerd opens it through
// SQLite's native unix VFS (`makeWrappedNativeVfs`), so the usual POSIX locks apply: reading and
// writing it here while `npm start` serves the same state is as safe as a second wrangler would be.
// Remote targets still go through wrangler; so does anything that creates the database
// (`migrations apply`) and `d1 export`.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

type Row = Record<string, unknown>;
type Sqlite = typeof import("node:sqlite");

let sqlite: Sqlite | null = null;

/** node:sqlite, without its one-line "experimental" warning on stderr (the CLI's output is read by people and tests). */
function loadSqlite(): Sqlite {
  if (sqlite) return sqlite;
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(typeof warning === "string" ? warning : warning.message).includes("SQLite")) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    sqlite = process.getBuiltinModule("node:sqlite") as Sqlite;
  } finally {
    process.emitWarning = emit;
  }
  return sqlite;
}

/** The D1 file of a local state directory, or null when it does not exist yet (wrangler creates it). */
export function localD1File(stateDir: string): string | null {
  const dir = join(stateDir, "v3/d1/miniflare-D1DatabaseObject");
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  // wrangler.toml declares one database; anything else is not a state this CLI made.
  return files.length === 1 ? join(dir, files[0]!) : null;
}

function open(file: string) {
  const { DatabaseSync } = loadSqlite();
  const db = new DatabaseSync(file);
  // D1 enforces foreign keys; a running Worker may hold the write lock for a moment.
  db.exec("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;");
  return db;
}

/** Splits a script into statements at top-level semicolons (quotes, identifiers and comments respected). */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      i++;
      while (i < n) {
        if (sql[i] === close) {
          if (close !== "]" && sql[i + 1] === close) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === "-" && sql[i + 1] === "-") {
      while (i < n && sql[i] !== "\n") i++;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === ";") {
      out.push(sql.slice(start, i));
      start = ++i;
    } else i++;
  }
  out.push(sql.slice(start));
  return out.filter((s) => s.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, "").trim() !== "");
}

/** The rows of each statement, in one transaction (all or nothing, as one D1 batch). */
export function localQueryMany(file: string, sql: string): Row[][] {
  const db = open(file);
  try {
    db.exec("BEGIN");
    try {
      const rows = splitStatements(sql).map((s) => db.prepare(s).all() as Row[]);
      db.exec("COMMIT");
      return rows;
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  } finally {
    db.close();
  }
}

/** Runs a script in one transaction: all of it is written or none of it. */
export function localExecute(file: string, sql: string): void {
  const db = open(file);
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(sql);
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  } finally {
    db.close();
  }
}
