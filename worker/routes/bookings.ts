// The student's bookings: the booking path's entry (DESIGN.md "The booking path", step 1).
import { Hono } from "hono";
import { z } from "zod";
import type { AuthedEnv } from "../env.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { type EventContext, configTtlMs, eventContext, findSlot } from "../lib/event-context.ts";
import { callObject, slotStub, studentStub } from "../lib/objects.ts";
import { scheduleEntries } from "../lib/schedule.ts";
import { valid } from "../lib/validate.ts";
import { SLOT_FULL_MESSAGE, currentPhase, decideGate, drawHoldsBooking } from "../domain/rules.ts";
import { askSlotFirst, forgetFull, fullNoteMs, knownFull, noteFull } from "../lib/full-slots.ts";
import { carryRefusalRow, recordRefusal } from "../lib/refusal-rows.ts";
import type { ErrorCode, ErrorDetails } from "../domain/contract.ts";
import { nudgeDraw } from "../lib/draw-nudge.ts";
import { requireRole, requireVerifiedEmail } from "../middleware/auth.ts";

const bookSchema = z.strictObject({ slotId: z.uuid({ message: "expected a slot id" }) });
const idParam = z.strictObject({ id: z.uuid({ message: "expected a booking id" }) });
const listQuery = z.strictObject({ all: z.enum(["0", "1", "true", "false"]).optional() });
const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, "Idempotency-Key: 1 to 128 printable ASCII characters")
  .nullable();


/** The bookable slots' ids of a cached configuration, listed once per configuration. */
const slotIds = new WeakMap<EventContext, string[]>();
/** When this isolate last woke each slot: a slot woken within the minute it stays in memory is not asked again. */
const wokenAt = new Map<string, number>();
const WAKE_AGAIN_MS = 50_000;

/** A slot of the event picked at random, unless this isolate woke it less than WAKE_AGAIN_MS ago. */
function slotToWake(ctx: EventContext, now: number): string | undefined {
  let ids = slotIds.get(ctx);
  if (!ids) slotIds.set(ctx, (ids = [...ctx.slots.keys()]));
  const id = ids[Math.floor(Math.random() * ids.length)];
  if (id === undefined || now - (wokenAt.get(id) ?? -Infinity) < WAKE_AGAIN_MS) return undefined;
  if (wokenAt.size >= 20_000) wokenAt.clear();
  wokenAt.set(id, now);
  return id;
}

export const bookingRoutes = new Hono<AuthedEnv>()
  .use(requireRole("student"))
  .post("/", requireVerifiedEmail, valid("json", bookSchema), async (c) => {
    const receivedAt = Date.now();
    const { slotId } = c.req.valid("json");
    const keyCheck = idempotencyKey.safeParse(c.req.header("idempotency-key") ?? null);
    if (!keyCheck.success)
      throw new ApiError("validation_failed", "Invalid Idempotency-Key header.", [{ path: "Idempotency-Key", message: keyCheck.error.issues[0]?.message }]);
    const user = c.var.user;
    const found = await findSlot(c.var.db, configTtlMs(c.env), slotId);
    if (!found) throw notFound("No such slot at this event.");
    const { ctx, slot } = found;
    const e = ctx.event;
    const phase = currentPhase(ctx.windows, receivedAt);
    // The phase is the clock's (exact); the draws' statuses are the cached context's (at most
    // CONFIG_TTL_SECONDS old): the gate closes at the phase's start and reopens that long after.
    if (e.bookingOpen && drawHoldsBooking(e, ctx.drawStatuses, phase)) {
      nudgeDraw(c, ctx);
      throw new ApiError("draw_running", "A draw is allocating this phase's interviews from the students' wishes; booking opens to everyone when it is done.", { phase });
    }
    const policy = {
      now: receivedAt,
      bookingCutoffMinutes: ctx.bookingCutoffMinutes,
      phase,
      bookingOpen: e.bookingOpen,
      deprioritized: ctx.deprioritized.has(user.email),
      maxBookingsPhase1: e.maxBookingsPhase1,
      maxBookingsTotal: e.maxBookingsTotal,
      maxBookingsPerCompany: e.maxBookingsPerCompany,
    };
    // Refusals the Worker decides alone, without the objects: the gate (the clock, the event, the
    // student's flag: the first checks StudentDO would run, the same function), then a slot this
    // isolate knows full (worker/lib/full-slots.ts). Their attempt rows: worker/lib/refusal-rows.ts.
    const refuseHere = (code: ErrorCode, message: string, details?: ErrorDetails) => {
      recordRefusal(c.env, (p) => c.executionCtx.waitUntil(p), { eventId: e.id, studentId: user.id, slotId: slot.id, code, message, receivedAt });
      return new ApiError(code, message, details);
    };
    const gate = decideGate(slot, policy);
    if (gate) throw refuseHere(gate.code, gate.message, gate.details);
    const noteMs = fullNoteMs(c.env);
    const full = noteMs ? knownFull(slot.id, user.id, receivedAt) : null;
    if (full) throw refuseHere("slot_full", SLOT_FULL_MESSAGE, full);
    if (noteMs && askSlotFirst(slot.id, user.id, receivedAt, { full: ctx.fullInD1.has(slot.id), loadedAt: ctx.loadedAt })) {
      // The note just ended, or D1 counted the slot full: the slot alone says whether it is (a failed call: the whole path).
      const still = await slotStub(c.env, slot.id).fullFor(user.id, slot.capacity).catch(() => null);
      if (still) {
        noteFull(slot.id, still, receivedAt, Date.now() + noteMs);
        throw refuseHere("slot_full", SLOT_FULL_MESSAGE, { taken: still.taken, capacity: still.capacity });
      }
      forgetFull(slot.id); // a seat is free (or the slot closed): no more checks until it is called full again
    }
    // A refusal's attempt row comes back with it and leaves with this isolate's next parcel of rows.
    const out = await callObject(async () => await studentStub(c.env, e.id, user.id).book({ slot, policy, idempotencyKey: keyCheck.data, receivedAt, carry: true }));
    if (!out.ok) {
      if (out.row) carryRefusalRow(c.env, (p) => c.executionCtx.waitUntil(p), e.id, out.row);
      if (out.full && noteMs) noteFull(slot.id, out.full, receivedAt, Date.now() + noteMs);
      throw new ApiError(out.code, out.message, out.details, { retryAfter: out.retryAfter });
    }
    return c.json({ booking: out.booking }, 201);
  })
  // A phase opens within the minute and this student's page is open (the site calls this once, at
  // a random moment 40-5 s before): their StudentDO is loaded now and held through the opening, so
  // the herd's first clicks do not pay for creating thousands of objects at once. Each call also
  // wakes one slot of the event, picked at random: an opening's audience covers its slots (3 000
  // pages over 960 slots reach 96 % of them) without any one request waking many; a slot this
  // isolate woke within the minute is not asked again. Reads only the cached configuration.
  .get("/ready", async (c) => {
    const ctx = await eventContext(c.var.db, configTtlMs(c.env));
    if (ctx) {
      const eventId = ctx.event.id;
      const slotId = slotToWake(ctx, Date.now());
      await callObject(() => Promise.all([studentStub(c.env, eventId, c.var.user.id).ready(), slotId ? slotStub(c.env, slotId).ready() : undefined]));
    }
    c.header("Cache-Control", "no-store");
    return c.body(null, 204);
  })
  .get("/", valid("query", listQuery), async (c) => {
    const all = ["1", "true"].includes(c.req.valid("query").all ?? "");
    const ctx = await eventContext(c.var.db, configTtlMs(c.env));
    if (!ctx) throw notFound("No event is active yet.");
    const eventId = ctx.event.id;
    const list = await callObject(() => studentStub(c.env, eventId, c.var.user.id).list(all));
    c.header("Cache-Control", "no-store");
    return c.json({ bookings: await scheduleEntries(c.var.db, c.env.JWT_SECRET, list) });
  })
  .delete("/:id", valid("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const ctx = await eventContext(c.var.db, configTtlMs(c.env));
    if (!ctx) throw notFound("No event is active yet.");
    const eventId = ctx.event.id;
    const out = await callObject(async () =>
      await studentStub(c.env, eventId, c.var.user.id).cancel({
        bookingId: id,
        policy: { now: Date.now(), cancelDeadline: ctx.cancelDeadline, bookingCutoffMinutes: ctx.bookingCutoffMinutes },
      }),
    );
    if (!out.ok) throw new ApiError(out.code, out.message, out.details, { retryAfter: out.retryAfter });
    forgetFull(out.booking.slotId);
    return c.json({ booking: out.booking });
  });
