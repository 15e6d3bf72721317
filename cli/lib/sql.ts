// SQL literals for scripts handed to `wrangler d1 execute --file` (no bound parameters there).
export type SqlValue = string | number | boolean | null | undefined;

export function lit(v: SqlValue): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  return `'${v.replaceAll("'", "''")}'`;
}

export function insert(table: string, row: Record<string, SqlValue>, verb = "INSERT"): string {
  const cols = Object.keys(row);
  return `${verb} INTO ${table} (${cols.join(", ")}) VALUES (${cols.map((c) => lit(row[c])).join(", ")});`;
}

/** `('a', 'b')` for an IN clause. */
export const inList = (values: readonly string[]) => `(${values.map(lit).join(", ")})`;
