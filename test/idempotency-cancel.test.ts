// Idempotency keys, and cancellation: the seat goes back, rebooking works, the deadline holds.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StudentDO } from "../durable-objects/student-do.ts";
import { KEY_TTL_MS } from "../durable-objects/student-store.ts";
import { api, createCompany, createEvent, createSlots, createUser, createUsers, d1Bookings, d1Taken, drainAll, slotState, studentDo, studentState, together } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

const book = (token: string, slotId: string, key?: string) =>
  api("POST", "/bookings", { token, body: { slotId }, ...(key ? { headers: { "Idempotency-Key": key } } : {}) });

describe("idempotency keys", () => {
  it("10 parallel requests with one key make one booking and ten identical answers", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const me = await createUser();
    const answers = await together(10, () => book(me.token, slot!.id, "key-1"));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const st = await studentState(eventId, me.id);
    expect(st.bookings).toHaveLength(1);
    expect((await slotState(slot!.id)).taken).toBe(1);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot!.id, capacity: 2 }], acknowledged: new Set([answers[0]!.body.booking.id]) });
  });

  it("a key replays a refusal too, and the same key on another slot is 422 idempotency_conflict", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [a, b] = await createSlots(eventId, await createCompany(eventId), 2, { capacity: 1 });
    const [me, rival] = await createUsers(2);
    expect((await book(rival!.token, a!.id)).status).toBe(201);
    const r1 = await book(me!.token, a!.id, "k");
    expect(r1.body.error.code).toBe("slot_full");
    const r2 = await book(me!.token, a!.id, "k");
    expect(r2).toMatchObject({ status: 409, body: r1.body });
    const r3 = await book(me!.token, b!.id, "k");
    expect(r3.status).toBe(422);
    expect(r3.body.error.code).toBe("idempotency_conflict");
    expect((await slotState(b!.id)).seats).toEqual([]);
    // Without the key, the other slot books fine.
    expect((await book(me!.token, b!.id)).status).toBe(201);
  });

  it("keys belong to one student: another student's identical key is independent", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const [x, y] = await createUsers(2);
    const rx = await book(x!.token, slot!.id, "shared");
    const ry = await book(y!.token, slot!.id, "shared");
    expect([rx.status, ry.status]).toEqual([201, 201]);
    expect(rx.body.booking.id).not.toBe(ry.body.booking.id);
  });

  it("a key answers for 24 hours; after that it is forgotten (a new request with it is a new attempt) and its row is pruned", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [a] = await createSlots(eventId, await createCompany(eventId), 1);
    const [, b] = await createSlots(eventId, await createCompany(eventId), 2);
    const me = await createUser();
    expect((await book(me.token, a!.id, "day-old")).status).toBe(201);
    await drainAll(eventId, [me.id]);
    const stub = studentDo(eventId, me.id);
    await runInDurableObject(stub, (_o: StudentDO, state) => {
      state.storage.sql.exec("UPDATE attempts SET received_at = received_at - ?", KEY_TTL_MS + 60_000);
    });
    await evictDurableObject(stub);
    // Remembered, it would be 422 idempotency_conflict (another slot); forgotten, it books.
    expect((await book(me.token, b!.id, "day-old")).status).toBe(201);
    await drainAll(eventId, [me.id]);
    const kept = await runInDurableObject(studentDo(eventId, me.id), (_o: StudentDO, state) =>
      state.storage.sql.exec<{ slot_id: string }>("SELECT slot_id FROM attempts WHERE idem_key = 'day-old'").toArray(),
    );
    expect(kept).toEqual([{ slot_id: b!.id }]);
  });

  it("rejects a malformed key with 400 and books nothing", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const me = await createUser();
    const r = await book(me.token, slot!.id, "x".repeat(200));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("validation_failed");
    expect((await slotState(slot!.id)).seats).toEqual([]);
  });
});

describe("cancellation", () => {
  it("frees the seat for someone else, and the D1 record follows", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1, { capacity: 1 });
    const [me, next] = await createUsers(2);
    const mine = await book(me!.token, slot!.id);
    expect((await book(next!.token, slot!.id)).body.error.code).toBe("slot_full");
    const del = await api("DELETE", `/bookings/${mine.body.booking.id}`, { token: me!.token });
    expect(del.status).toBe(200);
    expect(del.body.booking).toMatchObject({ id: mine.body.booking.id, status: "cancelled" });
    const theirs = await book(next!.token, slot!.id);
    expect(theirs.status).toBe(201);
    await expectInvariants({ eventId, studentIds: [me!.id, next!.id], slots: [{ id: slot!.id, capacity: 1 }], acknowledged: new Set([theirs.body.booking.id]) });
    expect((await d1Bookings(eventId, "id = ?", mine.body.booking.id))[0]?.status).toBe("cancelled");
    // The student's list hides cancelled bookings unless asked.
    expect((await api("GET", "/bookings", { token: me!.token })).body.bookings).toEqual([]);
    expect((await api("GET", "/bookings?all=1", { token: me!.token })).body.bookings).toMatchObject([{ status: "cancelled" }]);
  });

  it("cancel then rebook the same slot works, and a cancelled phase-1 booking frees its phase-1 cap", async () => {
    const eventId = await createEvent({ phase: 1, maxBookingsPhase1: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const me = await createUser();
    const first = await book(me.token, slot!.id);
    await api("DELETE", `/bookings/${first.body.booking.id}`, { token: me.token });
    const again = await book(me.token, slot!.id);
    expect(again.status).toBe(201);
    expect(again.body.booking.id).not.toBe(first.body.booking.id);
    const st = await slotState(slot!.id);
    expect(st.taken).toBe(1);
    expect(st.seats.find((s) => s.state === "seated")?.bookingId).toBe(again.body.booking.id);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot!.id, capacity: 2 }], acknowledged: new Set([again.body.booking.id]) });
  });

  it("cancelling twice answers the same cancelled booking; parallel cancels release one seat", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const me = await createUser();
    const b = await book(me.token, slot!.id);
    const answers = await together(5, () => api("DELETE", `/bookings/${b.body.booking.id}`, { token: me.token }));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(200));
    expect((await slotState(slot!.id)).taken).toBe(0);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot!.id, capacity: 2 }], acknowledged: new Set() });
    expect(await d1Taken(slot!.id)).toBe(0);
  });

  it("after the deadline, cancelling is refused (409 cancel_deadline_passed) and the booking stays", async () => {
    const eventId = await createEvent({ phase: 1, cancelDeadline: new Date(Date.now() + 3_600_000).toISOString() });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const me = await createUser();
    const b = await book(me.token, slot!.id);
    const { env } = await import("cloudflare:workers");
    await env.DB.prepare("UPDATE events SET cancel_deadline = ? WHERE id = ?").bind(new Date(Date.now() - 1000).toISOString(), eventId).run();
    const r = await api("DELETE", `/bookings/${b.body.booking.id}`, { token: me.token });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("cancel_deadline_passed");
    expect((await slotState(slot!.id)).taken).toBe(1);
    await expectInvariants({ eventId, studentIds: [me.id], slots: [{ id: slot!.id, capacity: 2 }], acknowledged: new Set([b.body.booking.id]) });
  });

  it("nobody cancels another student's booking: 404, and the booking stays", async () => {
    const eventId = await createEvent({ phase: 1 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const [me, other] = await createUsers(2);
    const b = await book(me!.token, slot!.id);
    const r = await api("DELETE", `/bookings/${b.body.booking.id}`, { token: other!.token });
    expect(r.status).toBe(404);
    expect((await slotState(slot!.id)).taken).toBe(1);
    expect((await api("GET", "/bookings", { token: me!.token })).body.bookings).toHaveLength(1);
  });
});
