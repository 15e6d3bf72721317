// The office at the help desk: find a student by name or e-mail and see their schedule and
// history (bookings with their company, cancellations, attempts by code, the deprioritization
// reason).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser, drainAll, type SlotFixture, type UserFixture } from "./helpers.ts";

let eventId: string;
let admin: UserFixture;
let alice: UserFixture;
let slots: SlotFixture[];

beforeAll(async () => {
  eventId = await createEvent({ phase: 2 });
  admin = await createUser({ role: "admin" });
  const companyId = await createCompany(eventId, { name: "Cobalt Cloud" });
  slots = await createSlots(eventId, companyId, 3);
  alice = await createUser({ prefix: `alice_${crypto.randomUUID().slice(0, 6)}` });
  await env.DB.prepare("UPDATE users SET full_name = 'Alice Martin-Dupont' WHERE id = ?").bind(alice.id).run();
  expect((await api("POST", "/bookings", { token: alice.token, body: { slotId: slots[0]!.id } })).status).toBe(201);
  expect((await api("POST", "/bookings", { token: alice.token, body: { slotId: slots[1]!.id } })).body.error.code).toBe("company_already_booked");
  await drainAll(eventId, [alice.id]);
});

describe("the office's desk", () => {
  it("finds a student by part of the name or the e-mail, case-insensitively, with bookings and attempts", async () => {
    for (const q of ["martin-dup", alice.email.slice(0, 12).toUpperCase()]) {
      const r = await api("GET", `/admin/students?q=${encodeURIComponent(q)}`, { token: admin.token });
      expect(r.status, q).toBe(200);
      const found = r.body.students.find((s: { id: string }) => s.id === alice.id);
      expect(found).toMatchObject({ email: alice.email, fullName: "Alice Martin-Dupont", deprioritized: false, attempts: { ok: 1, company_already_booked: 1 } });
      expect(found.bookings).toEqual([expect.objectContaining({ slotId: slots[0]!.id, companyName: "Cobalt Cloud", status: "confirmed", attendance: null, studentId: alice.id })]);
    }
  });

  it("takes % and _ literally, and needs two characters", async () => {
    expect((await api("GET", "/admin/students?q=%25%25", { token: admin.token })).body.students).toEqual([]);
    const r = await api("GET", "/admin/students?q=a", { token: admin.token });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("validation_failed");
  });

  it("is for the office only", async () => {
    expect((await api("GET", "/admin/students?q=alice", { token: alice.token })).status).toBe(403);
    expect((await api("GET", "/admin/students?q=alice")).status).toBe(401);
  });
});
