// The one error type routes throw; app.onError turns it into the contract's error body.
import { type ErrorCode, ERROR_STATUS } from "../domain/contract.ts";

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status() {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = "Not found.") => new ApiError("not_found", what);
