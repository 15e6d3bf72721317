// When a student's open page says ready before a phase opens (GET /api/bookings/ready, run by the
// site: web/src/lib/ready.ts): once, at a random moment between 40 and 5 seconds before. Random,
// so that a lecture hall's pages do not all ask in the same second; no later than 5 s before, so
// the object is ready for the first click; no earlier than 40 s, well within the minute the server
// holds a readied object in memory (durable-objects/keep-warm.ts).

/** The earliest and latest a page says it is ready, before the opening. */
export const READY_EARLIEST_MS = 40_000;
export const READY_LATEST_MS = 5_000;
/** Pages look this far ahead. */
export const READY_HORIZON_MS = 60_000;

/** How long from `now` to wait before saying ready for an opening at `at` (`random` in [0, 1)); null: too late or too early. */
export function readyDelay(at: number, now: number, random: number): number | null {
  const lead = at - now;
  if (lead <= READY_LATEST_MS || lead > READY_HORIZON_MS) return null;
  const from = Math.max(0, lead - READY_EARLIEST_MS);
  return Math.round(from + random * (lead - READY_LATEST_MS - from));
}
