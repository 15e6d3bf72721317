// The one error type routes throw; app.onError turns it into the contract's error body.
import { type ErrorCode, ERROR_STATUS } from "../domain/contract.ts";

export interface ApiErrorOptions {
  /** Seconds before a retry may succeed: sent as Retry-After (429, 503). */
  retryAfter?: number;
}

/** V8's Error: how many frames a new error captures. */
const V8Error = Error as ErrorConstructor & { stackTraceLimit: number };

// Plain fields, not parameter properties: the Node-side CLI imports worker modules with Node's
// type stripping, which accepts only erasable TypeScript syntax.
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryAfter?: number;
  constructor(code: ErrorCode, message: string, details?: unknown, options: ApiErrorOptions = {}) {
    // An answer, not a fault: no stack to capture (a herd throws one per refused booking, and
    // capturing a stack is most of what constructing an Error costs). Faults keep theirs.
    const limit = V8Error.stackTraceLimit;
    V8Error.stackTraceLimit = 0;
    super(message);
    V8Error.stackTraceLimit = limit;
    this.code = code;
    this.details = details;
    if (options.retryAfter !== undefined) this.retryAfter = Math.max(1, Math.ceil(options.retryAfter));
  }

  get status() {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = "Not found.") => new ApiError("not_found", what);
