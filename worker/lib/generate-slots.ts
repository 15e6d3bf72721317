// Applies slot generation for the active event: creates what is missing, reshapes or removes what
// is unbooked, keeps every booked slot (DESIGN.md: "never duplicates and never silently drops").
import { and, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { GenerationReport } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import { slots } from "../db/schema.ts";
import { planRegeneration, slotTimes, type SlotTimes } from "../domain/slot-generation.ts";
import type { EventRow } from "./events.ts";
import { slotStub } from "./objects.ts";

/** A company to generate for, with its own hours when it has some (else the event's). */
export interface GenerationTarget {
  id: string;
  name: string;
  dayStart: string | null;
  dayEnd: string | null;
}

const CHUNK = 50;

export async function generateSlots(
  db: Db,
  env: Env,
  event: EventRow,
  targets: GenerationTarget[],
  dryRun: boolean,
): Promise<GenerationReport> {
  const eventWide = slotTimes(event);
  const existing = targets.length ? await db.select().from(slots).where(eq(slots.eventId, event.id)) : [];
  const report: GenerationReport = { dryRun, perCompanySlots: eventWide.length, created: 0, removed: 0, reshaped: 0, keptBooked: 0, skipped: 0, companies: [] };
  const writes: BatchItem<"sqlite">[] = [];
  const iso = (t: number) => new Date(t).toISOString();

  for (const company of targets) {
    const day = { dayStart: company.dayStart ?? event.dayStart, dayEnd: company.dayEnd ?? event.dayEnd };
    const wanted = company.dayStart || company.dayEnd ? slotTimes({ ...event, ...day }) : eventWide;
    const mine = existing.filter((s) => s.companyId === company.id);
    const plan = planRegeneration(
      mine.map((s) => ({ id: s.id, startsAt: Date.parse(s.startsAt), endsAt: Date.parse(s.endsAt), booked: s.taken > 0 })),
      wanted,
    );
    let removed = plan.remove;
    let keptBooked = plan.keptBooked.length;
    if (!dryRun && removed.length) {
      // D1 may lag the seats by a few milliseconds: SlotDO has the last word, and retiring it
      // stops any booking still in flight from seating on a slot we are about to delete.
      const verdicts = await Promise.all(removed.map((id) => slotStub(env, id).retire()));
      keptBooked += verdicts.filter((v) => !v.retired).length;
      removed = removed.filter((_, i) => verdicts[i]!.retired);
    }
    const create: SlotTimes[] = plan.create;
    report.companies.push({
      companyId: company.id,
      name: company.name,
      ...day,
      slots: mine.length - removed.length + create.length,
      created: create.length,
      removed: removed.length,
      reshaped: plan.reshape.length,
      keptBooked,
      skipped: plan.skipped.length,
    });
    if (dryRun) continue;
    for (const t of create)
      writes.push(
        db.insert(slots).values({
          id: crypto.randomUUID(),
          eventId: event.id,
          companyId: company.id,
          startsAt: iso(t.startsAt),
          endsAt: iso(t.endsAt),
          capacity: event.slotCapacity,
        }),
      );
    for (const r of plan.reshape) writes.push(db.update(slots).set({ endsAt: iso(r.endsAt) }).where(eq(slots.id, r.id)));
    // D1 binds at most 100 parameters per statement.
    for (let i = 0; i < removed.length; i += CHUNK) writes.push(db.delete(slots).where(inArray(slots.id, removed.slice(i, i + CHUNK))));
    // A capacity set on one slot through its SlotDO (a second interviewer) is kept.
    writes.push(db.update(slots).set({ capacity: event.slotCapacity }).where(and(eq(slots.eventId, event.id), eq(slots.companyId, company.id), eq(slots.capacityCustom, false))));
  }
  for (let i = 0; i < writes.length; i += CHUNK) {
    const [first, ...rest] = writes.slice(i, i + CHUNK);
    if (first) await db.batch([first, ...rest]);
  }
  for (const c of report.companies) {
    report.created += c.created;
    report.removed += c.removed;
    report.reshaped += c.reshaped;
    report.keptBooked += c.keptBooked;
    report.skipped += c.skipped;
  }
  return report;
}
