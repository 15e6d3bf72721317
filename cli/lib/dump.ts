// Reading a SQL dump (`wrangler d1 export`, or the Worker's cron backup in the same format):
// which tables it creates and how many rows it inserts into each. Statements are found by a
// scanner that skips quoted text, so a value containing "INSERT INTO" or a newline is harmless.

/** Every statement's first ~200 characters, in order. */
function statementHeads(sql: string): string[] {
  const heads: string[] = [];
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      if (sql.slice(start, i).trim() === "") start = nl < 0 ? sql.length : nl + 1;
      i = nl < 0 ? sql.length : nl;
    } else if (ch === ";") {
      heads.push(sql.slice(start, Math.min(i, start + 200)).trim());
      start = i + 1;
    }
  }
  const tail = sql.slice(start).trim();
  if (tail) heads.push(tail.slice(0, 200));
  return heads;
}

const NAME = String.raw`(?:"([^"]+)"|\x60([^\x60]+)\x60|\[([^\]]+)\]|([\w]+))`;
const CREATE = new RegExp(String.raw`^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, "i");
const INSERT = new RegExp(String.raw`^INSERT\s+(?:OR\s+\w+\s+)?INTO\s+${NAME}`, "i");

const nameOf = (m: RegExpExecArray) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? "";
const internal = (t: string) => t.startsWith("sqlite_") || t.startsWith("_cf_");

/** Rows per table in the dump; every table it creates is listed, empty ones with 0. */
export function dumpRowCounts(sql: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const head of statementHeads(sql)) {
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
