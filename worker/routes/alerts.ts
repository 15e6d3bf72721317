// The career office's alerting (seed 002): GET /api/admin/alerts (settings, the figures now, the
// latest alerts), PATCH it (thresholds, the webhook), POST /api/admin/alerts/test (one message to
// the webhook). The check itself runs from the cron trigger (worker/lib/alert-check.ts).
import { Hono } from "hono";
import { z } from "zod";
import type { AlertSettings, AlertsResponse } from "../domain/contract.ts";
import type { AuthedEnv } from "../env.ts";
import { listAlerts, sendTestAlert } from "../lib/alert-check.ts";
import { readAlertSettings, toAlertSettings, updateAlertSettingsStmt } from "../lib/alert-settings.ts";
import { auditStmt } from "../lib/audit.ts";
import { measureHealth } from "../lib/health-figures.ts";
import { valid } from "../lib/validate.ts";
import { requireRole } from "../middleware/auth.ts";

const webhookUrl = z.union([z.url({ protocol: /^https$/, message: "expected an https address" }).max(500), z.literal("").transform(() => null), z.null()]);
const patchBody = z
  .strictObject({
    webhookUrl,
    maxErrorRate: z.number().gt(0).max(1),
    maxBookingP95Ms: z.number().int().min(10).max(60_000),
    maxBacklog: z.number().int().min(1).max(10_000_000),
    windowMinutes: z.number().int().min(1).max(60),
    minRequests: z.number().int().min(1).max(1_000_000),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: "nothing to change" });

/** The audit trail says whether a webhook is set, never its URL (it carries its own secret). */
const audited = ({ webhookUrl: url, updatedAt: _at, ...s }: AlertSettings) => ({ ...s, webhook: url ? "set" : "none" });

export const alertRoutes = new Hono<AuthedEnv>()
  .use(requireRole("admin"))
  .get("/alerts", async (c) => {
    const db = c.var.db;
    const settings = await readAlertSettings(db);
    const [figures, list] = await Promise.all([measureHealth(c.env, db, settings), listAlerts(db)]);
    c.header("Cache-Control", "no-store");
    const body: AlertsResponse = { settings, figures, alerts: list };
    return c.json(body);
  })
  .patch("/alerts", valid("json", patchBody), async (c) => {
    const db = c.var.db;
    const before = await readAlertSettings(db);
    const [[row]] = await db.batch([
      updateAlertSettingsStmt(db, c.req.valid("json")),
      auditStmt(db, c.var.user, { action: "alerts.update", targetType: "alert_settings", targetId: "1", before: audited(before), after: audited({ ...before, ...c.req.valid("json") }) }),
    ]);
    return c.json({ settings: toAlertSettings(row!) });
  })
  .post("/alerts/test", async (c) => c.json(await sendTestAlert(c.env, c.var.db)));
