// Signup (202 + a verification mail), verification, login, logout; password storage; rate limits
// that stop guessing but never a class.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PASSWORD, api, call, clearOfWindowEdge, createEvent, createUser, signUp, together } from "./helpers.ts";
import { linkToken, waitForMail } from "./mailbox.ts";

const signup = (body: Record<string, unknown>, ip = "203.0.113.7") => api("POST", "/auth/signup", { body, headers: { "cf-connecting-ip": ip } });
const login = (email: string, password: string, ip = "203.0.113.7") => api("POST", "/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip } });
const unique = (tag: string) => `${tag}-${crypto.randomUUID().slice(0, 8)}@Example.TEST`;

describe("auth", () => {
  it("signs a student up: 202, a verification mail whose link logs them in verified, a PBKDF2 hash, never the password", async () => {
    await createEvent();
    const email = unique("ada");
    const r = await signup({ email, password: "a long passphrase", fullName: "Ada Lovelace", role: "student" });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ status: "verification_sent" });
    const stored = await env.DB.prepare("SELECT id, password_hash, email_verified FROM users WHERE email = ?").bind(email.toLowerCase()).first<{ id: string; password_hash: string; email_verified: number }>();
    expect(stored?.email_verified).toBe(0);
    expect(stored?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(stored?.password_hash).not.toContain("a long passphrase");
    const mail = await waitForMail(call, email.toLowerCase(), (m) => m.kind === "verify");
    const v = await api("POST", "/auth/verify", { body: { token: linkToken(mail, "/verify") } });
    expect(v.status).toBe(200);
    expect(v.body.user).toEqual({ id: stored!.id, email: email.toLowerCase(), fullName: "Ada Lovelace", role: "student", deprioritized: false, companyId: null, emailVerified: true });
    expect(v.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const cookie = v.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^__Host-inf_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/Path=\//i);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await api("GET", "/me", { token: v.body.token })).body.user).toEqual(v.body.user);
    // The link works once.
    expect((await api("POST", "/auth/verify", { body: { token: linkToken(mail, "/verify") } })).body.error.code).toBe("invalid_token");
  });

  it("a second signup with a known address answers the same 202, creates nothing, and mails the owner instead", async () => {
    const email = unique("dup");
    const first = await signup({ email, password: "a long passphrase", fullName: "One", role: "student" });
    const again = await signup({ email: email.toUpperCase(), password: "another passphrase", fullName: "Two", role: "student" });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body).toEqual(first.body);
    const n = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email.toLowerCase()).first<number>("n");
    expect(n).toBe(1);
    const notice = await waitForMail(call, email.toLowerCase(), (m) => m.kind === "account_exists");
    expect(notice.links.map((l) => new URL(l).pathname)).toEqual(["/login", "/forgot-password"]);
  });

  it("a recruiter's signup creates their company, unverified and out of the catalogue until the career office verifies it", async () => {
    const eventId = await createEvent();
    const r = await signUp({ email: unique("rec"), password: "a long passphrase", fullName: "Rita", role: "company", companyName: "Rita's Robots" });
    const companyId = r.user.companyId;
    expect(companyId).toEqual(expect.any(String));
    const mine = await api("GET", "/company", { token: r.token });
    expect(mine.body).toMatchObject({ company: { id: companyId, name: "Rita's Robots" }, verified: false });
    expect((await api("GET", "/companies")).body.companies.map((c: { id: string }) => c.id)).not.toContain(companyId);
    expect((await api("GET", `/companies/${companyId}`)).status).toBe(404);
    const admin = await createUser({ role: "admin" });
    expect((await api("POST", `/admin/companies/${companyId}/verify`, { token: admin.token, body: {} })).status).toBe(200);
    expect((await api("GET", "/companies")).body.companies.map((c: { id: string }) => c.id)).toContain(companyId);
    const link = await env.DB.prepare("SELECT verified_at FROM event_companies WHERE event_id = ? AND company_id = ?").bind(eventId, companyId).first<string>("verified_at");
    expect(link).not.toBeNull();
  });

  it("flags a student whose e-mail is on the event's deprioritized list at signup", async () => {
    const eventId = await createEvent();
    const email = unique("late");
    await env.DB.prepare("INSERT INTO deprioritized_emails (event_id, email) VALUES (?, ?)").bind(eventId, email.toLowerCase()).run();
    const r = await signUp({ email, password: "a long passphrase", fullName: "Late", role: "student" });
    expect(r.user.deprioritized).toBe(true);
  });

  it("logs in with any case of the e-mail, refuses a wrong password or unknown account with the same 401", async () => {
    const u = await createUser();
    const ok = await login(u.email.toUpperCase(), PASSWORD);
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(u.id);
    expect(ok.headers.get("set-cookie")).toMatch(/^__Host-inf_session=/);
    const wrong = await login(u.email, "not the password");
    const unknown = await login(unique("ghost"), "not the password");
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(unknown.body);
    const last = await env.DB.prepare("SELECT last_login_at FROM users WHERE id = ?").bind(u.id).first<string>("last_login_at");
    expect(last).not.toBeNull();
  });

  it("logout answers 204 and clears the cookie", async () => {
    const r = await api("POST", "/auth/logout");
    expect(r.status).toBe(204);
    expect(r.headers.get("set-cookie")).toMatch(/__Host-inf_session=;.*Max-Age=0/i);
  });

  it("a class of 40 signing up together from one IP all get in", async () => {
    await createEvent();
    const answers = await together(40, (i) => signup({ email: unique(`class${i}`), password: "a long passphrase", fullName: `Student ${i}`, role: "student" }, "198.51.100.1"));
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(202));
  });

  it("one IP signing up far more than a class in a minute is stopped (429), and nothing more is created", async () => {
    await createEvent();
    const tag = crypto.randomUUID().slice(0, 8);
    await clearOfWindowEdge(60); // the 70 must fall in one window of RL_SIGNUP_IP
    const answers = await together(70, (i) => signup({ email: `flood${i}-${tag}@example.test`, password: "a long passphrase", fullName: "Flood", role: "student" }, "198.51.100.99"));
    const codes = answers.map((a) => a.status);
    expect(codes.filter((s) => s === 202).length).toBe(60);
    expect(codes.filter((s) => s === 429).length).toBe(10);
    const n = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email LIKE ?").bind(`flood%-${tag}@example.test`).first<number>("n");
    expect(n).toBe(60);
  });
});
