// Reading a SQL dump (`wrangler d1 export`, or the Worker's cron backup in the same format):
// which tables it creates and how many rows it inserts into each. Statements are found by a
// scanner that skips quoted text, so a value containing "INSERT INTO" or a newline is harmless.

/** The dump's statements, in order, each without its final semicolon. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "-" && sql[i + 1] === "-" && sql.slice(start, i).trim() === "") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl;
      start = i + 1;
    } else if (ch === ";") {
      const stmt = sql.slice(start, i).trim();
      if (stmt) out.push(stmt);
      start = i + 1;
    }
  }
  const tail = sql.slice(start).trim();
  if (tail) out.push(tail);
  return out;
}

const heads = (sql: string) => splitStatements(sql).map((s) => s.slice(0, 200));

/**
 * The same dump with every CREATE TABLE first and the indexes last. `wrangler d1 export` writes
 * each table's rows right after its CREATE, in name order; with foreign keys enforced, a row of
 * `bookings` cannot be inserted before the `companies` table exists, even with checks deferred.
 */
export function tablesFirst(sql: string): string {
  const stmts = splitStatements(sql);
  const kind = (s: string) => (/^PRAGMA\b/i.test(s) ? 0 : /^CREATE\s+TABLE\b/i.test(s) ? 1 : /^CREATE\s+(UNIQUE\s+)?INDEX\b|^CREATE\s+(TRIGGER|VIEW)\b/i.test(s) ? 3 : 2);
  return [0, 1, 2, 3].flatMap((k) => stmts.filter((s) => kind(s) === k).map((s) => `${s};`)).join("\n");
}

const NAME = String.raw`(?:"([^"]+)"|\x60([^\x60]+)\x60|\[([^\]]+)\]|([\w]+))`;
const CREATE = new RegExp(String.raw`^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, "i");
const INSERT = new RegExp(String.raw`^INSERT\s+(?:OR\s+\w+\s+)?INTO\s+${NAME}`, "i");

const nameOf = (m: RegExpExecArray) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? "";
const internal = (t: string) => t.startsWith("sqlite_") || t.startsWith("_cf_");

/** Rows per table in the dump; every table it creates is listed, empty ones with 0. */
export function dumpRowCounts(sql: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const head of heads(sql)) {
    const c = CREATE.exec(head);
    if (c) {
      const t = nameOf(c);
      if (!internal(t)) counts[t] ??= 0;
      continue;
    }
    const ins = INSERT.exec(head);
    if (ins) {
      const t = nameOf(ins);
      if (!internal(t)) counts[t] = (counts[t] ?? 0) + 1;
    }
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
