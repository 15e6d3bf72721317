// The office cancels or moves a booking at any time (past the deadline, after the start), with a
// reason, through the StudentDO and SlotDO path: every invariant holds on the stored state, the
// caps are respected unless explicitly overridden, and every action leaves its audit row. A
// recruiter releases a seat of their own company the same way.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser, createUsers, drainAll, slotState, together, updateEvent } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

const HOUR = 3_600_000;
const book = (token: string, slotId: string) => api("POST", "/bookings", { token, body: { slotId } });
const auditOf = async (action: string, targetId: string) =>
  (await env.DB.prepare("SELECT actor_id, after FROM audit_log WHERE action = ? AND target_id = ?").bind(action, targetId).all<{ actor_id: string; after: string }>()).results;
const record = (id: string) => env.DB.prepare("SELECT status, cancelled_by, cancel_reason FROM bookings WHERE id = ?").bind(id).first();

async function day() {
  const eventId = await createEvent({ phase: 2 });
  const admin = await createUser({ role: "admin" });
  const [a, b] = [await createCompany(eventId), await createCompany(eventId)];
  const slotsA = await createSlots(eventId, a, 3);
  const slotsB = await createSlots(eventId, b, 3, { firstStart: Date.parse(slotsA[2]!.endsAt) + HOUR });
  return { eventId, admin, a, b, slotsA, slotsB, all: [...slotsA, ...slotsB].map((s) => ({ id: s.id, capacity: 2 })) };
}
const pastDeadline = (eventId: string) => updateEvent(eventId, { cancel_deadline: new Date(Date.now() - 60_000).toISOString() });

describe("the office cancels", () => {
  it("past the deadline, with a reason: seat freed, cancelled_by office, audited, every invariant kept", async () => {
    const { eventId, admin, slotsA, all } = await day();
    const [me] = await createUsers(1);
    const b = (await book(me!.token, slotsA[0]!.id)).body.booking;
    await pastDeadline(eventId);
    expect((await api("DELETE", `/bookings/${b.id}`, { token: me!.token })).body.error.code).toBe("cancel_deadline_passed");
    await drainAll(eventId, [me!.id]);
    const r = await api("POST", `/admin/bookings/${b.id}/cancel`, { token: admin.token, body: { reason: "sick, called the desk" } });
    expect(r.status).toBe(200);
    expect(r.body.booking).toMatchObject({ id: b.id, status: "cancelled" });
    // Read back from D1 at once, as the desk does: the cancellation is there.
    expect(await record(b.id)).toEqual({ status: "cancelled", cancelled_by: "office", cancel_reason: "sick, called the desk" });
    expect((await slotState(slotsA[0]!.id)).taken).toBe(0);
    await expectInvariants({ eventId, studentIds: [me!.id], slots: all, acknowledged: new Set() });
    expect(await record(b.id)).toEqual({ status: "cancelled", cancelled_by: "office", cancel_reason: "sick, called the desk" });
    const [entry] = await auditOf("booking.cancel", b.id);
    expect(entry?.actor_id).toBe(admin.id);
    expect(JSON.parse(entry!.after)).toMatchObject({ by: "office", reason: "sick, called the desk" });
    expect((await api("GET", "/bookings?all=1", { token: me!.token })).body.bookings[0]).toMatchObject({ status: "cancelled", cancelledBy: "office", cancelReason: "sick, called the desk" });
  });

  it("needs a reason, and is the office's only", async () => {
    const { eventId, admin, slotsA } = await day();
    const [me] = await createUsers(1);
    const b = (await book(me!.token, slotsA[0]!.id)).body.booking;
    await drainAll(eventId, [me!.id]);
    expect((await api("POST", `/admin/bookings/${b.id}/cancel`, { token: admin.token, body: { reason: " " } })).status).toBe(400);
    expect((await api("POST", `/admin/bookings/${b.id}/cancel`, { token: me!.token, body: { reason: "x" } })).status).toBe(403);
    expect((await slotState(slotsA[0]!.id)).taken).toBe(1);
  });
});

describe("the office moves", () => {
  it("a booking to another slot: the new one answered, the old cancelled, the schedule shows the new time", async () => {
    const { eventId, admin, slotsA, all } = await day();
    const [me] = await createUsers(1);
    const old = (await book(me!.token, slotsA[0]!.id)).body.booking;
    await pastDeadline(eventId);
    await drainAll(eventId, [me!.id]);
    const r = await api("POST", `/admin/bookings/${old.id}/move`, { token: admin.token, body: { slotId: slotsA[2]!.id, reason: "train late" } });
    expect(r.status).toBe(200);
    expect(r.body.booking).toMatchObject({ slotId: slotsA[2]!.id, startsAt: slotsA[2]!.startsAt, status: "confirmed" });
    // The desk reads D1 right after acting, and sees what it did (no drain by the test).
    const desk = (await api("GET", `/admin/students?q=${encodeURIComponent(me!.email)}`, { token: admin.token })).body.students[0];
    expect(desk.bookings.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([
      [old.id, "cancelled"],
      [r.body.booking.id, "confirmed"],
    ]);
    expect((await api("GET", "/bookings", { token: me!.token })).body.bookings.map((x: { startsAt: string }) => x.startsAt)).toEqual([slotsA[2]!.startsAt]);
    await expectInvariants({ eventId, studentIds: [me!.id], slots: all, acknowledged: new Set([r.body.booking.id]) });
    expect(await record(old.id)).toMatchObject({ status: "cancelled", cancelled_by: "move", cancel_reason: "train late" });
    // A move is not a cancellation of the interview: the metrics do not count it as one.
    expect((await api("GET", "/admin/metrics", { token: admin.token })).body.metrics.cancellations).toEqual({ total: 0, late: 0, byWho: {} });
    expect(JSON.parse((await auditOf("booking.move", old.id))[0]!.after)).toMatchObject({ bookingId: r.body.booking.id, slotId: slotsA[2]!.id, override: false });
  });

  it("respects the caps unless overridden, and a refused move leaves the old booking as it was", async () => {
    const { eventId, admin, slotsA, slotsB, all } = await day();
    const [me] = await createUsers(1);
    await book(me!.token, slotsA[0]!.id);
    const atB = (await book(me!.token, slotsB[0]!.id)).body.booking;
    await drainAll(eventId, [me!.id]);
    // Moving the B interview onto company A would be a second interview with A.
    const refused = await api("POST", `/admin/bookings/${atB.id}/move`, { token: admin.token, body: { slotId: slotsA[2]!.id, reason: "asked" } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("company_already_booked");
    await expectInvariants({ eventId, studentIds: [me!.id], slots: all, caps: { phase1: 3, total: 6, perCompany: 1 } });
    const forced = await api("POST", `/admin/bookings/${atB.id}/move`, { token: admin.token, body: { slotId: slotsA[2]!.id, reason: "asked", override: true } });
    expect(forced.status).toBe(200);
    await expectInvariants({ eventId, studentIds: [me!.id], slots: all });
    expect((await api("GET", "/bookings", { token: me!.token })).body.bookings.map((x: { slotId: string }) => x.slotId)).toEqual([slotsA[0]!.id, slotsA[2]!.id]);
    // Never two places at once, override or not.
    const clash = await api("POST", `/admin/bookings/${forced.body.booking.id}/move`, { token: admin.token, body: { slotId: slotsA[0]!.id, reason: "x", override: true } });
    expect(clash.body.error.code).toBe("already_booked");
  });

  it("races students for the last seats: the seats never exceed the capacity, and the stored state agrees", async () => {
    const { eventId, admin, slotsA, slotsB, all } = await day();
    const movers = await createUsers(3);
    const racers = await createUsers(6);
    const olds = await Promise.all(movers.map(async (m, i) => (await book(m.token, slotsB[i]!.id)).body.booking));
    await drainAll(eventId, movers.map((m) => m.id));
    const target = slotsA[1]!.id;
    const results = await together(9, (i) =>
      i < 3
        ? api("POST", `/admin/bookings/${olds[i]!.id}/move`, { token: admin.token, body: { slotId: target, reason: "desk" } })
        : book(racers[i - 3]!.token, target),
    );
    const won = results.filter((r) => r.status === 200 || r.status === 201);
    expect(won).toHaveLength(2);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === "slot_full")).toBe(true);
    expect((await slotState(target)).taken).toBe(2);
    const acknowledged = new Set<string>([
      ...won.map((r) => r.body.booking.id),
      ...olds.filter((_, i) => results[i]!.status !== 200).map((b) => b.id),
    ]);
    await expectInvariants({ eventId, studentIds: [...movers, ...racers].map((u) => u.id), slots: all, acknowledged });
  });
});

describe("a recruiter releases a seat", () => {
  it("of their own company, with a reason the office sees; another company's is 404", async () => {
    const { eventId, a, slotsA, all } = await day();
    const recruiter = await createUser({ role: "company", companyId: a });
    const stranger = await createUser({ role: "company", companyId: await createCompany(eventId) });
    const [me] = await createUsers(1);
    const b = (await book(me!.token, slotsA[0]!.id)).body.booking;
    await drainAll(eventId, [me!.id]);
    expect((await api("POST", `/company/bookings/${b.id}/release`, { token: stranger.token, body: { reason: "x" } })).status).toBe(404);
    const r = await api("POST", `/company/bookings/${b.id}/release`, { token: recruiter.token, body: { reason: "our interviewer is ill" } });
    expect(r.status).toBe(200);
    expect(r.body.booking.status).toBe("cancelled");
    await expectInvariants({ eventId, studentIds: [me!.id], slots: all, acknowledged: new Set() });
    expect(await record(b.id)).toMatchObject({ cancelled_by: "recruiter", cancel_reason: "our interviewer is ill" });
    expect(await auditOf("booking.release", b.id)).toHaveLength(1);
  });
});
