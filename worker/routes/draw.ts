// The draw of a fair opening (issue #13): public commitments and seeds, a student's results, and
// the career office's "run now" (or dry run) and fairness figures.
import { Hono } from "hono";
import { z } from "zod";
import { drawStub } from "../../durable-objects/draw-do.ts";
import type { FairnessResponse } from "../domain/contract.ts";
import { newSeed, runDraw } from "../domain/allocator.ts";
import { DRAW_PHASES, type DrawPhase, drawEnabled, nextDraw } from "../domain/draw-schedule.ts";
import { summarize } from "../domain/fairness.ts";
import type { AppEnv, AuthedEnv } from "../env.ts";
import { auditStmt } from "../lib/audit.ts";
import { verifiedCompanies } from "../lib/catalogue.ts";
import { drawInfo, fcfsStats, loadSnapshot, myResults, readDraws, statusesOf } from "../lib/draw-records.ts";
import { withCommitments } from "../lib/draw-nudge.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { configTtlMs, eventContext, invalidateEventContext } from "../lib/event-context.ts";
import { activeEvent } from "../lib/events.ts";
import { callObject } from "../lib/objects.ts";
import { valid } from "../lib/validate.ts";
import { requireRole } from "../middleware/auth.ts";

const phaseParam = z.strictObject({ phase: z.enum(["1", "2"], { message: "the phase is 1 or 2" }) });
const runBody = z.strictObject({ dryRun: z.boolean().optional() });

export const drawRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const found = await eventContext(c.var.db, configTtlMs(c.env));
    if (!found) throw notFound("No event is active yet.");
    const ctx = await withCommitments(c, found, configTtlMs(c.env));
    // A phase listed once its draw is planned; a draw that ran stays listed whatever the settings say since.
    const draws = ctx.draws.filter((d) => drawEnabled(ctx.event, d.phase) || d.status !== "collecting").map(drawInfo);
    c.header("Cache-Control", "no-cache");
    return c.json({ draws });
  })
  .get("/me", requireRole("student"), async (c) => {
    const ctx = await eventContext(c.var.db, configTtlMs(c.env));
    if (!ctx) throw notFound("No event is active yet.");
    c.header("Cache-Control", "no-store");
    return c.json({ draws: await myResults(c.env.DB, ctx.event.id, c.var.user.id) });
  });

export const drawAdminRoutes = new Hono<AuthedEnv>()
  .use(requireRole("admin"))
  .post("/draw/:phase/run", valid("param", phaseParam), valid("json", runBody), async (c) => {
    const phase = Number(c.req.valid("param").phase) as DrawPhase;
    const { dryRun = false } = c.req.valid("json");
    const db = c.var.db;
    const event = await activeEvent(db);
    if (dryRun) {
      // A fresh seed, never the committed one: a rehearsal must not reveal the real order.
      const snapshot = await loadSnapshot(c.env.DB, event, phase);
      const allocation = await runDraw(snapshot, newSeed());
      return c.json({ summary: summarize(snapshot, allocation, { dryRun: true, sealMs: 0, commitMs: null, diverged: 0 }) });
    }
    if (!drawEnabled(event, phase))
      throw new ApiError("conflict", `Phase ${phase} opens first come, first served: turn its draw on, with a time when wishes open before the phase, to run it.`);
    const summary = await callObject(() => drawStub(c.env, event.id).run(event.id, phase));
    await auditStmt(db, c.var.user, { action: "draw.run", eventId: event.id, targetType: "draw", targetId: `${event.id}:${phase}`, after: { phase, allocated: summary.allocated, diverged: summary.diverged } });
    invalidateEventContext();
    return c.json({ summary });
  })
  .get("/fairness", async (c) => {
    const db = c.var.db;
    const event = await activeEvent(db);
    const [draws, companies] = await Promise.all([readDraws(db, event.id), verifiedCompanies(db, event.id)]);
    const phases = await Promise.all(
      DRAW_PHASES.map(async (phase) => {
        const d = draws.find((x) => x.phase === phase) ?? null;
        return {
          phase,
          drawEnabled: drawEnabled(event, phase),
          draw: d ? drawInfo(d) : null,
          drawSummary: d?.summary ?? null,
          fcfsStats: await fcfsStats(c.env.DB, event.id, phase, d && d.status !== "collecting" ? "sealed" : nextDraw(event, statusesOf(draws)) === phase ? "current" : "none"),
        };
      }),
    );
    const body: FairnessResponse = { phases, companies: companies.map((co) => ({ id: co.id, name: co.name })) };
    c.header("Cache-Control", "no-store");
    return c.json(body);
  });
