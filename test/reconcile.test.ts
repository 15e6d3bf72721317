// Reconcile inside workerd: the objects are the truth, D1 the record; drift injected into D1 is
// found exactly, repaired from the objects, and a second pass finds nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser, createUsers, drainAll } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";

describe("reconcile", () => {
  it("finds a missing D1 row and a skewed taken counter, fixes both from the objects, then finds nothing", async () => {
    const eventId = await createEvent({ phase: 1 });
    const slots = await createSlots(eventId, await createCompany(eventId), 2);
    const admin = await createUser({ role: "admin" });
    const students = await createUsers(2);
    const booked = await Promise.all(students.map((s, i) => api("POST", "/bookings", { token: s.token, body: { slotId: slots[i]!.id } })));
    expect(booked.map((b) => b.status)).toEqual([201, 201]);
    await drainAll(eventId, students.map((s) => s.id));

    const clean = await api("POST", "/admin/reconcile", { token: admin.token, body: {} });
    expect(clean.status).toBe(200);
    expect(clean.body.drifts).toEqual([]);

    // Drift: D1 loses one booking, and another slot's counter is wrong.
    await env.DB.prepare("DELETE FROM bookings WHERE id = ?").bind(booked[0]!.body.booking.id).run();
    await env.DB.prepare("UPDATE slots SET taken = 2 WHERE id = ?").bind(slots[1]!.id).run();
    const found = await api("POST", "/admin/reconcile", { token: admin.token, body: {} });
    const kinds = found.body.drifts.map((d: { kind: string }) => d.kind).sort();
    expect(kinds).toContain("missing_in_d1");
    expect(kinds).toContain("taken_mismatch");
    expect(found.body.drifts.find((d: { kind: string }) => d.kind === "missing_in_d1").bookingId).toBe(booked[0]!.body.booking.id);

    const fixed = await api("POST", "/admin/reconcile", { token: admin.token, body: { fix: true } });
    expect(fixed.body.fixed).toBeGreaterThanOrEqual(2);
    expect(fixed.body.remaining).toEqual([]);
    expect((await api("POST", "/admin/reconcile", { token: admin.token, body: {} })).body.drifts).toEqual([]);
    await expectInvariants({
      eventId,
      studentIds: students.map((s) => s.id),
      slots: slots.map((s) => ({ id: s.id, capacity: 2 })),
      acknowledged: new Set(booked.map((b) => b.body.booking.id)),
    });
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE event_id = ? AND action = 'reconcile.fix'").bind(eventId).all();
    expect(audit.results).toHaveLength(1);
  });
});
