// The hold in memory (DESIGN.md's booking path): a StudentDO writes nothing before asking the
// slot, so the slot checks each new seat with the student's object (slot-do.ts), a StudentDO takes
// back a seat it lost in a crash, and a refused attempt sets no alarm. Each window of that
// protocol, and the holds an earlier version wrote, checked on the stored state of both objects.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CHECK_DELAY_MS, type ParcelVerdict, type SeatCheck } from "../durable-objects/api.ts";
import type { SlotDO } from "../durable-objects/slot-do.ts";
import type { StudentDO } from "../durable-objects/student-do.ts";
import { forgetFull, knownFull } from "../worker/lib/full-slots.ts";
import { api, createCompany, createEvent, createSlots, createUser, createUsers, d1Attempts, d1Bookings, slotDo, studentDo, studentState } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

const book = (token: string, slotId: string, key?: string) =>
  api("POST", "/bookings", { token, body: { slotId }, ...(key ? { headers: { "Idempotency-Key": key } } : {}) });

async function setup(capacity = 2) {
  const eventId = await createEvent({ phase: 1 });
  const [slot] = await createSlots(eventId, await createCompany(eventId), 1, { capacity });
  return { eventId, slot: slot! };
}

/** The slot's stored seats: which are seated, which still to check. */
const storedSeats = (slotId: string) =>
  runInDurableObject(slotDo(slotId), (_o: SlotDO, state) =>
    state.storage.sql.exec<{ booking_id: string; state: string; checked: number }>("SELECT booking_id, state, checked FROM seats ORDER BY at").toArray(),
  );
const alarmOf = (stub: DurableObjectStub<SlotDO> | DurableObjectStub<StudentDO>) =>
  runInDurableObject(stub as DurableObjectStub<SlotDO>, (_o: SlotDO, state) => state.storage.getAlarm());

describe("the slot checks its new seats", () => {
  it("a booked seat is checked once: stored as checked, not asked about again, no alarm left", async () => {
    const { eventId, slot } = await setup();
    const me = await createUser();
    const r = await book(me.token, slot.id);
    expect(r.status).toBe(201);
    expect(await storedSeats(slot.id)).toEqual([{ booking_id: r.body.booking.id, state: "seated", checked: 0 }]);
    const alarm = await alarmOf(slotDo(slot.id));
    expect(alarm! - Date.now()).toBeGreaterThan(CHECK_DELAY_MS - 3000);

    let asked = 0;
    await runInDurableObject(slotDo(slot.id), (o: SlotDO) => {
      const real = o.student;
      o.student = (e, s): SeatCheck => ({ seatKept: (b) => (asked++, real(e, s).seatKept(b)) });
    });
    expect(await runDurableObjectAlarm(slotDo(slot.id))).toBe(true);
    expect(asked).toBe(1);
    expect(await storedSeats(slot.id)).toEqual([{ booking_id: r.body.booking.id, state: "seated", checked: 1 }]);
    expect(await alarmOf(slotDo(slot.id))).toBeNull();
    // Reloaded, the slot still knows it checked it.
    await evictDurableObject(slotDo(slot.id));
    expect(await alarmOf(slotDo(slot.id))).toBeNull();
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 2 }], acknowledged: new Set([r.body.booking.id]) });
  });

  it("a seat whose student is still deciding, or cannot be asked, stays and is asked again later", async () => {
    const { slot } = await setup();
    const seat = crypto.randomUUID();
    const student = crypto.randomUUID();
    expect(await slotDo(slot.id).take(seat, student, 2, Date.now(), { eventId: crypto.randomUUID() })).toMatchObject({ ok: true });
    for (const answer of [() => Promise.resolve("deciding" as const), () => Promise.reject(Object.assign(new Error("injected"), { retryable: true }))]) {
      await runInDurableObject(slotDo(slot.id), (o: SlotDO) => {
        o.student = (): SeatCheck => ({ seatKept: answer });
      });
      expect(await runDurableObjectAlarm(slotDo(slot.id))).toBe(true);
      expect(await storedSeats(slot.id)).toEqual([{ booking_id: seat, state: "seated", checked: 0 }]);
      expect(await alarmOf(slotDo(slot.id))).not.toBeNull();
    }
    // A slot woken again keeps the check where it was: never pushed later by each activation.
    const due = await alarmOf(slotDo(slot.id));
    await evictDurableObject(slotDo(slot.id));
    await new Promise((r) => setTimeout(r, 20));
    expect((await slotDo(slot.id).inspect()).seats).toHaveLength(1);
    expect(await alarmOf(slotDo(slot.id))).toBe(due);
  });

  it("a seat its student's object does not know (the object crashed after the seat) is freed, and the next student gets it", async () => {
    const { eventId, slot } = await setup(1);
    const [me, next] = await createUsers(2);
    // As if me's StudentDO had asked for the seat, then crashed before writing anything.
    const orphan = crypto.randomUUID();
    expect(await slotDo(slot.id).take(orphan, me!.id, 1, Date.now(), { eventId })).toMatchObject({ ok: true });
    expect((await book(next!.token, slot.id)).status).toBe(409);
    expect(await runDurableObjectAlarm(slotDo(slot.id))).toBe(true);
    expect(await storedSeats(slot.id)).toEqual([{ booking_id: orphan, state: "released", checked: 0 }]);
    // next's refusal made the Worker note the slot full: a seat the slot frees on its own is offered
    // once the note ends (FULL_SLOT_NOTE_MS, docs/architecture.md "Clicks on a full slot").
    while (knownFull(slot.id, next!.id, Date.now())) await new Promise((r) => setTimeout(r, 50));
    const theirs = await book(next!.token, slot.id);
    expect(theirs.status).toBe(201);
    await expectInvariants({ eventId, studentIds: [me!.id, next!.id], slots: [{ id: slot.id, capacity: 1 }], acknowledged: new Set([theirs.body.booking.id]) });
    expect((await studentState(eventId, me!.id)).bookings).toEqual([]);
  });
});

describe("a seat lost in a crash is taken back", () => {
  it("the student books the slot again: the seat the slot still holds becomes the booking, one seat, one booking", async () => {
    const { eventId, slot } = await setup(1);
    const me = await createUser();
    const orphan = crypto.randomUUID();
    expect(await slotDo(slot.id).take(orphan, me.id, 1, Date.now(), { eventId })).toMatchObject({ ok: true });
    const r = await book(me.token, slot.id, "after-crash");
    expect(r.status).toBe(201);
    expect(r.body.booking.id).toBe(orphan);
    // The retry with the same key answers the same.
    expect((await book(me.token, slot.id, "after-crash")).body).toEqual(r.body);
    // The slot's check then finds it booked.
    expect(await runDurableObjectAlarm(slotDo(slot.id))).toBe(true);
    expect(await storedSeats(slot.id)).toEqual([{ booking_id: orphan, state: "seated", checked: 1 }]);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 1 }], acknowledged: new Set([orphan]) });
    expect(await d1Bookings(eventId)).toEqual([expect.objectContaining({ id: orphan, status: "confirmed" })]);
  });

  it("never a seat the student's object already disowned: the slot frees it, the attempt is a 503, the next one books", async () => {
    const { eventId, slot } = await setup(1);
    const me = await createUser();
    const orphan = crypto.randomUUID();
    expect(await slotDo(slot.id).take(orphan, me.id, 1, Date.now(), { eventId })).toMatchObject({ ok: true });
    // The slot's check asked first (its answer still on its way back to the slot)...
    expect(await studentDo(eventId, me.id).seatKept(orphan)).toBe("unknown");
    // ...the student's object restarts meanwhile (what it said is stored, not only remembered)...
    await evictDurableObject(studentDo(eventId, me.id));
    // ...then the student clicks: the slot names the seat, which this object said was not its own.
    const r = await book(me.token, slot.id);
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe("unavailable");
    expect((await studentState(eventId, me.id)).bookings).toEqual([]);
    // The slot frees it; the next click books a seat of its own.
    expect(await runDurableObjectAlarm(slotDo(slot.id))).toBe(true);
    const again = await book(me.token, slot.id);
    expect(again.status).toBe(201);
    expect(again.body.booking.id).not.toBe(orphan);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 1 }], acknowledged: new Set([again.body.booking.id]) });
  });
});

describe("a refused attempt sets no alarm", () => {
  it("its row leaves at once; one the object owes (a caller that does not carry it) is delivered by the alarm its next activation sets", async () => {
    const { eventId, slot } = await setup(1);
    const [first, me] = await createUsers(2);
    expect((await book(first!.token, slot.id)).status).toBe(201);
    // Refused by the slot, delivered at once, no alarm set.
    expect((await book(me!.token, slot.id)).status).toBe(409);
    for (let i = 0; i < 100 && (await d1Attempts(eventId)).filter((a) => a.student_id === me!.id).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await d1Attempts(eventId)).filter((a) => a.student_id === me!.id)).toEqual([expect.objectContaining({ error_code: "slot_full" })]);
    expect(await alarmOf(studentDo(eventId, me!.id))).toBeNull();

    // The next refusal's row is the object's to deliver (outbox-linger.test.ts: callers that do
    // not carry it), and its delivery never arrives (the object goes away mid-delivery).
    await runInDurableObject(studentDo(eventId, me!.id), (o: StudentDO) => {
      o.oweRefusalRows = true;
      o.send = () => new Promise<ParcelVerdict>(() => undefined);
    });
    // This click must reach the object: the Worker's note of the full slot (full-slots.test.ts) is set
    // aside, and D1 is made to lag (its count of the slot would have the Worker ask the slot first).
    forgetFull(slot.id);
    await env.DB.prepare("UPDATE slots SET taken = 0 WHERE id = ?").bind(slot.id).run();
    expect((await book(me!.token, slot.id)).status).toBe(409);
    expect(await alarmOf(studentDo(eventId, me!.id))).toBeNull();
    await evictDurableObject(studentDo(eventId, me!.id));
    // Any call wakes it; waking, it sees the row owed and sets the alarm, which delivers it.
    expect((await studentState(eventId, me!.id)).outbox).toBe(1);
    expect(await alarmOf(studentDo(eventId, me!.id))).not.toBeNull();
    expect(await runDurableObjectAlarm(studentDo(eventId, me!.id))).toBe(true);
    expect((await d1Attempts(eventId)).filter((a) => a.student_id === me!.id)).toHaveLength(2);
    expect((await studentState(eventId, me!.id)).outbox).toBe(0);
  });
});

describe("holds written by an earlier version", () => {
  it("a pending row and its undecided keyed attempt are settled by the alarm its next activation sets; the key then answers", async () => {
    const { eventId, slot } = await setup();
    const me = await createUser();
    const id = crypto.randomUUID();
    const now = Date.now();
    // The earlier version's hold: its row, and the attempt row its key was written with.
    await runInDurableObject(studentDo(eventId, me.id), (_o: StudentDO, state) => {
      state.storage.sql.exec(
        "INSERT INTO bookings (id, slot_id, company_id, starts_at, ends_at, phase, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 'pending', ?, ?)",
        id, slot.id, slot.companyId, Date.parse(slot.startsAt), Date.parse(slot.endsAt), now, now,
      );
      state.storage.sql.exec("INSERT INTO attempts (id, idem_key, slot_id, booking_id, received_at) VALUES (?, 'old-key', ?, ?, ?)", crypto.randomUUID(), slot.id, id, now);
    });
    // Its SlotDO had seated it.
    expect(await slotDo(slot.id).take(id, me.id, 2, now, { eventId })).toMatchObject({ ok: true });
    await evictDurableObject(studentDo(eventId, me.id));
    expect((await studentState(eventId, me.id)).bookings.map((b) => b.status)).toEqual(["pending"]);
    // The slot asks meanwhile: still being decided.
    expect(await studentDo(eventId, me.id).seatKept(id)).toBe("deciding");
    expect(await alarmOf(studentDo(eventId, me.id))).not.toBeNull();
    expect(await runDurableObjectAlarm(studentDo(eventId, me.id))).toBe(true);
    expect((await studentState(eventId, me.id)).bookings.map((b) => [b.id, b.status])).toEqual([[id, "confirmed"]]);
    const retried = await book(me.token, slot.id, "old-key");
    expect(retried.status).toBe(201);
    expect(retried.body.booking.id).toBe(id);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot.id, capacity: 2 }], acknowledged: new Set([id]) });
  });
});
