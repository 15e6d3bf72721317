// Check-in on the day: the student's schedule carries a signed code per confirmed booking; the
// recruiter records attendance by that code or by name, only for their own company's bookings;
// the office's desk can too. Stored on the D1 row, audited, exported in the bookings CSV.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { signCheckIn } from "../worker/lib/checkin-token.ts";
import { api, createCompany, createEvent, createSlots, createUser, drainAll, type UserFixture } from "./helpers.ts";

let eventId: string;
let student: UserFixture;
let other: UserFixture;
let recruiter: UserFixture;
let otherRecruiter: UserFixture;
let admin: UserFixture;
let bookingId: string;
let otherBookingId: string;
let token: string;

const row = (id: string) =>
  env.DB.prepare("SELECT attendance, checked_in_at, checked_in_by FROM bookings WHERE id = ?").bind(id).first<{ attendance: string | null; checked_in_at: string | null; checked_in_by: string | null }>();
const attend = (who: UserFixture, id: string, body: unknown) => api("POST", `/company/bookings/${id}/attendance`, { token: who.token, body });

beforeAll(async () => {
  eventId = await createEvent({ phase: 2 });
  const companyId = await createCompany(eventId, { name: "Aurora Robotics" });
  const otherCompanyId = await createCompany(eventId);
  const [slot] = await createSlots(eventId, companyId, 1);
  const [otherSlot] = await createSlots(eventId, otherCompanyId, 1, { firstStart: Date.parse(slot!.endsAt) + 3_600_000 });
  [student, other] = [await createUser(), await createUser()];
  recruiter = await createUser({ role: "company", companyId });
  otherRecruiter = await createUser({ role: "company", companyId: otherCompanyId });
  admin = await createUser({ role: "admin" });
  bookingId = (await api("POST", "/bookings", { token: student.token, body: { slotId: slot!.id } })).body.booking.id;
  otherBookingId = (await api("POST", "/bookings", { token: other.token, body: { slotId: otherSlot!.id } })).body.booking.id;
  await drainAll(eventId, [student.id, other.id]);
  const mine = await api("GET", "/bookings", { token: student.token });
  token = mine.body.bookings[0].checkInToken;
});

describe("check-in", () => {
  it("the schedule carries a short signed code per booking, with the company's name and no attendance yet", async () => {
    const { body } = await api("GET", "/bookings", { token: student.token });
    expect(body.bookings).toHaveLength(1);
    expect(body.bookings[0]).toMatchObject({ id: bookingId, companyName: "Aurora Robotics", attendance: null, checkInToken: expect.stringMatching(/^[A-Za-z0-9_-]{38}$/) });
    expect(token).toBe(await signCheckIn(bookingId, env.JWT_SECRET));
  });

  it("another company's recruiter scanning the code gets 404, and nothing is recorded", async () => {
    const r = await attend(otherRecruiter, bookingId, { token });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
    expect(await row(bookingId)).toMatchObject({ attendance: null, checked_in_at: null });
  });

  it("a code that is forged, or signed for another booking, is refused with validation_failed", async () => {
    const forged = `${token.slice(0, 22)}${"A".repeat(16)}`;
    for (const [id, t] of [[bookingId, forged], [otherBookingId, token], [bookingId, "not-a-code"]] as const) {
      const r = await attend(recruiter, id, { token: t });
      expect(r.status, t).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
    }
    expect((await row(bookingId))?.attendance).toBeNull();
  });

  it("the recruiter scans the code: present, stored with when and by whom, audited", async () => {
    const r = await attend(recruiter, bookingId, { token });
    expect(r.status).toBe(200);
    expect(r.body.booking).toMatchObject({ id: bookingId, status: "confirmed", attendance: "present" });
    expect(await row(bookingId)).toMatchObject({ attendance: "present", checked_in_by: recruiter.id, checked_in_at: expect.any(String) });
    const audit = await env.DB.prepare("SELECT actor_id, before, after FROM audit_log WHERE action = 'booking.attendance' AND target_id = ? ORDER BY id").bind(bookingId).all<{ actor_id: string; before: string; after: string }>();
    expect(audit.results[0]).toMatchObject({ actor_id: recruiter.id });
    expect(JSON.parse(audit.results[0]!.after)).toMatchObject({ attendance: "present", via: "qr" });
    expect((await api("GET", "/bookings", { token: student.token })).body.bookings[0].attendance).toBe("present");
  });

  it("by name: late, then no_show; the recruiter's slots show it; another company's booking is 404", async () => {
    expect((await attend(recruiter, bookingId, { status: "late" })).body.booking.attendance).toBe("late");
    expect((await attend(recruiter, bookingId, { status: "no_show" })).body.booking.attendance).toBe("no_show");
    const slots = (await api("GET", "/company/slots", { token: recruiter.token })).body.slots;
    expect(slots[0].students[0]).toMatchObject({ id: student.id, bookingId, attendance: "no_show" });
    expect((await attend(recruiter, otherBookingId, { status: "present" })).status).toBe(404);
    expect((await attend(recruiter, bookingId, { status: "absent" })).status).toBe(400);
    expect((await attend(recruiter, bookingId, { status: "present", extra: 1 })).status).toBe(400);
  });

  it("the office's desk checks a student in too, any company's booking", async () => {
    const r = await api("POST", `/admin/bookings/${otherBookingId}/attendance`, { token: admin.token, body: { status: "present" } });
    expect(r.status).toBe(200);
    expect(await row(otherBookingId)).toMatchObject({ attendance: "present", checked_in_by: admin.id });
    expect((await api("POST", `/admin/bookings/${otherBookingId}/attendance`, { token: recruiter.token, body: { status: "present" } })).status).toBe(403);
  });

  it("the bookings CSV carries attendance and checked_in_at", async () => {
    const csv = (await api("GET", "/admin/export/bookings.csv", { token: admin.token })).body as string;
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header!.split(",").slice(-2)).toEqual(["attendance", "checked_in_at"]);
    const mine = lines.find((l) => l.startsWith(bookingId))!.split(",");
    expect(mine.at(-2)).toBe("no_show");
    expect(mine.at(-1)).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines.find((l) => l.startsWith(otherBookingId))!.split(",").at(-2)).toBe("present");
  });
});
