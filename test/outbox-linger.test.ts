// A refused click's attempt row waits (REFUSAL_LINGER_SECONDS) for the student's next clicks, so
// that a herd's refusals share deliveries instead of one each (durable-objects/outbox.ts `later`).
// What must hold: bookings never wait and take the waiting rows along; the timer delivers on its
// own; no alarm is armed for waiting rows (that write per click is what the wait saves), even when
// another delivery settles meanwhile; a crash while rows wait loses nothing: the next activation's
// alarm delivers them; drain delivers them at once.
// The Worker's booking route carries its refusals' rows itself (BookInput.carry, last describe):
// the rows waiting here are those of callers that do not (a draw); `setUp` makes the route's
// clicks such calls.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Parcel, ParcelVerdict } from "../durable-objects/api.ts";
import { RECOVERY_DELAY_MS, type StudentDO } from "../durable-objects/student-do.ts";
import { api, createCompany, createEvent, createSlots, createUser, d1Attempts, d1Bookings, refusalRowsWritten, studentDo, type UserFixture } from "./helpers.ts";

/** One company (a booking per company): the first click books, every later one is refused by the rules. */
async function setUp(lingerMs: number) {
  const eventId = await createEvent({ phase: 1, maxBookingsPerCompany: 1 });
  const slots = await createSlots(eventId, await createCompany(eventId), 5);
  const student = await createUser();
  const parcels: Parcel[] = [];
  // A stub per call: one that saw its object crash stays broken.
  const stub = () => studentDo(eventId, student.id);
  await runInDurableObject(stub(), (o: StudentDO) => {
    o.lingerMs = lingerMs;
    // The object owes these clicks' rows, as for a caller that does not carry them.
    o.oweRefusalRows = true;
    const send = o.send;
    o.send = (p) => {
      parcels.push(p);
      return send(p);
    };
  });
  const click = (i: number) => api("POST", "/bookings", { token: student.token, body: { slotId: slots[i]!.id } });
  const alarm = () => runInDurableObject(stub(), (_o: StudentDO, state) => state.storage.getAlarm());
  return { eventId, slots, student, stub, parcels, click, alarm };
}

const attemptRows = (ps: Parcel[]) => ps.map((p) => (JSON.parse(p.attempts) as unknown[]).length);

async function until<T>(read: () => Promise<T>, done: (x: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const x = await read();
    if (done(x) || Date.now() > deadline) return x;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const codes = async (eventId: string, s: UserFixture) =>
  (await d1Attempts(eventId))
    .filter((a) => a.student_id === s.id)
    .map((a) => a.error_code ?? "ok")
    .sort();

describe("refusal rows wait for company", () => {
  it("three refusals wait together, no alarm armed; the next booking delivers them with it in one parcel", async () => {
    const t = await setUp(60_000);
    expect((await t.click(0)).status).toBe(201);
    await until(() => codes(t.eventId, t.student), (c) => c.length === 1);
    const refused = [await t.click(1), await t.click(2), await t.click(3)];
    expect(refused.map((r) => r.status)).toEqual([409, 409, 409]);
    expect((await t.stub().inspect()).outbox).toBe(3);
    expect(await t.alarm()).toBeNull();
    expect(await codes(t.eventId, t.student)).toEqual(["ok"]);
    expect(attemptRows(t.parcels)).toEqual([1]);

    // The student cancels (a booking change): everything owed leaves at once, in one parcel.
    const booking = (await api("GET", "/bookings", { token: t.student.token })).body.bookings[0];
    expect((await api("DELETE", `/bookings/${booking.id}`, { token: t.student.token })).status).toBe(200);
    const codesAfter = await until(() => codes(t.eventId, t.student), (c) => c.length === 4);
    expect(codesAfter).toHaveLength(4);
    expect(codesAfter.filter((c) => c === "ok")).toHaveLength(1);
    expect(t.parcels).toHaveLength(2);
    expect(attemptRows(t.parcels)).toEqual([1, 3]);
    expect(JSON.parse(t.parcels[1]!.bookings)).toHaveLength(1);
    expect(await d1Bookings(t.eventId, "status = 'cancelled'")).toHaveLength(1);
    expect((await t.stub().inspect()).outbox).toBe(0);
  });

  it("the timer delivers waiting rows on its own, in one parcel", async () => {
    const t = await setUp(400);
    expect((await t.click(0)).status).toBe(201);
    await until(() => codes(t.eventId, t.student), (c) => c.length === 1);
    expect((await t.click(1)).status).toBe(409);
    expect((await t.click(2)).status).toBe(409);
    expect(await t.alarm()).toBeNull();
    const after = await until(() => codes(t.eventId, t.student), (c) => c.length === 3);
    expect(after).toHaveLength(3);
    expect(attemptRows(t.parcels)).toEqual([1, 2]);
    expect((await t.stub().inspect()).outbox).toBe(0);
    expect(await t.alarm()).toBeNull();
  });

  it("a refusal while a booking's delivery is in flight waits: the delivery settling arms no alarm for it", async () => {
    const t = await setUp(60_000);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await runInDurableObject(t.stub(), (o: StudentDO) => {
      const send = o.send;
      o.send = async (p) => {
        await held;
        return send(p);
      };
    });
    expect((await t.click(0)).status).toBe(201);
    // The booking's safety net is armed while its delivery is held.
    expect(await t.alarm()).not.toBeNull();
    expect((await t.click(1)).status).toBe(409);
    release();
    await until(() => codes(t.eventId, t.student), (c) => c.length === 1);
    const state = await until(() => t.stub().inspect(), (s) => s.outbox === 1);
    expect(state.outbox).toBe(1);
    // Cleared as the booking's delivery settles (well before its safety net's 5 s would run it).
    expect(await until(() => t.alarm(), (a) => a === null, 1_500)).toBeNull();
    expect((await t.stub().inspect()).outbox).toBe(1);
    expect(await t.stub().drain()).toBe(0);
    expect(await codes(t.eventId, t.student)).toHaveLength(2);
  });

  it("a crash while rows wait: the next activation arms the alarm, which delivers them", async () => {
    const t = await setUp(60_000);
    expect((await t.click(0)).status).toBe(201);
    await until(() => codes(t.eventId, t.student), (c) => c.length === 1);
    const before = Date.now();
    expect((await t.click(1)).status).toBe(409);
    expect((await t.click(2)).status).toBe(409);
    // The next click (another company's slot) crashes the object once its hold is taken.
    const [other] = await createSlots(t.eventId, await createCompany(t.eventId), 1, { firstStart: Date.parse(t.slots[4]!.endsAt) + 3_600_000 });
    await runInDurableObject(t.stub(), (o: StudentDO, state) => {
      o.faultHook = (step) => {
        if (step !== "held") return;
        o.faultHook = undefined;
        state.abort("injected crash while refusal rows wait");
      };
    });
    const crashed = await api("POST", "/bookings", { token: t.student.token, body: { slotId: other!.id } });
    expect(crashed.status).toBeGreaterThanOrEqual(500);
    // The next call activates the object again (its outbox as the crash left it).
    expect((await t.stub().inspect()).outbox).toBe(2);
    const at = await t.alarm();
    expect(at).not.toBeNull();
    expect(at!).toBeGreaterThanOrEqual(before);
    expect(at!).toBeLessThanOrEqual(Date.now() + RECOVERY_DELAY_MS);
    expect(await runDurableObjectAlarm(t.stub())).toBe(true);
    expect((await t.stub().inspect()).outbox).toBe(0);
    expect(await codes(t.eventId, t.student)).toHaveLength(3);
    expect(attemptRows(t.parcels)).toEqual([1]);
    expect(await d1Bookings(t.eventId, "status = 'confirmed'")).toHaveLength(1);
  });

  it("drain delivers waiting rows at once", async () => {
    const t = await setUp(60_000);
    expect((await t.click(0)).status).toBe(201);
    await until(() => codes(t.eventId, t.student), (c) => c.length === 1);
    expect((await t.click(1)).status).toBe(409);
    expect(await t.stub().drain()).toBe(0);
    expect(await codes(t.eventId, t.student)).toHaveLength(2);
    expect(attemptRows(t.parcels)).toEqual([1, 1]);
  });
});

describe("reconcile and waiting rows", () => {
  it("refusal rows waiting on purpose are no backlog; the same rows held back by a failing delivery are", async () => {
    const t = await setUp(60_000);
    const admin = await createUser({ role: "admin" });
    expect((await t.click(0)).status).toBe(201);
    await until(() => codes(t.eventId, t.student), (c) => c.length === 1);
    expect((await t.click(1)).status).toBe(409);
    expect((await t.click(2)).status).toBe(409);
    expect(await t.stub().inspect()).toMatchObject({ outbox: 2, waiting: 2 });
    const onTime = await api("POST", "/admin/reconcile", { token: admin.token, body: {} });
    expect(onTime.status).toBe(200);
    expect(onTime.body.drifts).toEqual([]);

    // D1 away: the delivery fails, the outbox backs off, the rows are late now.
    await runInDurableObject(t.stub(), (o: StudentDO) => {
      o.send = async () => ({ ok: false, error: "D1 unavailable (injected)" });
    });
    expect(await t.stub().drain()).toBe(2);
    expect(await t.stub().inspect()).toMatchObject({ outbox: 2, waiting: 0 });
    const late = await api("POST", "/admin/reconcile", { token: admin.token, body: {} });
    expect(late.body.drifts).toEqual([expect.objectContaining({ kind: "outbox_backlog", studentId: t.student.id, do: "2 write(s) waiting" })]);
  });
});

describe("refusal rows the Worker carries", () => {
  it("a refusal answered through the booking route: its row leaves with the isolate's parcel, the object owes nothing and keeps a keyed row for its key only", async () => {
    const eventId = await createEvent({ phase: 1, maxBookingsPerCompany: 1 });
    const slots = await createSlots(eventId, await createCompany(eventId), 3);
    const student = await createUser();
    const stub = () => studentDo(eventId, student.id);
    let parcels = 0;
    await runInDurableObject(stub(), (o: StudentDO) => {
      const send = o.send;
      o.send = (p) => {
        parcels++;
        return send(p);
      };
    });
    const click = (i: number, key?: string) =>
      api("POST", "/bookings", { token: student.token, body: { slotId: slots[i]!.id }, ...(key ? { headers: { "Idempotency-Key": key } } : {}) });
    expect((await click(0)).status).toBe(201);
    await until(() => stub().inspect(), (s) => s.outbox === 0);
    const refused = await click(1, "k-1");
    expect(refused.status).toBe(409);
    expect((await click(2)).status).toBe(409);
    // Nothing owed, no timer or alarm for them; only the booking went through the object's outbox.
    expect(await stub().inspect()).toMatchObject({ outbox: 0, waiting: 0 });
    expect(await runInDurableObject(stub(), (_o: StudentDO, state) => state.storage.getAlarm())).toBeNull();
    expect(parcels).toBe(1);
    await refusalRowsWritten();
    expect(await codes(eventId, student)).toEqual(["company_already_booked", "company_already_booked", "ok"]);
    // Stored here: the keyed refusal's row (to answer its key), not the unkeyed one.
    const stored = await runInDurableObject(stub(), (_o: StudentDO, state) =>
      state.storage.sql.exec<{ idem_key: string | null; code: string }>("SELECT idem_key, code FROM attempts WHERE code != 'ok'").toArray(),
    );
    expect(stored).toEqual([{ idem_key: "k-1", code: "company_already_booked" }]);
    // The key answers the same, without a new attempt row.
    const again = await click(1, "k-1");
    expect(again.status).toBe(409);
    expect(again.body).toEqual(refused.body);
    await refusalRowsWritten();
    expect(await codes(eventId, student)).toHaveLength(3);
  });
});
