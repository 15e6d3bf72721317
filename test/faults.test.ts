// Faults between the pieces: D1 away while bookings are confirmed, a record D1 will never take,
// and an object crashing after each commit of hold → seat → confirm → delivery (and of a
// cancellation). Whatever happens, once retries and alarms have run: no seat without a booking,
// no booking without a seat, no hold left, nothing acknowledged lost, nothing doubled in D1.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Parcel, SlotFaultStep, StudentFaultStep } from "../durable-objects/api.ts";
import type { D1Writer } from "../durable-objects/d1-sink.ts";
import type { RecorderDO, RecorderFaultStep } from "../durable-objects/recorder-do.ts";
import type { SlotDO } from "../durable-objects/slot-do.ts";
import type { StudentDO } from "../durable-objects/student-do.ts";
import { recorderShard, recorderStub } from "../worker/lib/objects.ts";
import { api, createCompany, createEvent, createSlots, createUser, createUsers, d1Attempts, d1Bookings, slotDo, studentDo, studentState } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

const book = (token: string, slotId: string, key?: string) =>
  api("POST", "/bookings", { token, body: { slotId }, ...(key ? { headers: { "Idempotency-Key": key } } : {}) });

/** A D1 that refuses every write, counting the tries. */
class DownSink implements D1Writer {
  tries = 0;
  async write(): Promise<void> {
    this.tries++;
    throw new Error("D1_ERROR: injected outage");
  }
}

async function setup(capacity = 2) {
  const eventId = await createEvent({ phase: 1 });
  const [slot] = await createSlots(eventId, await createCompany(eventId), 1, { capacity });
  return { eventId, slot: slot! };
}

const recorderOf = (eventId: string, studentId: string) => recorderStub(env, eventId, recorderShard(studentId));

/** Swaps the D1 writer of a recorder; returns a function that puts the real one back. */
async function swapSink(eventId: string, studentId: string, sink: D1Writer): Promise<() => Promise<void>> {
  const stub = recorderOf(eventId, studentId);
  let real: D1Writer | undefined;
  await runInDurableObject(stub, (o: RecorderDO) => {
    real = o.sink;
    o.sink = sink;
  });
  return () => runInDurableObject(stub, (o: RecorderDO) => void (o.sink = real!));
}

/** Runs a StudentDO's alarm until nothing is left to do (at most `max` times). */
async function settle(eventId: string, userId: string, slotId?: string, max = 5) {
  const stub = studentDo(eventId, userId);
  for (let i = 0; i < max && (await runDurableObjectAlarm(stub)); i++);
  // The slot checks its new seats: one its student does not know is freed.
  if (slotId) for (let i = 0; i < max && (await runDurableObjectAlarm(slotDo(slotId))); i++);
}

describe("D1 failing while bookings are confirmed", () => {
  it("confirms anyway; the student keeps the rows owed, and its alarm writes them once D1 is back: nothing lost, nothing doubled", async () => {
    const { eventId, slot } = await setup();
    const me = await createUser();
    const down = new DownSink();
    const restore = await swapSink(eventId, me.id, down);

    const r = await book(me.token, slot.id);
    expect(r.status).toBe(201);
    expect(await studentDo(eventId, me.id).drain()).toBe(2); // the booking and its attempt, still owed
    expect(down.tries).toBeGreaterThan(0);
    expect(await d1Bookings(eventId)).toEqual([]);
    // The alarm retries while D1 is down, without losing anything.
    expect(await runDurableObjectAlarm(studentDo(eventId, me.id))).toBe(true);
    expect((await studentState(eventId, me.id)).outbox).toBe(2);

    await restore();
    await settle(eventId, me.id);
    expect((await studentState(eventId, me.id)).outbox).toBe(0);
    expect(await d1Bookings(eventId)).toEqual([expect.objectContaining({ id: r.body.booking.id, status: "confirmed", student_id: me.id })]);
    expect(await d1Attempts(eventId)).toHaveLength(1);
    // A second drain writes nothing twice.
    await studentDo(eventId, me.id).drain();
    expect(await d1Bookings(eventId)).toHaveLength(1);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 2 }], acknowledged: new Set([r.body.booking.id]) });
  });

  it("when the recorder cannot be reached, the rows stay owed and the student's alarm delivers them later", async () => {
    const { eventId, slot } = await setup();
    const me = await createUser();
    const stub = studentDo(eventId, me.id);
    await runInDurableObject(stub, (o: StudentDO) => {
      o.send = async () => {
        throw new Error("recorder unreachable (injected)");
      };
    });
    const r = await book(me.token, slot.id);
    expect(r.status).toBe(201);
    expect(await stub.drain()).toBe(2);
    expect(await d1Bookings(eventId)).toEqual([]);
    await runInDurableObject(stub, (o: StudentDO) => {
      const recorder = recorderOf(eventId, me.id);
      o.send = (p: Parcel) => recorder.append(p);
    });
    await settle(eventId, me.id);
    expect((await studentState(eventId, me.id)).outbox).toBe(0);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 2 }], acknowledged: new Set([r.body.booking.id]) });
    expect(await d1Attempts(eventId)).toHaveLength(1);
  });

  it("backs off: a new booking does not start a delivery while D1 is away, and the alarm's delay grows", async () => {
    const { eventId, slot } = await setup();
    const [, later] = await createSlots(eventId, await createCompany(eventId), 2);
    const me = await createUser();
    const down = new DownSink();
    await swapSink(eventId, me.id, down);
    expect((await book(me.token, slot.id)).status).toBe(201);
    await studentDo(eventId, me.id).drain();
    const tries = down.tries;
    // Backing off: the second booking is kept, but no delivery starts before the alarm.
    expect((await book(me.token, later!.id)).status).toBe(201);
    expect(down.tries).toBe(tries);
    for (let i = 0; i < 3; i++) expect(await runDurableObjectAlarm(studentDo(eventId, me.id))).toBe(true);
    expect(down.tries).toBe(tries + 3);
    const alarm = await runInDurableObject(studentDo(eventId, me.id), (_o: StudentDO, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    // Five failures: the next try is at least 4 s away (0.5 s doubling).
    expect(alarm! - Date.now()).toBeGreaterThan(3000);
  });

  it("a record D1 will never take is retried a few times with backoff, then set aside and reported; the rest of the batch lands", async () => {
    const { eventId, slot } = await setup();
    const company = await createCompany(eventId);
    const others = await createSlots(eventId, company, 3);
    const [ghost, ...rest] = await createUsers(4);
    // Hold the recorders' writes (each shard once) so that the parcels meet in as few batches as possible.
    const shards = new Map([ghost!, ...rest].map((s) => [recorderShard(s.id), s.id]));
    const restores = await Promise.all([...shards.values()].map((id) => swapSink(eventId, id, new DownSink())));
    const mine = await book(ghost!.token, slot.id);
    expect(mine.status).toBe(201);
    const theirs = await Promise.all(rest.map((s, i) => book(s.token, others[i]!.id)));
    expect(theirs.map((t) => t.status)).toEqual([201, 201, 201]);
    // The ghost's account vanishes from D1: its booking row now breaks a foreign key.
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(ghost!.id).run();
    for (const restore of restores) await restore();
    await Promise.all([ghost!, ...rest].map((s) => studentDo(eventId, s.id).drain()));
    expect(await d1Bookings(eventId)).toHaveLength(3);
    expect(await d1Attempts(eventId)).toHaveLength(4);
    // Refused once: retried after its backoff, twice more, then a dead letter.
    for (const waitMs of [600, 1100]) {
      await new Promise((r) => setTimeout(r, waitMs));
      await runDurableObjectAlarm(studentDo(eventId, ghost!.id));
    }
    const st = await studentState(eventId, ghost!.id);
    expect(st.deadLetters).toBe(1);
    expect(st.outbox).toBe(0);
    const admin = await createUser({ role: "admin" });
    const report = await api("POST", "/admin/reconcile", { token: admin.token, body: {} });
    expect(report.body.drifts).toContainEqual(expect.objectContaining({ kind: "dead_letter", studentId: ghost!.id, fixable: false }));
  });
});

/** Aborts the object (a crash: memory gone, only committed storage survives) at `step`, once. */
async function crashAt<O extends StudentDO | SlotDO | RecorderDO>(stub: DurableObjectStub<O>, step: StudentFaultStep | SlotFaultStep | RecorderFaultStep) {
  await runInDurableObject(stub, (o: O, state) => {
    o.faultHook = (s: string) => {
      if (s !== step) return;
      o.faultHook = undefined;
      state.abort(`injected crash at ${s}`);
    };
  });
}

type Who = "student" | "slot" | "recorder";
const crashes: { who: Who; step: StudentFaultStep | SlotFaultStep | RecorderFaultStep }[] = [
  { who: "student", step: "held" },
  { who: "slot", step: "seated" },
  { who: "student", step: "seated" },
  { who: "student", step: "confirmed" },
  { who: "student", step: "delivered" },
  { who: "recorder", step: "written" },
];

async function crashIn(who: Who, step: (typeof crashes)[number]["step"], eventId: string, slotId: string, userId: string) {
  if (who === "student") await crashAt(studentDo(eventId, userId), step);
  else if (who === "slot") await crashAt(slotDo(slotId), step);
  else await crashAt(recorderOf(eventId, userId), step);
}

/**
 * A crash "delivered" happens after the answer, while the outbox delivers: wait for it (the
 * delivery under way fails with the crash) so that it does not strike the test's next call.
 */
async function afterBackgroundCrash(who: Who, step: string, eventId: string, userId: string) {
  if (who === "student" && step === "delivered") await studentDo(eventId, userId).drain().catch(() => undefined);
}

/** D1 holds each booking once and exactly `attempts` attempt rows, counted once in the monitor's aggregate. */
async function expectD1Exact(eventId: string, attempts: number) {
  expect(await d1Attempts(eventId)).toHaveLength(attempts);
  const counted = await env.DB.prepare("SELECT coalesce(sum(attempts), 0) AS n FROM attempt_stats WHERE event_id = ?").bind(eventId).first<number>("n");
  expect(counted).toBe(attempts);
}

describe("a crash between the objects", () => {
  for (const { who, step } of crashes) {
    it(`${who} crashing at "${step}", then the client retries with its key: one booking, one seat, all stores agree`, async () => {
      const { eventId, slot } = await setup();
      const me = await createUser();
      await crashIn(who, step, eventId, slot.id, me.id);

      const first = await book(me.token, slot.id, "retry-key");
      expect([201, 503]).toContain(first.status);
      await afterBackgroundCrash(who, step, eventId, me.id);
      const retried = await book(me.token, slot.id, "retry-key");
      expect(retried.status).toBe(201);
      if (first.status === 201) expect(retried.body).toEqual(first.body);
      await settle(eventId, me.id, slot.id);
      await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 2 }], acknowledged: new Set([retried.body.booking.id]) });
      // One attempt per request that reached a decision (a crashed one may have left none).
      expect((await d1Attempts(eventId)).length).toBeGreaterThanOrEqual(1);
      await expectD1Exact(eventId, (await d1Attempts(eventId)).length);
    });

    it(`${who} crashing at "${step}", nobody retries: the alarms (the student's, the slot's check) settle it and every store agrees`, async () => {
      const { eventId, slot } = await setup();
      const me = await createUser();
      await crashIn(who, step, eventId, slot.id, me.id);

      const first = await book(me.token, slot.id);
      expect([201, 503]).toContain(first.status);
      await afterBackgroundCrash(who, step, eventId, me.id);
      await settle(eventId, me.id, slot.id);
      const st = await studentState(eventId, me.id);
      expect(st.bookings.filter((b) => b.status === "pending")).toEqual([]);
      const confirmed = st.bookings.filter((b) => b.status === "confirmed").map((b) => b.id);
      // Acknowledged means kept; an unanswered attempt may have been kept or dropped, but consistently.
      if (first.status === 201) expect(confirmed).toEqual([first.body.booking.id]);
      await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 2 }], acknowledged: new Set(confirmed) });
      // A student crashing before its decision's commit leaves no trace at all (its hold was in
      // memory, and the client saw no answer either); any other crash leaves the one attempt.
      const attempts = (await d1Attempts(eventId)).length;
      if (who === "student" && step !== "delivered" && first.status !== 201) expect(attempts).toBeLessThanOrEqual(1);
      else expect(attempts).toBe(1);
      await expectD1Exact(eventId, attempts);
    });
  }

  for (const step of ["cancelling", "released"] as const) {
    it(`a crash mid-cancellation ("${step}") is finished by the alarm: the seat is free, the booking cancelled everywhere`, async () => {
      const { eventId, slot } = await setup(1);
      const [me, next] = await createUsers(2);
      const b = await book(me!.token, slot.id);
      await crashAt(studentDo(eventId, me!.id), step);
      const del = await api("DELETE", `/bookings/${b.body.booking.id}`, { token: me!.token });
      expect([200, 503]).toContain(del.status);
      await settle(eventId, me!.id, slot.id);
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
  }

  it("a crashed hold on the last seat never blocks it for good: the seat goes to the next student after recovery", async () => {
    const { eventId, slot } = await setup(1);
    const [me, next] = await createUsers(2);
    await crashAt(slotDo(slot.id), "seated");
    const first = await book(me!.token, slot.id);
    await settle(eventId, me!.id, slot.id);
    const kept = (await studentState(eventId, me!.id)).bookings.filter((b) => b.status === "confirmed");
    const theirs = await book(next!.token, slot.id);
    // Either the crashed attempt was kept (and the slot is full) or released (and the next student gets it).
    expect(theirs.status).toBe(kept.length ? 409 : 201);
    if (first.status === 201) expect(kept).toHaveLength(1);
    const ack = new Set([...kept.map((b) => b.id), ...(theirs.status === 201 ? [theirs.body.booking.id] : [])]);
    await expectInvariants({ eventId, studentIds: [me!.id, next!.id], slots: [{ id: slot.id, capacity: 1 }], acknowledged: ack });
  });
});

describe("late and stale calls to a slot", () => {
  it("a take arriving after its hold's time-to-live is refused, so a pruned tombstone can never let it seat", async () => {
    const { slot } = await setup();
    const stale = Date.now() - 31_000;
    expect(await slotDo(slot.id).take(crypto.randomUUID(), crypto.randomUUID(), 2, stale)).toMatchObject({ ok: false, code: "released" });
    expect((await slotDo(slot.id).inspect()).seats).toEqual([]);
  });

  it("tombstones older than the bound are pruned when the next one is written; seats are never pruned", async () => {
    const { slot } = await setup();
    const stub = slotDo(slot.id);
    const seated = crypto.randomUUID();
    expect(await stub.take(seated, "s1", 2, Date.now())).toMatchObject({ ok: true });
    await stub.settle("old-hold", "s2");
    await runInDurableObject(stub, (_o: SlotDO, state) => {
      state.storage.sql.exec("UPDATE seats SET at = at - 200000");
    });
    await evictDurableObject(stub);
    await stub.settle("new-hold", "s3");
    const seats = (await stub.inspect()).seats.map((s) => s.bookingId).sort();
    expect(seats).toEqual([seated, "new-hold"].sort());
  });
});
