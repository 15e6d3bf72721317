// A recruiter shapes their day through SlotDO: block or unblock a slot (no new seats; the booked
// ones stay), raise or lower its capacity, never below the seats taken (409
// capacity_below_taken). The next take sees each change, whatever the configuration caches say.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser, createUsers, d1Taken, drainAll, type SlotFixture, slotState, together, type UserFixture } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

let eventId: string;
let recruiter: UserFixture;
let slots: SlotFixture[];

const patch = (who: UserFixture, slotId: string, body: unknown) => api("PATCH", `/company/slots/${slotId}`, { token: who.token, body });
const book = (token: string, slotId: string) => api("POST", "/bookings", { token, body: { slotId } });
const d1Slot = (id: string) => env.DB.prepare("SELECT capacity, blocked, capacity_custom FROM slots WHERE id = ?").bind(id).first();

beforeEach(async () => {
  eventId = await createEvent({ phase: 2 });
  const companyId = await createCompany(eventId);
  recruiter = await createUser({ role: "company", companyId });
  slots = await createSlots(eventId, companyId, 2);
});

describe("capacity", () => {
  it("never goes below the seats taken, and the refusal changes nothing", async () => {
    const [x, y] = await createUsers(2);
    await book(x!.token, slots[0]!.id);
    await book(y!.token, slots[0]!.id);
    const r = await patch(recruiter, slots[0]!.id, { capacity: 1 });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: "capacity_below_taken", details: { taken: 2 } });
    expect(await slotState(slots[0]!.id)).toMatchObject({ taken: 2, capacity: null });
    expect(await d1Slot(slots[0]!.id)).toEqual({ capacity: 2, blocked: 0, capacity_custom: 0 });
  });

  it("raised by one is seen by the next take, though the cached configuration still says 2", async () => {
    const students = await createUsers(4);
    const ok = await patch(recruiter, slots[0]!.id, { capacity: 3 });
    expect(ok.status).toBe(200);
    expect(ok.body.slot).toMatchObject({ id: slots[0]!.id, capacity: 3, taken: 0, blocked: false });
    expect(await d1Slot(slots[0]!.id)).toEqual({ capacity: 3, blocked: 0, capacity_custom: 1 });
    // Reset D1 behind SlotDO's back, the way a stale configuration cache would see it.
    await env.DB.prepare("UPDATE slots SET capacity = 2 WHERE id = ?").bind(slots[0]!.id).run();
    const results = await together(4, (i) => book(students[i]!.token, slots[0]!.id));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(["slot_full"]);
    await expectInvariants({ eventId, studentIds: students.map((s) => s.id), slots: [{ id: slots[0]!.id, capacity: 3 }] });
  });

  it("lowered while students race for the slot: the seats never exceed what SlotDO allowed at each take", async () => {
    const students = await createUsers(6);
    await patch(recruiter, slots[1]!.id, { capacity: 4 });
    const results = await together(7, (i) => (i === 3 ? patch(recruiter, slots[1]!.id, { capacity: 1 }) : book(students[i > 3 ? i - 1 : i]!.token, slots[1]!.id)));
    const seats = (await slotState(slots[1]!.id)).taken;
    const lowered = results[3]!;
    // Either the lowering came first (then one seat at most), or seats were already taken (then 409).
    if (lowered.status === 200) expect(seats).toBeLessThanOrEqual(1);
    else expect(lowered.body.error.code).toBe("capacity_below_taken");
    expect(seats).toBeLessThanOrEqual(4);
    await drainAll(eventId, students.map((s) => s.id));
    expect(await d1Taken(slots[1]!.id)).toBe(seats);
  });

  it("is kept by the next slot generation", async () => {
    const admin = await createUser({ role: "admin" });
    await env.DB.prepare("UPDATE events SET date = ? WHERE id = ?").bind(slots[0]!.startsAt.slice(0, 10), eventId).run();
    await patch(recruiter, slots[0]!.id, { capacity: 5 });
    await api("POST", "/admin/slots/generate", { token: admin.token, body: {} });
    expect((await d1Slot(slots[0]!.id))?.capacity).toBe(5);
  });
});

describe("block", () => {
  it("a blocked slot refuses new seats with slot_blocked; the booked ones stay; unblocked, it seats again", async () => {
    const [x, y] = await createUsers(2);
    const kept = (await book(x!.token, slots[0]!.id)).body.booking;
    const r = await patch(recruiter, slots[0]!.id, { blocked: true });
    expect(r.body.slot).toMatchObject({ blocked: true, taken: 1 });
    const refused = await book(y!.token, slots[0]!.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("slot_blocked");
    expect((await api("GET", `/companies/${slots[0]!.companyId}`)).body.slots[0]).toMatchObject({ blocked: true });
    await expectInvariants({ eventId, studentIds: [x!.id, y!.id], slots: [{ id: slots[0]!.id, capacity: 2 }], acknowledged: new Set([kept.id]) });
    await patch(recruiter, slots[0]!.id, { blocked: false });
    expect((await book(y!.token, slots[0]!.id)).status).toBe(201);
  });

  it("only the slot's own recruiter changes it; bad input changes nothing", async () => {
    const stranger = await createUser({ role: "company", companyId: await createCompany(eventId) });
    const student = await createUser();
    expect((await patch(stranger, slots[0]!.id, { blocked: true })).status).toBe(404);
    expect((await api("PATCH", `/company/slots/${slots[0]!.id}`, { token: student.token, body: { blocked: true } })).status).toBe(403);
    for (const body of [{}, { capacity: 0 }, { capacity: 1.5 }, { capacity: 101 }, { blocked: "yes" }, { blocked: true, taken: 0 }])
      expect((await patch(recruiter, slots[0]!.id, body)).status, JSON.stringify(body)).toBe(400);
    expect(await slotState(slots[0]!.id)).toMatchObject({ blocked: false, capacity: null });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'slot.update' AND target_id = ?").bind(slots[0]!.id).first("n")).toBe(0);
  });
});
