// Booking figures for dashboards: one Workers Analytics Engine data point per booking attempt
// (outcome code, latency as the Worker saw it). Query them with the Analytics Engine SQL API:
//   SELECT blob1 AS code, count() AS attempts, quantileWeighted(0.95)(double1, _sample_interval) AS p95_ms
//   FROM inf_booking_attempts WHERE timestamp > NOW() - INTERVAL '1' HOUR GROUP BY code
// Analytics never stands in a request's way: a missing or failing binding is skipped.
import { errorFields, logLine } from "./log.ts";

export function recordBookingAttempt(env: Env, p: { code: string; ms: number; status: number }): void {
  const dataset = (env as Partial<Env>).BOOKING_ANALYTICS;
  if (!dataset) return;
  try {
    dataset.writeDataPoint({ indexes: [p.code], blobs: [p.code], doubles: [p.ms, p.status] });
  } catch (err) {
    logLine("warn", "analytics data point not written", errorFields(err));
  }
}
