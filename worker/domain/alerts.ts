// When an alert fires and when it clears, as pure functions of the figures and the office's
// thresholds (worker/lib/alert-check.ts does the reading, storing and sending).
import type { AlertKind, AlertSettings, HealthFigures } from "./contract.ts";

export interface Evaluation {
  kind: AlertKind;
  /** null: not enough data to judge (never fires, never clears an open alert by itself). */
  value: number | null;
  threshold: number;
  firing: boolean;
}

type Thresholds = Pick<AlertSettings, "maxErrorRate" | "maxBookingP95Ms" | "maxBacklog">;

export function evaluateAlerts(f: HealthFigures, t: Thresholds): Evaluation[] {
  const over = (value: number | null, threshold: number) => ({ value, threshold, firing: value !== null && value > threshold });
  return [
    { kind: "error_rate", ...over(f.errorRate, t.maxErrorRate) },
    { kind: "booking_p95", ...over(f.bookingP95Ms, t.maxBookingP95Ms) },
    { kind: "backlog", ...over(f.backlog, t.maxBacklog) },
  ];
}

export interface AlertPlan {
  raise: Evaluation[];
  /** Open alerts whose figure is back under the threshold. */
  resolve: Evaluation[];
  /** Open alerts still over: their latest figure is recorded, no new message is sent. */
  update: Evaluation[];
}

/** One message when a figure crosses its threshold and one when it comes back, none in between. */
export function planAlerts(evaluations: Evaluation[], open: ReadonlySet<AlertKind>): AlertPlan {
  const plan: AlertPlan = { raise: [], resolve: [], update: [] };
  for (const e of evaluations) {
    if (e.firing) (open.has(e.kind) ? plan.update : plan.raise).push(e);
    else if (open.has(e.kind) && e.value !== null) plan.resolve.push(e);
  }
  return plan;
}

const LABEL: Record<AlertKind, string> = {
  error_rate: "5xx rate",
  booking_p95: "booking p95",
  backlog: "records waiting for D1",
};

export function formatFigure(kind: AlertKind, v: number): string {
  if (kind === "error_rate") return `${(v * 100).toFixed(1)} %`;
  if (kind === "booking_p95") return `${Math.round(v)} ms`;
  return String(Math.round(v));
}

/** The webhook message's one line (Slack, Teams and Mattermost show `text`). */
export function alertText(kind: AlertKind, status: "firing" | "resolved" | "test", value: number, threshold: number, windowMinutes: number): string {
  const figure = `${LABEL[kind]} ${formatFigure(kind, value)} (threshold ${formatFigure(kind, threshold)}, last ${windowMinutes} min)`;
  if (status === "test") return `INF booking: test alert from the monitor page. ${figure}`;
  return status === "firing" ? `INF booking ALERT: ${figure}` : `INF booking resolved: ${figure}`;
}
