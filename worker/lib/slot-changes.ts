// A recruiter (or the office) blocks, unblocks or resizes a slot. SlotDO decides, in arrival order
// with the seats it hands out (never below the seats taken); D1 mirrors the result for the pages
// and for regeneration (a custom capacity is kept), and the change is audited.
import { eq } from "drizzle-orm";
import type { SlotAvailability } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import { slots } from "../db/schema.ts";
import type { AuthUser } from "../env.ts";
import type { SlotChange } from "../../durable-objects/api.ts";
import { auditStmt } from "./audit.ts";
import { ApiError } from "./errors.ts";
import { invalidateEventContext } from "./event-context.ts";
import { callObject, slotStub } from "./objects.ts";
import { forgetFull } from "./full-slots.ts";

export type SlotRow = typeof slots.$inferSelect;

export async function changeSlot(db: Db, env: Env, actor: AuthUser, slot: SlotRow, change: SlotChange): Promise<SlotAvailability> {
  const out = await callObject(async () => await slotStub(env, slot.id).adjust(change));
  forgetFull(slot.id);
  if (!out.ok) throw new ApiError("capacity_below_taken", `${out.taken} seat(s) are taken on this slot: its capacity cannot go below that.`, { taken: out.taken });
  const capacity = out.capacity ?? slot.capacity;
  await db.batch([
    db
      .update(slots)
      .set({ blocked: out.blocked, ...(change.capacity !== undefined ? { capacity, capacityCustom: true } : {}) })
      .where(eq(slots.id, slot.id)),
    auditStmt(db, actor, {
      action: "slot.update",
      eventId: slot.eventId,
      targetType: "slot",
      targetId: slot.id,
      before: { blocked: slot.blocked, capacity: slot.capacity },
      after: { blocked: out.blocked, capacity },
    }),
  ]);
  invalidateEventContext();
  return { id: slot.id, startsAt: slot.startsAt, endsAt: slot.endsAt, capacity, taken: out.taken, blocked: out.blocked };
}
