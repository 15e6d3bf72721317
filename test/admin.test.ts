// The career office's API: configuration, verification, slot generation, the deprioritized list,
// metrics, export and the audit trail. Every write lands in audit_log.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createUser, createUsers, drainAll, signUp, slotState } from "./helpers.ts";

const audit = async (eventId: string) =>
  (await env.DB.prepare("SELECT action, actor_id, before, after FROM audit_log WHERE event_id = ? ORDER BY id").bind(eventId).all<{ action: string; actor_id: string; before: string | null; after: string | null }>()).results;

describe("event configuration", () => {
  it("PATCH changes only the given fields, answers the new event and audits before/after", async () => {
    const eventId = await createEvent({ phase: 1 });
    const admin = await createUser({ role: "admin" });
    const r = await api("PATCH", "/admin/event", { token: admin.token, body: { maxBookingsPhase1: 2, breaks: [{ start: "11:00", end: "11:30" }], name: "INF 2027" } });
    expect(r.status).toBe(200);
    expect(r.body.event).toMatchObject({ id: eventId, name: "INF 2027", maxBookingsPhase1: 2, maxBookingsTotal: 6, breaks: [{ start: "11:00", end: "11:30" }], currentPhase: 1 });
    const pub = await api("GET", "/event");
    expect(pub.body.event).toMatchObject({ name: "INF 2027", maxBookingsPhase1: 2, currentPhase: 1 });
    expect(Date.parse(pub.body.event.serverTime)).toBeGreaterThan(Date.now() - 60_000);
    const [entry] = await audit(eventId);
    expect(entry).toMatchObject({ action: "event.update", actor_id: admin.id });
    expect(JSON.parse(entry!.before!)).toMatchObject({ maxBookingsPhase1: 3 });
    expect(JSON.parse(entry!.after!)).toMatchObject({ maxBookingsPhase1: 2 });
  });

  it("the kill switch closes booking at once", async () => {
    const eventId = await createEvent({ phase: 1 });
    const admin = await createUser({ role: "admin" });
    const companyId = await createCompany(eventId);
    await api("POST", "/admin/slots/generate", { token: admin.token, body: { companyIds: [companyId] } });
    const slot = (await api("GET", `/companies/${companyId}`)).body.slots[0];
    expect((await api("PATCH", "/admin/event", { token: admin.token, body: { bookingOpen: false } })).body.event.currentPhase).toBe(1);
    const me = await createUser();
    const r = await api("POST", "/bookings", { token: me.token, body: { slotId: slot.id } });
    expect(r.body.error.code).toBe("booking_closed");
    await api("PATCH", "/admin/event", { token: admin.token, body: { bookingOpen: true } });
    expect((await api("POST", "/bookings", { token: me.token, body: { slotId: slot.id } })).status).toBe(201);
  });
});

describe("slot generation through the API", () => {
  it("creates 16 slots per verified company for 09:00-13:00 Brussels, and regenerating never duplicates", async () => {
    const eventId = await createEvent({ date: "2027-02-10" });
    const admin = await createUser({ role: "admin" });
    const [a, b] = [await createCompany(eventId), await createCompany(eventId)];
    const hidden = await createCompany(eventId, { verified: false });
    const preview = await api("POST", "/admin/slots/generate", { token: admin.token, body: { dryRun: true } });
    expect(preview.body).toMatchObject({ dryRun: true, perCompanySlots: 16, created: 32 });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM slots WHERE event_id = ?").bind(eventId).first("n")).toBe(0);
    const made = await api("POST", "/admin/slots/generate", { token: admin.token, body: {} });
    expect(made.body.created).toBe(32);
    const again = await api("POST", "/admin/slots/generate", { token: admin.token, body: {} });
    expect(again.body).toMatchObject({ created: 0, removed: 0, reshaped: 0 });
    const rows = (await env.DB.prepare("SELECT company_id, starts_at, ends_at FROM slots WHERE event_id = ? ORDER BY starts_at").bind(eventId).all<{ company_id: string; starts_at: string; ends_at: string }>()).results;
    expect(rows.filter((r) => r.company_id === a)).toHaveLength(16);
    expect(rows.filter((r) => r.company_id === b)).toHaveLength(16);
    expect(rows.filter((r) => r.company_id === hidden)).toHaveLength(0);
    expect(rows[0]).toMatchObject({ starts_at: "2027-02-10T08:00:00.000Z", ends_at: "2027-02-10T08:10:00.000Z" });
    expect((await audit(eventId)).map((x) => x.action)).toEqual(["slots.generate", "slots.generate"]);
  });

  it("regeneration after bookings keeps every booked slot and its booking, and retires the removed ones", async () => {
    const eventId = await createEvent({ date: "2027-02-10", phase: 1 });
    const admin = await createUser({ role: "admin" });
    const companyId = await createCompany(eventId);
    await api("POST", "/admin/slots/generate", { token: admin.token, body: {} });
    const before = (await api("GET", `/companies/${companyId}`)).body.slots as { id: string; startsAt: string }[];
    const [me] = await createUsers(1);
    const booked = before[3]!;
    const b = await api("POST", "/bookings", { token: me!.token, body: { slotId: booked.id } });
    expect(b.status).toBe(201);
    await drainAll(eventId, [me!.id]);

    // The day now starts 5 minutes later: every slot moves.
    await api("PATCH", "/admin/event", { token: admin.token, body: { dayStart: "09:05" } });
    const regen = await api("POST", "/admin/slots/generate", { token: admin.token, body: {} });
    expect(regen.status).toBe(200);
    expect(regen.body.keptBooked).toBe(1);
    const after = (await api("GET", `/companies/${companyId}`)).body.slots as { id: string; startsAt: string; endsAt: string; taken: number }[];
    expect(after.find((s) => s.id === booked.id)).toMatchObject({ startsAt: booked.startsAt, taken: 1 });
    // No two slots of the company overlap.
    for (let i = 1; i < after.length; i++) expect(after[i]!.startsAt >= after[i - 1]!.endsAt).toBe(true);
    expect((await api("GET", "/bookings", { token: me!.token })).body.bookings.map((x: { id: string }) => x.id)).toEqual([b.body.booking.id]);
    // A removed slot is retired in its SlotDO and gone from D1: booking it is 404.
    const removed = before.find((s) => s.id !== booked.id && !after.some((x) => x.id === s.id))!;
    expect((await slotState(removed.id)).retired).toBe(true);
    expect((await api("POST", "/bookings", { token: me!.token, body: { slotId: removed.id } })).status).toBe(404);
  });
});

describe("a company's own hours", () => {
  it("generates 10:00-12:00 for one company, keeps the hours for the next run, and goes back to the event's on request", async () => {
    const eventId = await createEvent({ date: "2027-02-10" });
    const admin = await createUser({ role: "admin" });
    const [morning, other] = [await createCompany(eventId), await createCompany(eventId)];
    const startsOf = async (companyId: string) =>
      (await env.DB.prepare("SELECT starts_at FROM slots WHERE company_id = ? ORDER BY starts_at").bind(companyId).all<{ starts_at: string }>()).results.map((r) => r.starts_at);
    const preview = await api("POST", "/admin/slots/generate", { token: admin.token, body: { companyIds: [morning], hours: { dayStart: "10:00", dayEnd: "12:00" }, dryRun: true } });
    expect(preview.body.companies[0]).toMatchObject({ dayStart: "10:00", dayEnd: "12:00", slots: 8, created: 8 });
    expect(await startsOf(morning)).toEqual([]);
    await api("POST", "/admin/slots/generate", { token: admin.token, body: { companyIds: [morning], hours: { dayStart: "10:00", dayEnd: "12:00" } } });
    // A later run for everyone keeps that company's hours.
    const all = await api("POST", "/admin/slots/generate", { token: admin.token, body: {} });
    expect(all.body.companies.find((c: { companyId: string }) => c.companyId === morning)).toMatchObject({ slots: 8, created: 0, removed: 0 });
    expect((await startsOf(morning))[0]).toBe("2027-02-10T09:00:00.000Z");
    expect(await startsOf(other)).toHaveLength(16);
    const listed = (await api("GET", "/admin/companies", { token: admin.token })).body.companies.find((c: { id: string }) => c.id === morning);
    expect(listed).toMatchObject({ dayStart: "10:00", dayEnd: "12:00" });
    await api("POST", "/admin/slots/generate", { token: admin.token, body: { companyIds: [morning], hours: null } });
    expect(await startsOf(morning)).toHaveLength(16);
    expect((await audit(eventId)).filter((a) => a.action === "companies.hours")).toHaveLength(2);
  });

  it("refuses hours without companies, or ending before they start, and writes nothing", async () => {
    const eventId = await createEvent({ date: "2027-02-10" });
    const admin = await createUser({ role: "admin" });
    const companyId = await createCompany(eventId);
    for (const body of [{ hours: { dayStart: "10:00", dayEnd: "12:00" } }, { companyIds: [companyId], hours: { dayStart: "12:00", dayEnd: "10:00" } }, { companyIds: [companyId], hours: { dayStart: "9h" , dayEnd: "12:00" } }]) {
      const r = await api("POST", "/admin/slots/generate", { token: admin.token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM slots WHERE event_id = ?").bind(eventId).first("n")).toBe(0);
  });
});

describe("the deprioritized list", () => {
  it("flags existing students and future signups, is idempotent, and gates phase 1", async () => {
    const eventId = await createEvent({ phase: 1 });
    const admin = await createUser({ role: "admin" });
    const [existing] = await createUsers(1);
    const future = `future-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const r = await api("POST", "/admin/deprioritized", { token: admin.token, body: { emails: [existing!.email.toUpperCase(), ` ${future} `, future] } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ flagged: 1, added: 2, unchanged: 0, total: 2 });
    const again = await api("POST", "/admin/deprioritized", { token: admin.token, body: { emails: [existing!.email] } });
    expect(again.body).toMatchObject({ flagged: 0, added: 0, unchanged: 1 });
    expect((await api("GET", "/me", { token: existing!.token })).body.user.deprioritized).toBe(true);
    const s = await signUp({ email: future, password: "a long passphrase", fullName: "Future", role: "student" });
    expect(s.user.deprioritized).toBe(true);
    const list = await api("GET", "/admin/deprioritized", { token: admin.token });
    expect(list.body.emails.sort()).toEqual([existing!.email, future].sort());
    // The gate applies to the existing student at once.
    const companyId = await createCompany(eventId);
    await api("POST", "/admin/slots/generate", { token: admin.token, body: {} });
    const slot = (await api("GET", `/companies/${companyId}`)).body.slots[0];
    expect((await api("POST", "/bookings", { token: existing!.token, body: { slotId: slot.id } })).body.error.code).toBe("phase_gate");
    expect((await audit(eventId)).filter((a) => a.action === "deprioritized.import")).toHaveLength(2);
  });

  it("the student sees why they book from phase 2, and where to appeal", async () => {
    const eventId = await createEvent({ phase: 1 });
    await env.DB.prepare("UPDATE events SET contact_email = 'career@school.example' WHERE id = ?").bind(eventId).run();
    const [listed, free] = await createUsers(2);
    await env.DB.batch([
      env.DB.prepare("INSERT INTO deprioritized_emails (event_id, email, reason) VALUES (?, ?, ?)").bind(eventId, listed!.email, "no-show at INF 2026 (Aurora Robotics)"),
      env.DB.prepare("UPDATE users SET deprioritized = 1 WHERE id = ?").bind(listed!.id),
    ]);
    expect((await api("GET", "/profile/priority", { token: listed!.token })).body.priority).toEqual({ deprioritized: true, reason: "no-show at INF 2026 (Aurora Robotics)", contactEmail: "career@school.example" });
    expect((await api("GET", "/profile/priority", { token: free!.token })).body.priority).toEqual({ deprioritized: false, reason: null, contactEmail: "career@school.example" });
  });
});

describe("metrics, export and audit", () => {
  it("metrics count bookings, fill rate, attempts by code and response-time percentiles", async () => {
    const eventId = await createEvent({ phase: 1 });
    const admin = await createUser({ role: "admin" });
    const companyId = await createCompany(eventId);
    await api("POST", "/admin/slots/generate", { token: admin.token, body: { companyIds: [companyId] } });
    const slot = (await api("GET", `/companies/${companyId}`)).body.slots[0];
    const students = await createUsers(3);
    for (const s of students) await api("POST", "/bookings", { token: s.token, body: { slotId: slot.id } });
    await drainAll(eventId, students.map((s) => s.id));
    const m = await api("GET", "/admin/metrics", { token: admin.token });
    expect(m.status).toBe(200);
    expect(m.body.metrics).toMatchObject({
      bookings: { confirmed: 2, cancelled: 0 },
      slots: { count: 16, seats: 32, taken: 2 },
      fillRate: 2 / 32,
      attempts: { total: 3, byCode: { ok: 2, slot_full: 1 } },
    });
    const rt = m.body.metrics.responseTimeMs;
    expect(rt.p50).toEqual(expect.any(Number));
    expect(rt.p95).toBeGreaterThanOrEqual(rt.p50);
    expect(rt.max).toBeGreaterThanOrEqual(rt.p95);
    expect(m.body.metrics.perMinute.reduce((a: number, x: { attempts: number }) => a + x.attempts, 0)).toBe(3);
  });

  it("exports the bookings as CSV, quoting what needs quoting", async () => {
    const eventId = await createEvent({ phase: 1 });
    const admin = await createUser({ role: "admin" });
    const companyId = await createCompany(eventId, { name: 'Acme, "the" company' });
    await api("POST", "/admin/slots/generate", { token: admin.token, body: {} });
    const slot = (await api("GET", `/companies/${companyId}`)).body.slots[0];
    const [s] = await createUsers(1);
    const b = await api("POST", "/bookings", { token: s!.token, body: { slotId: slot.id } });
    await drainAll(eventId, [s!.id]);
    const r = await api("GET", "/admin/export/bookings.csv", { token: admin.token });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/text\/csv/);
    expect(r.headers.get("content-disposition")).toMatch(/attachment; filename=".+\.csv"/);
    const lines = (r.body as string).trim().split(/\r?\n/);
    expect(lines[0]).toBe("booking_id,status,phase,company,student_name,student_email,starts_at,ends_at,created_at,cancelled_at,attendance,checked_in_at");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${b.body.booking.id},confirmed,1,"Acme, ""the"" company",`);
    expect(lines[1]).toContain(s!.email);
  });

  it("the audit log lists admin writes, newest first, with paging", async () => {
    await createEvent();
    const admin = await createUser({ role: "admin" });
    for (const n of [4, 5, 6]) await api("PATCH", "/admin/event", { token: admin.token, body: { maxBookingsTotal: n } });
    const page = await api("GET", "/admin/audit?limit=2", { token: admin.token });
    expect(page.body.entries).toHaveLength(2);
    expect(page.body.entries[0].after).toMatchObject({ maxBookingsTotal: 6 });
    expect(page.body.entries[1].after).toMatchObject({ maxBookingsTotal: 5 });
    const next = await api("GET", `/admin/audit?limit=2&before=${page.body.entries[1].id}`, { token: admin.token });
    expect(next.body.entries[0].after).toMatchObject({ maxBookingsTotal: 4 });
  });
});
