// A company withdraws (the office's action, with a reason): it is no longer verified, its slots
// are blocked in their SlotDOs first (no seat can land meanwhile), then every seat those objects
// hold is cancelled through its student's StudentDO, which frees the seat and the caps. The
// company row stays, so its name stays on the students' history; each student is told by mail
// once D1 holds the cancellation (worker/mail/booking-mails.ts). Running it again finishes what a
// fault interrupted and cancels nothing twice.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { auditStmt } from "./audit.ts";
import { eventCompanies, slots } from "../db/schema.ts";
import type { AuthUser } from "../env.ts";
import { ApiError } from "./errors.ts";
import { invalidateEventContext } from "./event-context.ts";
import { callObject, slotStub, studentStub } from "./objects.ts";
import { forgetFull } from "./full-slots.ts";

/** A hold that was seated just before the block confirms within milliseconds: look again this often. */
const PASSES = 4;
const PASS_PAUSE_MS = 150;

export async function withdrawCompany(
  db: Db,
  env: Env,
  actor: AuthUser,
  o: { eventId: string; company: { id: string; name: string }; reason: string },
): Promise<{ cancelled: number }> {
  const now = new Date().toISOString();
  const prior = await db.query.eventCompanies.findFirst({ where: and(eq(eventCompanies.eventId, o.eventId), eq(eventCompanies.companyId, o.company.id)) });
  await db.batch([
    db
      .insert(eventCompanies)
      .values({ eventId: o.eventId, companyId: o.company.id, verifiedAt: null, verifiedBy: actor.id, withdrawnAt: now, withdrawnBy: actor.id, withdrawReason: o.reason })
      .onConflictDoUpdate({
        target: [eventCompanies.eventId, eventCompanies.companyId],
        set: { verifiedAt: null, verifiedBy: actor.id, withdrawnAt: prior?.withdrawnAt ?? now, withdrawnBy: actor.id, withdrawReason: o.reason },
      }),
    db.update(slots).set({ blocked: true }).where(and(eq(slots.eventId, o.eventId), eq(slots.companyId, o.company.id))),
  ]);
  invalidateEventContext();
  const slotIds = (await db.select({ id: slots.id }).from(slots).where(and(eq(slots.eventId, o.eventId), eq(slots.companyId, o.company.id)))).map((s) => s.id);
  await Promise.all(slotIds.map((id) => callObject(async () => await slotStub(env, id).adjust({ blocked: true }))));
  forgetFull(...slotIds);

  let cancelled = 0;
  let left = 0;
  /** Set when a StudentDO or SlotDO is overloaded: stop, and let the office run it again later. */
  let retryAfter: number | undefined;
  for (let pass = 0; ; pass++) {
    const seated = (await Promise.all(slotIds.map(async (id) => (await callObject(async () => await slotStub(env, id).inspect())).seats))).flat().filter((x) => x.state === "seated");
    left = seated.length;
    if (!left || pass === PASSES) break;
    if (pass > 0) await new Promise((r) => setTimeout(r, PASS_PAUSE_MS));
    const outcomes = await Promise.all(
      seated.map((x) => callObject(async () => await studentStub(env, o.eventId, x.studentId).cancelFor({ bookingId: x.bookingId, by: "withdrawal", reason: o.reason }))),
    );
    const done = outcomes.filter((out) => out.ok).length;
    cancelled += done;
    retryAfter = outcomes.map((out) => (out.ok ? undefined : out.retryAfter)).find((s) => s !== undefined);
    if (retryAfter) {
      left -= done;
      break;
    }
  }
  await auditStmt(db, actor, {
    action: "company.withdraw",
    eventId: o.eventId,
    targetType: "company",
    targetId: o.company.id,
    before: { verified: !!prior?.verifiedAt, withdrawnAt: prior?.withdrawnAt ?? null },
    after: { verified: false, reason: o.reason, cancelled, stillSeated: left },
  });
  if (left) throw new ApiError("unavailable", `${left} booking(s) could not be cancelled yet; run the withdrawal again (nothing is cancelled twice).`, undefined, { retryAfter: retryAfter ?? 1 });
  return { cancelled };
}
