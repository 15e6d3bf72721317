// GET /api/bookings/ready: a phase opens within the minute and the student's page is open. The
// student's StudentDO is created (its tables with it) or woken now, and holds itself in memory
// through the opening (keep-warm.ts), so the herd's first clicks find their objects ready.
import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { StudentDO } from "../durable-objects/student-do.ts";
import { READY_EARLIEST_MS, READY_HORIZON_MS, READY_LATEST_MS, readyDelay } from "../worker/domain/ready.ts";
import { slotName, studentName } from "../worker/lib/objects.ts";
import { api, createCompany, createEvent, createSlots, createUser, slotDo, studentDo } from "./helpers.ts";

const exists = async (eventId: string, userId: string) => {
  const id = env.STUDENT.idFromName(studentName(eventId, userId)).toString();
  return (await listDurableObjectIds(env.STUDENT)).some((x) => x.toString() === id);
};

describe("GET /api/bookings/ready", () => {
  it("creates the student's object before their first click, books nothing, and answers 204", async () => {
    const eventId = await createEvent({ phase: 0 });
    const student = await createUser();
    expect(await exists(eventId, student.id)).toBe(false);
    const r = await api("GET", "/bookings/ready", { token: student.token });
    expect(r.status).toBe(204);
    expect(await exists(eventId, student.id)).toBe(true);
    expect((await studentDo(eventId, student.id).inspect()).bookings).toEqual([]);
    // Nothing became an attempt either: D1 has no row for this student.
    const attempts = await env.DB.prepare("SELECT count(*) AS n FROM booking_attempts WHERE student_id = ?").bind(student.id).first<{ n: number }>();
    expect(attempts?.n).toBe(0);
  });

  it("also wakes one slot of the event (here its only one), picked at random", async () => {
    const eventId = await createEvent({ phase: 0 });
    const [slot] = await createSlots(eventId, await createCompany(eventId), 1);
    const slotExists = async () => {
      const id = env.SLOT.idFromName(slotName(slot!.id)).toString();
      return (await listDurableObjectIds(env.SLOT)).some((x) => x.toString() === id);
    };
    expect(await slotExists()).toBe(false);
    expect((await api("GET", "/bookings/ready", { token: (await createUser()).token })).status).toBe(204);
    expect(await slotExists()).toBe(true);
    expect((await slotDo(slot!.id).inspect()).taken).toBe(0);
  });

  it("asks the object to stay in memory (keep-warm)", async () => {
    const eventId = await createEvent({ phase: 0 });
    const student = await createUser();
    await runInDurableObject(studentDo(eventId, student.id), (o: StudentDO) => {
      const touch = vi.spyOn((o as unknown as { warm: { touch(): void } }).warm, "touch");
      o.ready();
      expect(touch).toHaveBeenCalledOnce();
    });
  });

  it("students only: 401 without a session, 403 for a recruiter", async () => {
    const eventId = await createEvent({ phase: 0 });
    const recruiter = await createUser({ role: "company", companyId: await createCompany(eventId) });
    expect((await api("GET", "/bookings/ready")).status).toBe(401);
    expect((await api("GET", "/bookings/ready", { token: recruiter.token })).status).toBe(403);
    expect(await exists(eventId, recruiter.id)).toBe(false);
  });
});

describe("the site's moment to say ready (worker/domain/ready.ts)", () => {
  it("between 40 and 5 seconds before the opening, spread by the random draw; never too late or too early", () => {
    const at = 1_000_000;
    for (const lead of [5_001, 6_000, 20_000, 39_000, 40_000, 45_000, 60_000])
      for (const r of [0, 0.25, 0.5, 0.999]) {
        const delay = readyDelay(at, at - lead, r);
        expect(delay, `lead ${lead}, draw ${r}`).not.toBeNull();
        const before = lead - delay!;
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(before).toBeGreaterThanOrEqual(READY_LATEST_MS);
        expect(before).toBeLessThanOrEqual(READY_EARLIEST_MS);
      }
    expect(readyDelay(at, at - 60_000, 0)).toBe(20_000);
    expect(readyDelay(at, at - 60_000, 0.999)).toBe(54_965);
    expect(readyDelay(at, at - READY_LATEST_MS, 0.5), "too late: the first click will do").toBeNull();
    expect(readyDelay(at, at - READY_HORIZON_MS - 1, 0.5), "too early: the object would not be held until then").toBeNull();
  });
});
