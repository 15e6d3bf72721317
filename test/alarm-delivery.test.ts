// Acknowledged means kept, through the alarm path alone (issue #11, item 9): when a StudentDO is
// evicted after answering 201 and before its outbox delivered anything, nothing forces a drain:
// its alarm, armed when the booking was confirmed, delivers the rows within RECOVERY_DELAY_MS of the
// acknowledgement (plus one recorder batch), and D1 then holds exactly what was acknowledged.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ParcelVerdict } from "../durable-objects/api.ts";
import { RECOVERY_DELAY_MS, type StudentDO } from "../durable-objects/student-do.ts";
import { api, createCompany, createEvent, createSlots, createUsers, d1Attempts, d1Bookings, studentDo } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

describe("acknowledged means kept, through the alarm alone", () => {
  it("students evicted right after their 201, before any delivery: each alarm is due within the bound and delivers exactly what was acknowledged", async () => {
    const eventId = await createEvent({ phase: 1 });
    const slots = await createSlots(eventId, await createCompany(eventId), 5);
    const students = await createUsers(5);
    // Deliveries never arrive (as if the object went away mid-delivery).
    for (const s of students)
      await runInDurableObject(studentDo(eventId, s.id), (o: StudentDO) => {
        o.send = () => new Promise<ParcelVerdict>(() => undefined);
      });

    const before = Date.now();
    const answers = await Promise.all(students.map((s, i) => api("POST", "/bookings", { token: s.token, body: { slotId: slots[i]!.id } })));
    const acknowledgedAt = Date.now();
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(201));
    for (const s of students) await evictDurableObject(studentDo(eventId, s.id));
    expect(await d1Bookings(eventId)).toEqual([]);

    for (const s of students) {
      const stub = studentDo(eventId, s.id);
      const alarm = await runInDurableObject(stub, (_o: StudentDO, state) => state.storage.getAlarm());
      expect(alarm).not.toBeNull();
      expect(alarm!).toBeGreaterThanOrEqual(before);
      expect(alarm!).toBeLessThanOrEqual(acknowledgedAt + RECOVERY_DELAY_MS);
      expect(await runDurableObjectAlarm(stub)).toBe(true);
    }
    const acknowledged = new Set(answers.map((a) => a.body.booking.id as string));
    expect(new Set((await d1Bookings(eventId, "status = 'confirmed'")).map((b) => b.id))).toEqual(acknowledged);
    expect(await d1Attempts(eventId)).toHaveLength(5);
    await expectInvariants({ eventId, studentIds: students.map((s) => s.id), slots: slots.map((s) => ({ id: s.id, capacity: 2 })), acknowledged });
  });
});
