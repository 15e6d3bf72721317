// A company withdraws: every booking it holds is cancelled through the StudentDO and SlotDO path
// (caps freed), nobody can book it any more, and its name stays on the students' history.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser, createUsers, drainAll, slotState } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

describe("withdrawal", () => {
  it("cancels every booking of the company, frees the caps, keeps the name on the history, and is idempotent", async () => {
    const eventId = await createEvent({ phase: 2, maxBookingsTotal: 1 });
    const admin = await createUser({ role: "admin" });
    const gone = await createCompany(eventId, { name: "Vanishing SA" });
    const stays = await createCompany(eventId);
    const goneSlots = await createSlots(eventId, gone, 3);
    const [later] = await createSlots(eventId, stays, 1, { firstStart: Date.parse(goneSlots[2]!.endsAt) + 3_600_000 });
    const students = await createUsers(5);
    const booked = await Promise.all(students.map(async (s, i) => (await api("POST", "/bookings", { token: s.token, body: { slotId: goneSlots[i % 3]!.id } })).body.booking));
    expect(booked.every((b) => b?.status === "confirmed")).toBe(true);
    // The total cap is 1: each student is full.
    expect((await api("POST", "/bookings", { token: students[0]!.token, body: { slotId: later!.id } })).body.error.code).toBe("total_cap");
    await drainAll(eventId, students.map((s) => s.id));

    const r = await api("POST", `/admin/companies/${gone}/withdraw`, { token: admin.token, body: { reason: "company withdrew its team" } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ cancelled: 5 });
    const all = [...goneSlots, later!].map((s) => ({ id: s.id, capacity: 2 }));
    await expectInvariants({ eventId, studentIds: students.map((s) => s.id), slots: all, acknowledged: new Set() });
    for (const s of goneSlots) expect(await slotState(s.id)).toMatchObject({ taken: 0, blocked: true });
    const rows = (await env.DB.prepare("SELECT DISTINCT status, cancelled_by, cancel_reason FROM bookings WHERE company_id = ?").bind(gone).all()).results;
    expect(rows).toEqual([{ status: "cancelled", cancelled_by: "withdrawal", cancel_reason: "company withdrew its team" }]);

    // Caps freed: the student books elsewhere; the withdrawn company is gone from the catalogue and cannot be booked.
    expect((await api("POST", "/bookings", { token: students[0]!.token, body: { slotId: later!.id } })).status).toBe(201);
    expect((await api("GET", "/companies")).body.companies.map((c: { id: string }) => c.id)).not.toContain(gone);
    expect((await api("POST", "/bookings", { token: students[1]!.token, body: { slotId: goneSlots[0]!.id } })).status).toBe(404);
    // The history keeps the company's name.
    const history = (await api("GET", "/bookings?all=1", { token: students[1]!.token })).body.bookings;
    expect(history[0]).toMatchObject({ status: "cancelled", companyName: "Vanishing SA", cancelledBy: "withdrawal", cancelReason: "company withdrew its team" });

    expect((await api("POST", `/admin/companies/${gone}/withdraw`, { token: admin.token, body: { reason: "again" } })).body).toEqual({ cancelled: 0 });
    const listed = (await api("GET", "/admin/companies", { token: admin.token })).body.companies.find((c: { id: string }) => c.id === gone);
    expect(listed).toMatchObject({ verified: false, withdrawReason: "again", withdrawnAt: expect.any(String) });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'company.withdraw' AND target_id = ?").bind(gone).first("n")).toBe(2);
  });

  it("is the office's only, and needs a reason", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId);
    const recruiter = await createUser({ role: "company", companyId });
    const admin = await createUser({ role: "admin" });
    expect((await api("POST", `/admin/companies/${companyId}/withdraw`, { token: recruiter.token, body: { reason: "x" } })).status).toBe(403);
    expect((await api("POST", `/admin/companies/${companyId}/withdraw`, { token: admin.token, body: {} })).status).toBe(400);
    expect((await api("GET", "/companies")).body.companies.map((c: { id: string }) => c.id)).toContain(companyId);
  });
});
