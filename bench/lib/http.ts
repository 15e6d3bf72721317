// The HTTP request an Op is, and the contract code its answer carries: shared by the load process
// (load.ts) and `bench:outcomes`, so both speak to the app as the site does.
import type { Op } from "./workload.ts";

export interface HttpRequest {
  method: "GET" | "POST" | "DELETE";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** `token`: the student's session; `keyed`: a booking click carries an Idempotency-Key of its own, as the site sends (web/src/lib/bookings.ts). */
export function requestOf(op: Op, token: string | undefined, keyed: boolean): HttpRequest {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  switch (op.kind) {
    case "book":
      headers["content-type"] = "application/json";
      if (keyed) headers["idempotency-key"] = crypto.randomUUID();
      return { method: "POST", path: "/api/bookings", headers, body: JSON.stringify({ slotId: op.slotId }) };
    case "cancel":
      return { method: "DELETE", path: `/api/bookings/${op.bookingId}`, headers };
    case "ready":
      return { method: "GET", path: `/api/bookings/ready?slot=${op.slotId}`, headers };
    default:
      return { method: "GET", path: op.path, headers };
  }
}

/**
 * "ok" for a 2xx, else the contract's error code (or `http_<status>` when the body has none); a
 * booking's id when there is one. `text` null: the body is not read (a catalogue page's is large).
 */
export function answerOf(status: number, text: string | null): { code: string; bookingId?: string } {
  let json: { booking?: { id: string }; error?: { code: string } } = {};
  try {
    if (text !== null) json = JSON.parse(text) as typeof json;
  } catch {
    /* not JSON: the status says it */
  }
  const code = status < 300 ? "ok" : (json.error?.code ?? `http_${status}`);
  return { code, ...(status < 300 && json.booking?.id ? { bookingId: json.booking.id } : {}) };
}
