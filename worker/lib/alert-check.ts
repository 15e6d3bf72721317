// The alert check (cron trigger, every minute; worker/index.ts): measure, decide (pure rules,
// worker/domain/alerts.ts), record in D1 (the admin monitor shows `alerts`), and tell the office's
// webhook once when an alert fires and once when it clears. A webhook that fails is noted on the
// alert row and logged, without its URL (webhook URLs embed their own secret).
import { desc, eq, isNull, lt } from "drizzle-orm";
import type { AlertKind, AlertRecord, AlertSettings, HealthFigures } from "../domain/contract.ts";
import { type Evaluation, alertText, evaluateAlerts, planAlerts } from "../domain/alerts.ts";
import type { Db } from "../db/client.ts";
import { alerts, requestCounts } from "../db/schema.ts";
import { readAlertSettings } from "./alert-settings.ts";
import { measureHealth } from "./health-figures.ts";
import { errorFields, logLine } from "./log.ts";
import { minuteOf } from "./request-stats.ts";

const WEBHOOK_TIMEOUT_MS = 5_000;
/** Per-minute request counts are kept a week (the monitor and the check read minutes). */
const KEEP_COUNTS_MS = 7 * 24 * 3_600_000;

export interface AlertPayload {
  text: string;
  alert: { kind: AlertKind; status: "firing" | "resolved" | "test"; value: number; threshold: number; windowMinutes: number; at: string };
  figures: HealthFigures;
}

/**
 * POSTs the payload; resolves with null when the receiver took it (2xx), else a short code the
 * monitor translates: `status_<n>` (it answered n), `unreachable` (no answer within 5 s).
 */
export async function sendWebhook(url: string, payload: AlertPayload): Promise<string | null> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok ? null : `status_${res.status}`;
  } catch {
    return "unreachable";
  }
}

function payload(e: Evaluation, status: AlertPayload["alert"]["status"], value: number, s: AlertSettings, figures: HealthFigures): AlertPayload {
  return {
    text: alertText(e.kind, status, value, e.threshold, s.windowMinutes),
    alert: { kind: e.kind, status, value, threshold: e.threshold, windowMinutes: s.windowMinutes, at: figures.at },
    figures,
  };
}

async function notify(s: AlertSettings, p: AlertPayload): Promise<{ notifiedAt: string | null; notifyError: string | null }> {
  if (!s.webhookUrl) return { notifiedAt: null, notifyError: "no_webhook" };
  const error = await sendWebhook(s.webhookUrl, p);
  if (error) logLine("error", "alert webhook failed", { kind: p.alert.kind, status: p.alert.status, cause: error });
  return error ? { notifiedAt: null, notifyError: error } : { notifiedAt: new Date().toISOString(), notifyError: null };
}

export const toAlertRecord = (r: typeof alerts.$inferSelect): AlertRecord => r;

export async function listAlerts(db: Db, limit = 20): Promise<AlertRecord[]> {
  const rows = await db.select().from(alerts).orderBy(desc(isNull(alerts.resolvedAt)), desc(alerts.id)).limit(limit);
  return rows.map(toAlertRecord);
}

export interface CheckResult {
  figures: HealthFigures;
  raised: AlertKind[];
  resolved: AlertKind[];
}

export async function runAlertCheck(env: Env, db: Db, now = Date.now()): Promise<CheckResult> {
  const settings = await readAlertSettings(db);
  const figures = await measureHealth(env, db, settings, now);
  const open = await db.select().from(alerts).where(isNull(alerts.resolvedAt));
  const openBy = new Map(open.map((a) => [a.kind, a]));
  const plan = planAlerts(evaluateAlerts(figures, settings), new Set(openBy.keys()));
  const at = figures.at;

  for (const e of plan.raise) {
    const [row] = await db.insert(alerts).values({ kind: e.kind, openedAt: at, value: e.value!, threshold: e.threshold }).returning({ id: alerts.id });
    const sent = await notify(settings, payload(e, "firing", e.value!, settings, figures));
    await db.update(alerts).set(sent).where(eq(alerts.id, row!.id));
    logLine("warn", "alert raised", { kind: e.kind, value: e.value, threshold: e.threshold });
  }
  for (const e of plan.update) await db.update(alerts).set({ value: e.value! }).where(eq(alerts.id, openBy.get(e.kind)!.id));
  for (const e of plan.resolve) {
    await db.update(alerts).set({ resolvedAt: at }).where(eq(alerts.id, openBy.get(e.kind)!.id));
    await notify(settings, payload(e, "resolved", e.value!, settings, figures));
    logLine("info", "alert resolved", { kind: e.kind, value: e.value, threshold: e.threshold });
  }
  await db.delete(requestCounts).where(lt(requestCounts.minute, minuteOf(now - KEEP_COUNTS_MS)));
  return { figures, raised: plan.raise.map((e) => e.kind), resolved: plan.resolve.map((e) => e.kind) };
}

/** The monitor's "send a test alert": the current figures, through the configured webhook. */
export async function sendTestAlert(env: Env, db: Db): Promise<{ sent: boolean; error: string | null }> {
  const settings = await readAlertSettings(db);
  const figures = await measureHealth(env, db, settings);
  const e = evaluateAlerts(figures, settings).find((x) => x.kind === "error_rate")!;
  const result = await notify(settings, payload(e, "test", e.value ?? 0, settings, figures));
  return { sent: result.notifiedAt !== null, error: result.notifyError };
}

