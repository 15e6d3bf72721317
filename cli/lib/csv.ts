// Reading the career office's CSV files (RFC 4180: quotes, doubled quotes, commas and line breaks
// inside quotes; a UTF-8 BOM and `;` separators from spreadsheets are accepted). Each record
// keeps the line it starts on, so every rejection can name it.
import { readFileSync } from "node:fs";
import { UsageError } from "./cli.ts";

export interface CsvRecord {
  line: number;
  cells: string[];
}

export function parseCsv(text: string): CsvRecord[] {
  const src = text.replace(/^\uFEFF/, "");
  const firstLine = src.slice(0, src.search(/\r?\n|$/));
  const sep = firstLine.split(";").length > firstLine.split(",").length ? ";" : ",";
  const out: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let wasQuoted = false;
  const endCell = () => {
    cells.push(wasQuoted ? cell : cell.trim());
    cell = "";
    wasQuoted = false;
  };
  const endRecord = () => {
    endCell();
    if (cells.some((c) => c !== "")) out.push({ line: start, cells });
    cells = [];
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell.trim() === "") {
      quoted = true;
      wasQuoted = true;
      cell = "";
    } else if (ch === sep) endCell();
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) throw new UsageError(`line ${start}: a quoted cell is never closed`);
  endRecord();
  return out;
}

export function readCsv(file: string): CsvRecord[] {
  try {
    return parseCsv(readFileSync(file, "utf8"));
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${file}: ${err.message}; nothing was written`);
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
