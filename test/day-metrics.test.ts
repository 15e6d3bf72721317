// The day's per-event figures in the admin monitor: students of the event (not every account),
// interviews per student, fill per company, attendance and no-show rates, late cancellations.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUsers, createUser, drainAll } from "./helpers.ts";

describe("metrics that hold", () => {
  it("counts the event's students only, and reports attendance, no-shows and late cancellations", async () => {
    const eventId = await createEvent({ phase: 2 });
    const admin = await createUser({ role: "admin" });
    const [a, b] = [await createCompany(eventId, { name: "A" }), await createCompany(eventId, { name: "B" })];
    const slotsA = await createSlots(eventId, a, 2);
    const slotsB = await createSlots(eventId, b, 2, { firstStart: Date.parse(slotsA[1]!.endsAt) + 3_600_000 });
    // Three students take part; two more accounts exist but never try: not students of this event.
    const [s1, s2, s3] = await createUsers(3);
    await createUsers(2);
    const ids: string[] = [];
    for (const [s, slot] of [[s1, slotsA[0]], [s2, slotsA[0]], [s3, slotsA[0]], [s1, slotsB[0]]] as const) {
      const r = await api("POST", "/bookings", { token: s!.token, body: { slotId: slot!.id } });
      if (r.status === 201) ids.push(r.body.booking.id);
    }
    expect(ids).toHaveLength(3);
    await drainAll(eventId, [s1!.id, s2!.id, s3!.id]);
    const [b1, b2, b3] = ids;
    // The day: one present, one no-show; the third cancelled after the deadline (as the office would).
    await env.DB.batch([
      env.DB.prepare("UPDATE bookings SET attendance = 'present' WHERE id = ?").bind(b1),
      env.DB.prepare("UPDATE bookings SET attendance = 'no_show' WHERE id = ?").bind(b2),
      env.DB.prepare("UPDATE events SET cancel_deadline = ? WHERE id = ?").bind(new Date(Date.now() - 60_000).toISOString(), eventId),
      env.DB.prepare("UPDATE bookings SET status = 'cancelled', cancelled_at = ?, cancelled_by = 'office' WHERE id = ?").bind(new Date().toISOString(), b3),
    ]);
    const m = (await api("GET", "/admin/metrics", { token: admin.token })).body.metrics;
    expect(m.students).toEqual({ ofEvent: 3, withBooking: 2, deprioritized: 0, withBookingRate: 2 / 3 });
    expect(m.interviewsPerStudent).toEqual({ mean: 1, distribution: [{ interviews: 1, students: 2 }] });
    expect(m.fillByCompany).toEqual([
      expect.objectContaining({ companyId: a, name: "A", slots: 2, seats: 4 }),
      expect.objectContaining({ companyId: b, name: "B", slots: 2, seats: 4 }),
    ]);
    expect(m.attendance).toMatchObject({ present: 1, late: 0, noShow: 1, attendanceRate: 0.5, noShowRate: 0.5 });
    expect(m.cancellations).toEqual({ total: 1, late: 1, byWho: { office: { total: 1, late: 1 } } });
  });
});
