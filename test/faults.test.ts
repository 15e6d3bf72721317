// Faults between the pieces: D1 away while bookings are confirmed, and an object crashing at each
// step of hold → seat → confirm (and of a cancellation). Whatever happens, once retries and alarms
// have run: no seat without a booking, no booking without a seat, no hold left, nothing
// acknowledged lost, nothing doubled.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { OutboxRecord, OutboxSink } from "../durable-objects/d1-sink.ts";
import type { SlotDO, SlotFaultStep } from "../durable-objects/slot-do.ts";
import type { StudentDO, StudentFaultStep } from "../durable-objects/student-do.ts";
import { env } from "cloudflare:workers";
import { type RecorderDO, recorderName } from "../durable-objects/recorder-do.ts";
import { api, createCompany, createEvent, createSlots, createUser, createUsers, d1Attempts, d1Bookings, slotDo, studentDo, studentState } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

const book = (token: string, slotId: string, key?: string) =>
  api("POST", "/bookings", { token, body: { slotId }, ...(key ? { headers: { "Idempotency-Key": key } } : {}) });

/** A D1 that refuses every write, counting the tries. */
class DownSink implements OutboxSink {
  tries = 0;
  async write(_records: readonly OutboxRecord[]): Promise<void> {
    this.tries++;
    throw new Error("D1_ERROR: injected outage");
  }
}

async function setup(capacity = 2) {
  const eventId = await createEvent({ phase: 1 });
  const [slot] = await createSlots(eventId, await createCompany(eventId), 1, { capacity });
  return { eventId, slot: slot! };
}

describe("D1 failing while bookings are confirmed", () => {
  it("confirms anyway, then the recorder's alarm writes the rows once D1 is back: nothing lost, nothing doubled", async () => {
    const { eventId, slot } = await setup();
    const me = await createUser();
    const recorder = env.RECORDER.getByName(recorderName(eventId, me.id));
    const down = new DownSink();
    let restore: OutboxSink | undefined;
    await runInDurableObject(recorder, (o: RecorderDO) => {
      restore = o.sink;
      o.sink = down;
    });

    const r = await book(me.token, slot.id);
    expect(r.status).toBe(201);
    expect(await studentDo(eventId, me.id).drain()).toBeGreaterThan(0); // held by the recorder: D1 refuses
    expect(down.tries).toBeGreaterThan(0);
    expect((await studentState(eventId, me.id)).outbox).toBe(0);
    expect(await d1Bookings(eventId)).toEqual([]);
    // The alarm retries while D1 is down, without losing anything.
    expect(await runDurableObjectAlarm(recorder)).toBe(true);
    expect((await recorder.inspect()).queued).toBe(2);

    await runInDurableObject(recorder, (o: RecorderDO) => {
      o.sink = restore!;
    });
    expect(await runDurableObjectAlarm(recorder)).toBe(true);
    expect((await recorder.inspect()).queued).toBe(0);
    const rows = await d1Bookings(eventId);
    expect(rows).toEqual([expect.objectContaining({ id: r.body.booking.id, status: "confirmed", student_id: me.id })]);
    expect(await d1Attempts(eventId)).toHaveLength(1);
    // A second drain writes nothing twice.
    await studentDo(eventId, me.id).drain();
    expect(await d1Bookings(eventId)).toHaveLength(1);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 2 }], acknowledged: new Set([r.body.booking.id]) });
  });

  it("when the recorder cannot be reached, the student's own outbox keeps the rows and its alarm delivers them later", async () => {
    const { eventId, slot } = await setup();
    const me = await createUser();
    const stub = studentDo(eventId, me.id);
    const down = new DownSink();
    let restore: OutboxSink | undefined;
    await runInDurableObject(stub, (o: StudentDO) => {
      restore = o.sink;
      o.sink = down;
    });
    const r = await book(me.token, slot.id);
    expect(r.status).toBe(201);
    expect(await stub.drain()).toBe(2);
    expect(await d1Bookings(eventId)).toEqual([]);
    await runInDurableObject(stub, (o: StudentDO) => {
      o.sink = restore!;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await studentState(eventId, me.id)).outbox).toBe(0);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 2 }], acknowledged: new Set([r.body.booking.id]) });
    expect(await d1Attempts(eventId)).toHaveLength(1);
  });

  it("a record D1 will never take is set aside (dead letter); the rest of the batch still lands", async () => {
    const { eventId, slot } = await setup();
    const [ghost, ...others] = await createUsers(4);
    // Hold the ghost's shard while everybody books, so its records meet in one batch.
    const shard = env.RECORDER.getByName(recorderName(eventId, ghost!.id));
    let restore: OutboxSink | undefined;
    await runInDurableObject(shard, (o: RecorderDO) => {
      restore = o.sink;
      o.sink = new DownSink();
    });
    const mine = await book(ghost!.token, slot.id);
    expect(mine.status).toBe(201);
    await Promise.all(others.map((s) => book(s.token, slot.id)));
    await Promise.all([ghost!, ...others].map((s) => studentDo(eventId, s.id).drain()));
    // The ghost's account vanishes from D1: its booking row now breaks a foreign key.
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(ghost!.id).run();
    await runInDurableObject(shard, (o: RecorderDO) => {
      o.sink = restore!;
    });
    expect(await shard.drain()).toBe(0);
    expect((await shard.inspect()).deadLetters).toBe(1);
    expect(await d1Bookings(eventId, "id = ?", mine.body.booking.id)).toEqual([]);
    // Every attempt of every student (no foreign key there) made it, the ghost's included.
    expect(await d1Attempts(eventId)).toHaveLength(4);
  });

  it("keeps retrying with backoff: the alarm stays armed while D1 is away", async () => {
    const { eventId, slot } = await setup();
    const me = await createUser();
    const stub = studentDo(eventId, me.id);
    await runInDurableObject(stub, (o: StudentDO) => {
      o.sink = new DownSink();
    });
    expect((await book(me.token, slot.id)).status).toBe(201);
    for (let i = 0; i < 3; i++) expect(await runDurableObjectAlarm(stub)).toBe(true);
    const alarm = await runInDurableObject(stub, (_o: StudentDO, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    // Backoff grew: the next retry is at least 2 s away after 4+ failures.
    expect(alarm! - Date.now()).toBeGreaterThan(2000);
  });
});

/** Aborts the object (a crash: memory gone, only committed storage survives) at `step`, once. */
async function crashAt<O extends StudentDO | SlotDO>(stub: DurableObjectStub<O>, step: StudentFaultStep | SlotFaultStep) {
  await runInDurableObject(stub, (o: O, state) => {
    const hook = (s: string) => {
      if (s !== step) return;
      o.faultHook = undefined;
      state.abort(`injected crash at ${s}`);
    };
    o.faultHook = hook;
  });
}

/** Runs the StudentDO's alarm (and the recovery it does) until nothing is left to do. */
async function settle(eventId: string, userId: string) {
  const stub = studentDo(eventId, userId);
  for (let i = 0; i < 5 && (await runDurableObjectAlarm(stub)); i++);
}

const crashes: { who: "student" | "slot"; step: StudentFaultStep | SlotFaultStep }[] = [
  { who: "student", step: "held" },
  { who: "slot", step: "seated" },
  { who: "student", step: "seated" },
  { who: "student", step: "confirmed" },
];

describe("a crash between the two objects", () => {
  for (const { who, step } of crashes) {
    it(`${who} crashing at "${step}", then the client retries with its key: one booking, one seat, all stores agree`, async () => {
      const { eventId, slot } = await setup();
      const me = await createUser();
      await (who === "student" ? crashAt(studentDo(eventId, me.id), step) : crashAt(slotDo(slot.id), step));

      const first = await book(me.token, slot.id, "retry-key");
      expect([201, 503]).toContain(first.status);
      const retried = await book(me.token, slot.id, "retry-key");
      expect(retried.status).toBe(201);
      if (first.status === 201) expect(retried.body).toEqual(first.body);
      await settle(eventId, me.id);
      await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 2 }], acknowledged: new Set([retried.body.booking.id]) });
    });

    it(`${who} crashing at "${step}", nobody retries: the alarm settles the hold and every store agrees`, async () => {
      const { eventId, slot } = await setup();
      const me = await createUser();
      await (who === "student" ? crashAt(studentDo(eventId, me.id), step) : crashAt(slotDo(slot.id), step));

      const first = await book(me.token, slot.id);
      expect([201, 503]).toContain(first.status);
      await settle(eventId, me.id);
      const st = await studentState(eventId, me.id);
      expect(st.bookings.filter((b) => b.status === "pending")).toEqual([]);
      const confirmed = st.bookings.filter((b) => b.status === "confirmed").map((b) => b.id);
      // Acknowledged means kept; an unanswered attempt may have been kept or dropped, but consistently.
      if (first.status === 201) expect(confirmed).toEqual([first.body.booking.id]);
      await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 2 }], acknowledged: new Set(confirmed) });
    });
  }

  it("a crash mid-cancellation is finished by the alarm: the seat is free, the booking cancelled everywhere", async () => {
    const { eventId, slot } = await setup(1);
    const [me, next] = await createUsers(2);
    const b = await book(me!.token, slot.id);
    await crashAt(studentDo(eventId, me!.id), "cancelling");
    const del = await api("DELETE", `/bookings/${b.body.booking.id}`, { token: me!.token });
    expect([200, 503]).toContain(del.status);
    await settle(eventId, me!.id);
    const st = await studentState(eventId, me!.id);
    // The cancellation was committed before the crash, or not at all: never half-done.
    const status = st.bookings.find((x) => x.id === b.body.booking.id)?.status;
    expect(["cancelled", "confirmed"]).toContain(status);
    if (del.status === 200) expect(status).toBe("cancelled");
    const ack = status === "confirmed" ? new Set([b.body.booking.id]) : new Set<string>();
    if (status === "cancelled") {
      const theirs = await book(next!.token, slot.id);
      expect(theirs.status).toBe(201);
      ack.add(theirs.body.booking.id);
    }
    await expectInvariants({ eventId, studentIds: [me!.id, next!.id], slots: [{ id: slot.id, capacity: 1 }], acknowledged: ack });
  });

  it("a crashed hold on the last seat never blocks it for good: the seat goes to the next student after recovery", async () => {
    const { eventId, slot } = await setup(1);
    const [me, next] = await createUsers(2);
    await crashAt(slotDo(slot.id), "seated");
    const first = await book(me!.token, slot.id);
    await settle(eventId, me!.id);
    const kept = (await studentState(eventId, me!.id)).bookings.filter((b) => b.status === "confirmed");
    const theirs = await book(next!.token, slot.id);
    // Either the crashed attempt was kept (and the slot is full) or released (and the next student gets it).
    expect(theirs.status).toBe(kept.length ? 409 : 201);
    if (first.status === 201) expect(kept).toHaveLength(1);
    const ack = new Set([...kept.map((b) => b.id), ...(theirs.status === 201 ? [theirs.body.booking.id] : [])]);
    await expectInvariants({ eventId, studentIds: [me!.id, next!.id], slots: [{ id: slot.id, capacity: 1 }], acknowledged: ack });
  });
});
