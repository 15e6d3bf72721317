// The year's configuration file (TOML or JSON): parsed, completed with the defaults of a new
// event, then validated by the admin API's own schema (eventConfigSchema: one rule, one place).
// Every problem is reported with the line a person has to fix.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { TomlDate, TomlError, parse as parseToml } from "smol-toml";
import type { z } from "zod";
import type { EventConfig } from "../../worker/domain/contract.ts";
import { DEFAULT_EVENT_CONFIG, eventConfigSchema } from "../../worker/domain/event-config.ts";

export interface ConfigProblem {
  line: number | null;
  path: string;
  message: string;
}

export class ConfigFileError extends Error {
  readonly problems: ConfigProblem[];
  constructor(file: string, problems: ConfigProblem[]) {
    super(`${file}: ${problems.length} problem(s), nothing was written:\n${problems.map((p) => `  ${p.line ? `line ${p.line}` : "(missing)"}: ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n")}`);
    this.problems = problems;
  }
}

type Format = "toml" | "json";

/** TOML dates and times become the strings the schema expects (UTC instants end in Z). */
function plain(v: unknown): unknown {
  if (v instanceof TomlDate) {
    if (v.isDate()) return v.toISOString().slice(0, 10);
    if (v.isTime()) return v.toISOString().replace(/:00(\.000)?$/, "");
    if (v.isLocal()) return v.toISOString();
    return new Date(v.getTime()).toISOString().replace(".000Z", "Z");
  }
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** The file's settings over `base` (a new event's defaults, or the event it updates), validated. */
export function loadConfigFile(file: string, base: Partial<EventConfig> = DEFAULT_EVENT_CONFIG): EventConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigFileError(file, [{ line: null, path: "", message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})` }]);
  }
  const format: Format = extname(file).toLowerCase() === ".json" ? "json" : "toml";
  let data: unknown;
  try {
    data = format === "toml" ? plain(parseToml(text)) : JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(file, [syntaxProblem(err, text)]);
  }
  if (!data || typeof data !== "object" || Array.isArray(data))
    throw new ConfigFileError(file, [{ line: 1, path: "", message: "expected a table of settings (key = value)" }]);
  const merged = { ...base, ...(data as Record<string, unknown>) };
  const checked = eventConfigSchema.safeParse(merged);
  if (checked.success) return checked.data;
  const lines = text.split(/\r?\n/);
  throw new ConfigFileError(file, problemsOf(checked.error, lines, format));
}

function syntaxProblem(err: unknown, text: string): ConfigProblem {
  if (err instanceof TomlError) return { line: err.line, path: "", message: `TOML syntax: ${err.message.split("\n")[0]}` };
  const msg = (err as Error).message;
  const at = /line (\d+)/.exec(msg)?.[1] ?? (/position (\d+)/.exec(msg) ? String(text.slice(0, Number(/position (\d+)/.exec(msg)![1])).split("\n").length) : null);
  return { line: at ? Number(at) : null, path: "", message: `JSON syntax: ${msg}` };
}

function problemsOf(error: z.ZodError, lines: string[], format: Format): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        out.push({ line: locate(lines, [...path, key], format), path: [...path, key].join("."), message: "unknown setting (check its spelling against cli/examples/inf-2027.toml)" });
      continue;
    }
    const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
    out.push({ line: missing ? null : locate(lines, path, format), path: path.join("."), message: missing ? "required" : issue.message });
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The line (1-based) where the setting at `path` is written, or null when it is not in the file. */
export function locate(lines: string[], path: string[], format: Format): number | null {
  const keyRe = (k: string) => (format === "json" ? new RegExp(`"${escape(k)}"\\s*:`) : new RegExp(`(^|[\\s{,])("${escape(k)}"|${escape(k)})\\s*=`));
  const find = (re: RegExp, from = 0) => {
    for (let i = from; i < lines.length; i++) if (re.test(stripComment(lines[i]!, format))) return i;
    return -1;
  };
  const [head, index, sub] = path;
  if (head === undefined) return null;
  // A TOML top-level key lives before the first [table] header.
  const top = (k: string) => {
    if (format === "json") return find(keyRe(k));
    for (let i = 0; i < lines.length; i++) {
      const l = stripComment(lines[i]!, format);
      if (/^\s*\[/.test(l)) return -1;
      if (keyRe(k).test(l)) return i;
    }
    return -1;
  };
  let at = top(head);
  if (index !== undefined && /^\d+$/.test(index)) {
    const n = Number(index);
    if (at < 0 && format === "toml") {
      // [[breaks]] array of tables: the n-th header, then the key inside it.
      const header = new RegExp(`^\\s*\\[\\[\\s*${escape(head)}\\s*\\]\\]`);
      let seen = -1;
      for (let i = 0; i < lines.length; i++) {
        if (!header.test(lines[i]!)) continue;
        if (++seen === n) {
          at = i;
          break;
        }
      }
      if (at < 0) return null;
      if (sub === undefined) return at + 1;
      const inside = find(keyRe(sub), at + 1);
      return inside >= 0 ? inside + 1 : at + 1;
    }
    if (at < 0) return null;
    // Inline array: the n-th occurrence of the item's key (or of "{") after the array's key.
    const marker = sub !== undefined ? keyRe(sub) : /\{/;
    let line = at;
    let seen = -1;
    for (let i = at; i < lines.length; i++) {
      const count = (stripComment(lines[i]!, format).match(new RegExp(marker.source, "g")) ?? []).length;
      if (seen + count >= n) {
        line = i;
        break;
      }
      seen += count;
    }
    return line + 1;
  }
  return at >= 0 ? at + 1 : null;
}

function stripComment(line: string, format: Format): string {
  if (format === "json") return line;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#") return line.slice(0, i);
  }
  return line;
}
