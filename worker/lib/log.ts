// The Worker's one way to write a log line: one JSON object per line (Workers Logs indexes its
// fields). A line holds codes, ids, counts and durations, never personal data: no request body,
// no SQL parameter, no e-mail, name or hash. Errors go through `errorFields`.
export type LogValue = string | number | boolean | null | undefined;

export function logLine(level: "info" | "warn" | "error", msg: string, fields: Record<string, LogValue> = {}): void {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "info") console.log(line);
  else console.error(line);
}

const causeOf = (err: unknown): unknown => (err instanceof Error ? err.cause : undefined);

/** The innermost message of an error chain: D1's own (SQLite's) under drizzle's wrapper. */
export function rootMessage(err: unknown): string {
  let e = err;
  while (causeOf(e) instanceof Error) e = causeOf(e);
  return e instanceof Error ? e.message : String(e);
}

// Drizzle's DrizzleQueryError says "Failed query: <sql>\nparams: <values>": the values are the
// request's data (an e-mail, a name, a password hash at signup). Its cause, D1's error, carries
// SQLite's message only. Any address that still slips into a message is masked as a last resort.
const QUERY_TEXT = /^Failed query:/;
const ADDRESS = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+/g;

/** What a log line may say about an error: its class, the driver's message, where it was thrown. */
export function errorFields(err: unknown): Record<string, LogValue> {
  const name = err instanceof Error ? err.name : typeof err;
  const message = rootMessage(err);
  const frames = err instanceof Error ? (err.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l)).slice(0, 6).map((l) => l.trim()) : [];
  return {
    error: name,
    cause: QUERY_TEXT.test(message) ? "(query text withheld)" : message.replace(ADDRESS, "<address>").slice(0, 300),
    ...(frames.length ? { at: frames.join(" | ") } : {}),
  };
}

// D1's transient faults, the ones its documentation says to retry (Cloudflare D1, "Retry queries"),
// plus overload: the client may retry, so they are a 503, not a bug's 500.
const TRANSIENT_D1 = /Network connection lost|storage caused object to be reset|reset because its code was updated|D1 DB is overloaded|Too many requests queued|transient issue/i;

export const isTransientD1 = (err: unknown): boolean => TRANSIENT_D1.test(rootMessage(err));
