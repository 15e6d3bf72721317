// Who may be a student (issue #12): an address in the event's studentEmailDomains or on the roster,
// and a verified address before booking; a second account cannot escape the deprioritized list.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { studentEmailAllowed } from "../worker/domain/accounts.ts";
import { api, createCompany, createEvent, createSlots, createUser, signUp, studentState, updateEvent } from "./helpers.ts";

const signup = (email: string) => api("POST", "/auth/signup", { body: { email, password: "a long passphrase", fullName: "Sam", role: "student" }, headers: { "cf-connecting-ip": `192.0.2.${Math.floor(Math.random() * 250)}` } });
const tag = () => crypto.randomUUID().slice(0, 8);
const userCount = (email: string) => env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first<number>("n");

describe("the rule (pure)", () => {
  it("allows the configured domains and their subdomains, the roster always, anyone when nothing is configured", () => {
    const none = { inUse: false, listed: false };
    expect(studentEmailAllowed("a@school.be", ["school.be"], none)).toBe(true);
    expect(studentEmailAllowed("a@info.school.be", ["school.be"], none)).toBe(true);
    expect(studentEmailAllowed("a@notschool.be", ["school.be"], none)).toBe(false);
    expect(studentEmailAllowed("a@gmail.com", ["school.be"], { inUse: true, listed: true })).toBe(true);
    expect(studentEmailAllowed("a@gmail.com", [], none)).toBe(true);
    expect(studentEmailAllowed("a@gmail.com", [], { inUse: true, listed: false })).toBe(false);
  });
});

describe("signup and booking", () => {
  it("refuses a student address outside studentEmailDomains (403 email_not_allowed) and creates nothing; a recruiter may use any", async () => {
    const eventId = await createEvent();
    await updateEvent(eventId, { student_email_domains: JSON.stringify(["school.test"]) });
    const outside = `out-${tag()}@gmail.test`;
    const r = await signup(outside);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("email_not_allowed");
    expect(await userCount(outside)).toBe(0);
    expect((await signup(`in-${tag()}@info.school.test`)).status).toBe(202);
    const rec = await api("POST", "/auth/signup", { body: { email: `rec-${tag()}@gmail.test`, password: "a long passphrase", fullName: "R", role: "company", companyName: "Acme" } });
    expect(rec.status).toBe(202);
  });

  it("an address on the roster may sign up outside the domains; with a roster and no domains, only the roster", async () => {
    const eventId = await createEvent();
    const listed = `listed-${tag()}@home.test`;
    await env.DB.prepare("INSERT INTO student_roster (event_id, email) VALUES (?, ?)").bind(eventId, listed).run();
    expect((await signup(listed)).status).toBe(202);
    const stranger = await signup(`stranger-${tag()}@home.test`);
    expect(stranger.body.error.code).toBe("email_not_allowed");
  });

  it("the admin API sets studentEmailDomains (lower-cased) and rejects what is not a domain, changing nothing", async () => {
    await createEvent();
    const admin = await createUser({ role: "admin" });
    const ok = await api("PATCH", "/admin/event", { token: admin.token, body: { studentEmailDomains: ["Student.School.TEST"] } });
    expect(ok.status).toBe(200);
    expect(ok.body.event.studentEmailDomains).toEqual(["student.school.test"]);
    const bad = await api("PATCH", "/admin/event", { token: admin.token, body: { studentEmailDomains: ["@school", "x"] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
    expect((await api("GET", "/admin/event", { token: admin.token })).body.event.studentEmailDomains).toEqual(["student.school.test"]);
  });

  it("an unverified student is refused a booking (403 email_unverified) before the StudentDO is reached; verified, they book", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId);
    const [slot] = await createSlots(eventId, companyId, 1);
    const email = `unverified-${tag()}@example.test`;
    expect((await signup(email)).status).toBe(202);
    const login = await api("POST", "/auth/login", { body: { email, password: "a long passphrase" } });
    expect(login.status).toBe(200);
    expect(login.body.user.emailVerified).toBe(false);
    const r = await api("POST", "/bookings", { token: login.body.token, body: { slotId: slot!.id } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("email_unverified");
    expect(await studentState(eventId, login.body.user.id)).toMatchObject({ bookings: [] });
    const fixture = await createUser({ verified: false });
    expect((await api("POST", "/bookings", { token: fixture.token, body: { slotId: slot!.id } })).body.error.code).toBe("email_unverified");
    const verified = await createUser();
    expect((await api("POST", "/bookings", { token: verified.token, body: { slotId: slot!.id } })).status).toBe(201);
  });

  it("a deprioritized student cannot escape the list with a second account: outside the domains refused, another school address never verified", async () => {
    const eventId = await createEvent({ phase: 1 });
    await updateEvent(eventId, { student_email_domains: JSON.stringify(["school.test"]) });
    const companyId = await createCompany(eventId);
    const [slot] = await createSlots(eventId, companyId, 1);
    const listed = `late-${tag()}@school.test`;
    await env.DB.prepare("INSERT INTO deprioritized_emails (event_id, email) VALUES (?, ?)").bind(eventId, listed).run();
    const first = await signUp({ email: listed, password: "a long passphrase", fullName: "Late", role: "student" });
    expect(first.user.deprioritized).toBe(true);
    expect((await api("POST", "/bookings", { token: first.token, body: { slotId: slot!.id } })).body.error.code).toBe("phase_gate");
    // A private address: refused outright.
    expect((await signup(`late.again-${tag()}@gmail.test`)).body.error.code).toBe("email_not_allowed");
    // Someone else's school address: the account exists, but its mail goes to its owner, so it never books.
    const borrowed = `classmate-${tag()}@school.test`;
    expect((await signup(borrowed)).status).toBe(202);
    const second = await api("POST", "/auth/login", { body: { email: borrowed, password: "a long passphrase" } });
    expect((await api("POST", "/bookings", { token: second.body.token, body: { slotId: slot!.id } })).body.error.code).toBe("email_unverified");
    const booked = await env.DB.prepare("SELECT count(*) AS n FROM bookings WHERE slot_id = ?").bind(slot!.id).first<number>("n");
    expect(booked).toBe(0);
    expect((await studentState(eventId, second.body.user.id)).bookings).toEqual([]);
  });
});
