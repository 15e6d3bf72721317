// A student's ranked wishes for the next draw (issue #13): free to change from `wishesOpen` until
// the draw seals them (the start of its phase, or earlier when the office runs it now).
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { Wish, WishesResponse } from "../domain/contract.ts";
import { type DrawStatuses, wishesWindow } from "../domain/draw-schedule.ts";
import { eventCompanies, wishes } from "../db/schema.ts";
import type { AuthedEnv } from "../env.ts";
import type { Db } from "../db/client.ts";
import { readDraws, replaceWishes, statusesOf } from "../lib/draw-records.ts";
import { withCommitments } from "../lib/draw-nudge.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { configTtlMs, eventContext } from "../lib/event-context.ts";
import type { EventRow } from "../lib/events.ts";
import { valid } from "../lib/validate.ts";
import { requireRole, requireVerifiedEmail } from "../middleware/auth.ts";

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM (24 h, the event's time zone)");
const wishInput = z.strictObject({
  companyId: z.uuid({ message: "expected a company id" }),
  notBefore: timeOfDay.nullable().optional(),
  notAfter: timeOfDay.nullable().optional(),
});
/** The ceiling of any event's maxWishes (worker/domain/event-config.ts); the event's own is checked after. */
const putBody = z.strictObject({ wishes: z.array(wishInput).max(50) });

type WishRow = typeof wishes.$inferSelect;

function response(event: EventRow, statuses: DrawStatuses, rows: readonly WishRow[]): WishesResponse {
  const w = wishesWindow(event, statuses, Date.now());
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    wishes: rows.map((r): Wish => ({ companyId: r.companyId, rank: r.rank, ...(r.notBefore ? { notBefore: r.notBefore } : {}), ...(r.notAfter ? { notAfter: r.notAfter } : {}) })),
    opensAt: iso(w.opensAt),
    closesAt: iso(w.closesAt),
    maxWishes: event.maxWishes,
  };
}

const mine = (db: Db, eventId: string, studentId: string) =>
  db.select().from(wishes).where(and(eq(wishes.eventId, eventId), eq(wishes.studentId, studentId))).orderBy(wishes.rank);

export const wishesRoutes = new Hono<AuthedEnv>()
  .use(requireRole("student"))
  .get("/", async (c) => {
    const found = await eventContext(c.var.db, configTtlMs(c.env));
    if (!found) throw notFound("No event is active yet.");
    const ctx = await withCommitments(c, found, configTtlMs(c.env));
    c.header("Cache-Control", "no-store");
    return c.json(response(ctx.event, ctx.drawStatuses, await mine(c.var.db, ctx.event.id, c.var.user.id)));
  })
  // Like booking: only a verified student ranks wishes (reading the window needs no address).
  .put("/", requireVerifiedEmail, valid("json", putBody), async (c) => {
    const { wishes: list } = c.req.valid("json");
    const db = c.var.db;
    const found = await eventContext(db, configTtlMs(c.env));
    if (!found) throw notFound("No event is active yet.");
    const ctx = await withCommitments(c, found, configTtlMs(c.env));
    const event = ctx.event;
    // The draws' statuses from D1, not the cache: a draw the office runs now seals the wishes at once.
    const statuses = statusesOf(await readDraws(db, event.id));
    const w = wishesWindow(event, statuses, Date.now());
    if (!w.open)
      throw new ApiError("wishes_closed", w.opensAt !== null && Date.now() < w.opensAt ? "Wishes open later." : "Wishes cannot be changed now: the next draw has sealed them, or none is scheduled.", {
        opensAt: w.opensAt === null ? null : new Date(w.opensAt).toISOString(),
        closesAt: w.closesAt === null ? null : new Date(w.closesAt).toISOString(),
      });

    const problems: { path: string; message: string }[] = [];
    if (list.length > event.maxWishes) problems.push({ path: "wishes", message: `at most ${event.maxWishes} wishes` });
    list.forEach((x, i) => {
      if (list.findIndex((y) => y.companyId === x.companyId) !== i) problems.push({ path: `wishes.${i}.companyId`, message: "this company is already in the list" });
      if (x.notBefore && x.notAfter && x.notBefore >= x.notAfter) problems.push({ path: `wishes.${i}.notAfter`, message: "must be after notBefore" });
    });
    const ids = [...new Set(list.map((x) => x.companyId))];
    const verified = new Set(
      ids.length
        ? (
            await db
              .select({ id: eventCompanies.companyId })
              .from(eventCompanies)
              .where(and(eq(eventCompanies.eventId, event.id), isNotNull(eventCompanies.verifiedAt), inArray(eventCompanies.companyId, ids)))
          ).map((r) => r.id)
        : [],
    );
    list.forEach((x, i) => {
      if (!verified.has(x.companyId)) problems.push({ path: `wishes.${i}.companyId`, message: "not a company of this event" });
    });
    if (problems.length) throw new ApiError("validation_failed", "Invalid wishes; nothing was changed.", problems);

    const user = c.var.user;
    await replaceWishes(c.env.DB, event.id, user.id, list.map((x) => ({ companyId: x.companyId, notBefore: x.notBefore ?? null, notAfter: x.notAfter ?? null })));
    c.header("Cache-Control", "no-store");
    return c.json(response(event, statuses, await mine(db, event.id, user.id)));
  });
