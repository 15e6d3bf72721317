// Honest 503s and 500s at the seam to the objects (issue #11, item 4): an overloaded or
// unreachable object is a 503 `unavailable` with Retry-After, a bug is a 500 `internal` with the
// request id; an overloaded SlotDO is not asked again at once (the hold, kept in memory, is
// dropped; the slot's check would free a seat the take made after all).
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CHECK_DELAY_MS, type SlotCalls } from "../durable-objects/api.ts";
import type { SlotDO } from "../durable-objects/slot-do.ts";
import type { StudentDO } from "../durable-objects/student-do.ts";
import { ApiError } from "../worker/lib/errors.ts";
import { callObject, objectFault } from "../worker/lib/objects.ts";
import { api, createCompany, createEvent, createSlots, createUser, slotDo, studentDo, studentState } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

const flagged = (flags: Record<string, boolean>) => Object.assign(new Error("injected"), flags);

describe("what a failed call to an object means", () => {
  it("overloaded, retryable, remote and programming errors are told apart", () => {
    expect(objectFault(flagged({ overloaded: true, remote: true }))).toBe("overloaded");
    expect(objectFault(flagged({ retryable: true }))).toBe("unreachable");
    expect(objectFault(flagged({ remote: true }))).toBe("bug");
    expect(objectFault(new TypeError("x is undefined"))).toBe("bug");
    expect(objectFault(new Error("Network connection lost."))).toBe("unreachable");
  });

  it("callObject turns overload into 503 with a longer Retry-After, unreachable into 503, and lets a bug through", async () => {
    const fails = (err: unknown) => callObject(() => Promise.reject(err));
    await expect(fails(flagged({ overloaded: true }))).rejects.toMatchObject({ code: "unavailable", status: 503, retryAfter: 5 });
    await expect(fails(flagged({ retryable: true }))).rejects.toMatchObject({ code: "unavailable", status: 503, retryAfter: 1 });
    const bug = flagged({ remote: true });
    await expect(fails(bug)).rejects.toBe(bug);
    await expect(fails(bug)).rejects.not.toBeInstanceOf(ApiError);
  });
});

describe("over HTTP", () => {
  it("a bug inside the StudentDO answers 500 internal with the request id, not 503; its hold goes with it, nothing left to settle", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const me = await createUser();
    await runInDurableObject(studentDo(eventId, me.id), (o: StudentDO) => {
      o.faultHook = (step) => {
        if (step !== "held") return;
        o.faultHook = undefined;
        throw new TypeError("injected bug");
      };
    });
    const r = await api("POST", "/bookings", { token: me.token, body: { slotId: slot!.id } });
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe("internal");
    const requestId = r.headers.get("x-request-id");
    expect(requestId).toBeTruthy();
    expect(r.body.error.message).toContain(requestId);
    expect(r.headers.get("retry-after")).toBeNull();
    expect((await studentState(eventId, me.id)).bookings).toEqual([]);
    // Nothing to settle: no alarm, no seat; the attempt is recorded (as the fault it was).
    expect(await runInDurableObject(studentDo(eventId, me.id), (_o: StudentDO, state) => state.storage.getAlarm())).toBeNull();
    expect((await slotDo(slot!.id).inspect()).seats).toEqual([]);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot!.id, capacity: 2 }], acknowledged: new Set() });
  });

  it("an overloaded SlotDO: 503 with Retry-After, the slot is not asked again, the hold is dropped and a seat the take made after all is freed by the slot", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const me = await createUser();
    const calls = { take: 0, settle: 0 };
    await runInDurableObject(studentDo(eventId, me.id), (o: StudentDO) => {
      const real = o.slot;
      o.slot = (slotId): SlotCalls => ({
        // The worst case: the take seated the student, then its answer was lost as "overloaded".
        take: async (...args) => {
          calls.take++;
          await real(slotId).take(...args);
          throw flagged({ overloaded: true });
        },
        settle: (bookingId, studentId) => {
          calls.settle++;
          return real(slotId).settle(bookingId, studentId);
        },
        release: (bookingId, studentId) => real(slotId).release(bookingId, studentId),
      });
    });
    const r = await api("POST", "/bookings", { token: me.token, body: { slotId: slot!.id } });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe("unavailable");
    expect(r.headers.get("retry-after")).toBe("5");
    expect(calls).toEqual({ take: 1, settle: 0 });
    expect((await studentState(eventId, me.id)).bookings).toEqual([]);
    // The seat the lost take made is the slot's to check: its alarm, due after the check delay, frees it.
    expect((await slotDo(slot!.id).inspect()).taken).toBe(1);
    const alarm = await runInDurableObject(slotDo(slot!.id), (_o: SlotDO, state) => state.storage.getAlarm());
    expect(alarm! - Date.now()).toBeGreaterThan(CHECK_DELAY_MS - 2000);
    expect(await runDurableObjectAlarm(slotDo(slot!.id))).toBe(true);
    expect(calls).toEqual({ take: 1, settle: 0 });
    expect((await slotDo(slot!.id).inspect()).taken).toBe(0);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot!.id, capacity: 2 }], acknowledged: new Set() });
  });
});
