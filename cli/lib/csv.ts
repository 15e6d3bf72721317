// Reading the career office's CSV files (the parser is worker/domain/csv.ts, shared with the draw's
// export). Each record keeps the line it starts on, so every rejection can name it.
import { readFileSync } from "node:fs";
import { type CsvRecord, CsvSyntaxError, parseCsv } from "../../worker/domain/csv.ts";
import { UsageError } from "./cli.ts";

export type { CsvRecord };

export function readCsv(file: string): CsvRecord[] {
  try {
    return parseCsv(readFileSync(file, "utf8"));
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new UsageError(`${file}: ${err.message}; nothing was written`);
    throw new UsageError(`${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Header → column index, from the first record when it names `required`; else null. */
export function headerOf(first: CsvRecord | undefined, known: readonly string[]): Map<string, number> | null {
  if (!first) return null;
  const names = first.cells.map((c) => c.trim().toLowerCase().replace(/[\s-]+/g, "_"));
  if (!names.some((n) => known.includes(n))) return null;
  return new Map(names.map((n, i) => [n, i]));
}

export interface Rejection {
  line: number;
  reason: string;
}
