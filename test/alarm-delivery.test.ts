// Acknowledged means kept, through the alarms alone (issue #11, item 9): when a StudentDO goes away
// after answering 201 and before its outbox delivered anything, nothing forces a drain. A
// confirmation sets no alarm of its own (issue #10, sixth sitting): its seat is new, and the slot
// checks each new seat CHECK_DELAY_MS later by asking the student's object (slot-do.ts). That call
// wakes an object that went away, whose activation arms its alarm for the rows it owes; an object
// still up with the booking owed arms it when asked. The alarm delivers, and D1 then holds exactly
// what was acknowledged.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CHECK_DELAY_MS, type ParcelVerdict } from "../durable-objects/api.ts";
import { RECOVERY_DELAY_MS, type StudentDO } from "../durable-objects/student-do.ts";
import { api, createCompany, createEvent, createSlots, createUsers, d1Attempts, d1Bookings, slotDo, studentDo } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

/** Five students, one slot each, whose deliveries never arrive (as if each object went away mid-delivery); their 201s. */
async function bookedWithoutDelivery() {
  const eventId = await createEvent({ phase: 1 });
  const slots = await createSlots(eventId, await createCompany(eventId), 5);
  const students = await createUsers(5);
  for (const s of students)
    await runInDurableObject(studentDo(eventId, s.id), (o: StudentDO) => {
      o.send = () => new Promise<ParcelVerdict>(() => undefined);
    });
  const answers = await Promise.all(students.map((s, i) => api("POST", "/bookings", { token: s.token, body: { slotId: slots[i]!.id } })));
  const acknowledgedAt = Date.now();
  expect(answers.map((a) => a.status)).toEqual(Array(5).fill(201));
  return { eventId, slots, students, answers, acknowledgedAt };
}

/** Each slot's check is due within CHECK_DELAY_MS of the acknowledgement; runs it. */
async function runSlotChecks(slots: { id: string }[], acknowledgedAt: number) {
  for (const slot of slots) {
    const due = await runInDurableObject(slotDo(slot.id), (_o, state) => state.storage.getAlarm());
    expect(due).not.toBeNull();
    expect(due!).toBeLessThanOrEqual(acknowledgedAt + CHECK_DELAY_MS);
    expect(await runDurableObjectAlarm(slotDo(slot.id))).toBe(true);
  }
}

async function expectExactlyAcknowledged(b: Awaited<ReturnType<typeof bookedWithoutDelivery>>) {
  const acknowledged = new Set(b.answers.map((a) => a.body.booking.id as string));
  expect(new Set((await d1Bookings(b.eventId, "status = 'confirmed'")).map((x) => x.id))).toEqual(acknowledged);
  expect(await d1Attempts(b.eventId)).toHaveLength(5);
  await expectInvariants({ eventId: b.eventId, studentIds: b.students.map((s) => s.id), slots: b.slots.map((s) => ({ id: s.id, capacity: 2 })), acknowledged });
}

describe("acknowledged means kept, through the alarms alone", () => {
  it("students evicted right after their 201, before any delivery: the slot's check wakes each, whose alarm delivers exactly what was acknowledged", async () => {
    const b = await bookedWithoutDelivery();
    for (const s of b.students) await evictDurableObject(studentDo(b.eventId, s.id));
    expect(await d1Bookings(b.eventId)).toEqual([]);

    await runSlotChecks(b.slots, b.acknowledgedAt);
    for (const s of b.students) {
      const stub = studentDo(b.eventId, s.id);
      const checkedAt = Date.now();
      const alarm = await runInDurableObject(stub, (_o: StudentDO, state) => state.storage.getAlarm());
      expect(alarm).not.toBeNull();
      expect(alarm!).toBeLessThanOrEqual(checkedAt + RECOVERY_DELAY_MS);
      expect(await runDurableObjectAlarm(stub)).toBe(true);
    }
    await expectExactlyAcknowledged(b);
  });

  it("a student still up, its delivery never answered, when the slot checks the seat: the check sets its alarm, which delivers after the object went away", async () => {
    const b = await bookedWithoutDelivery();
    await runSlotChecks(b.slots, b.acknowledgedAt);
    for (const s of b.students) {
      const stub = studentDo(b.eventId, s.id);
      // Still the same activation (its delivery hangs): the alarm was set by the check, not by waking up.
      const [alarm, hung] = await runInDurableObject(stub, async (o: StudentDO, state) => [await state.storage.getAlarm(), o.inspect().outbox] as const);
      expect(hung).toBe(2);
      expect(alarm).not.toBeNull();
      await evictDurableObject(stub);
      expect(await runDurableObjectAlarm(stub)).toBe(true);
    }
    await expectExactlyAcknowledged(b);
  });
});
