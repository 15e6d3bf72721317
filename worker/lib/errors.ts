// The one error type routes throw; app.onError turns it into the contract's error body.
import { type ErrorCode, ERROR_STATUS } from "../domain/contract.ts";

// Plain fields, not parameter properties: the Node-side CLI imports worker modules with Node's
// type stripping, which accepts only erasable TypeScript syntax.
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get status() {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = "Not found.") => new ApiError("not_found", what);
