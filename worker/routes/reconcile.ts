// POST /api/admin/reconcile {fix?, eventId?}: the CLI's `reconcile` (cli/commands/reconcile.ts).
// Admins only; a fix is audited with every repaired drift.
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { events } from "../db/schema.ts";
import type { AuthedEnv } from "../env.ts";
import { auditStmt } from "../lib/audit.ts";
import { notFound } from "../lib/errors.ts";
import { invalidateEventContext } from "../lib/event-context.ts";
import { afterVisibleWrite } from "../lib/live.ts";
import { activeEvent } from "../lib/events.ts";
import { reconcileEvent } from "../lib/reconcile.ts";
import { valid } from "../lib/validate.ts";
import { requireRole } from "../middleware/auth.ts";

const body = z.strictObject({ fix: z.boolean().optional(), eventId: z.uuid().optional(), allStudents: z.boolean().optional() });

export const reconcileRoutes = new Hono<AuthedEnv>().use(requireRole("admin")).post("/reconcile", valid("json", body), async (c) => {
  const { fix = false, eventId, allStudents = false } = c.req.valid("json");
  const db = c.var.db;
  const event = eventId ? await db.query.events.findFirst({ where: eq(events.id, eventId) }) : await activeEvent(db);
  if (!event) throw notFound("No such event.");
  const { fixes, ...report } = await reconcileEvent(db, c.env, event, fix, allStudents);
  if (fix && report.fixed > 0) {
    await auditStmt(db, c.var.user, {
      action: "reconcile.fix",
      eventId: event.id,
      targetType: "event",
      targetId: event.id,
      before: { drifts: report.drifts },
      after: { fixed: report.fixed, fixes, remaining: report.remaining },
    });
    invalidateEventContext();
    await afterVisibleWrite(c, event.id);
  }
  c.header("Cache-Control", "no-store");
  return c.json(report);
});
