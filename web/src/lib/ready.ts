// Getting ready for an opening. A student whose page is open when a phase is about to open tells
// the server once, at a random moment between 40 and 5 seconds before (GET /api/bookings/ready):
// the student's object is created or woken then and stays in memory through the opening, so the
// first click does not pay for it in the middle of the herd. Random, so that a lecture hall's
// pages do not all ask in the same second; once per opening and per page.
import { request } from "./api.ts";

/** The earliest and latest a page says it is ready, before the opening. */
export const READY_EARLIEST_MS = 40_000;
export const READY_LATEST_MS = 5_000;
/** Pages look this far ahead (the server holds a readied object for a minute). */
export const READY_HORIZON_MS = 60_000;

/** How long from `now` to wait before saying ready for an opening at `at` (`random` in [0, 1)); null: too late or too early. */
export function readyDelay(at: number, now: number, random: number): number | null {
  const lead = at - now;
  if (lead <= READY_LATEST_MS || lead > READY_HORIZON_MS) return null;
  const from = Math.max(0, lead - READY_EARLIEST_MS);
  return Math.round(from + random * (lead - READY_LATEST_MS - from));
}

const said = new Set<number>();

/** Says ready for the opening at `at`, once per page; a failure changes nothing (the first click does it). */
export function sayReady(at: number): void {
  if (said.has(at)) return;
  said.add(at);
  request("GET", "/bookings/ready").catch(() => undefined);
}
