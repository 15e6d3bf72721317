// Signup, login, logout, me; password storage; rate limits that stop guessing but never a class.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PASSWORD, api, createEvent, createUser, together } from "./helpers.ts";

const signup = (body: Record<string, unknown>, ip = "203.0.113.7") => api("POST", "/auth/signup", { body, headers: { "cf-connecting-ip": ip } });
const login = (email: string, password: string, ip = "203.0.113.7") => api("POST", "/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip } });
const unique = (tag: string) => `${tag}-${crypto.randomUUID().slice(0, 8)}@Example.TEST`;

describe("auth", () => {
  it("signs a student up: 201 {user, token}, a secure session cookie, a PBKDF2 hash, never the password", async () => {
    await createEvent();
    const email = unique("ada");
    const r = await signup({ email, password: "a long passphrase", fullName: "Ada Lovelace", role: "student" });
    expect(r.status).toBe(201);
    expect(r.body.user).toEqual({ id: expect.any(String), email: email.toLowerCase(), fullName: "Ada Lovelace", role: "student", deprioritized: false, companyId: null });
    expect(r.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const cookie = r.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^inf_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await api("GET", "/me", { token: r.body.token });
    expect(me.body.user).toEqual(r.body.user);
    const stored = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?").bind(r.body.user.id).first<string>("password_hash");
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(stored).not.toContain("a long passphrase");
  });

  it("refuses a second account for the same e-mail, whatever its case (409 conflict)", async () => {
    const email = unique("dup");
    expect((await signup({ email, password: "a long passphrase", fullName: "One", role: "student" })).status).toBe(201);
    const again = await signup({ email: email.toUpperCase(), password: "another passphrase", fullName: "Two", role: "student" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
    const n = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email.toLowerCase()).first<number>("n");
    expect(n).toBe(1);
  });

  it("a recruiter's signup creates their company, unverified and out of the catalogue until the career office verifies it", async () => {
    const eventId = await createEvent();
    const r = await signup({ email: unique("rec"), password: "a long passphrase", fullName: "Rita", role: "company", companyName: "Rita's Robots" });
    expect(r.status).toBe(201);
    const companyId = r.body.user.companyId;
    expect(companyId).toEqual(expect.any(String));
    const mine = await api("GET", "/company", { token: r.body.token });
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
    const r = await signup({ email, password: "a long passphrase", fullName: "Late", role: "student" });
    expect(r.body.user.deprioritized).toBe(true);
  });

  it("logs in with any case of the e-mail, refuses a wrong password or unknown account with the same 401", async () => {
    const u = await createUser();
    const ok = await login(u.email.toUpperCase(), PASSWORD);
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(u.id);
    expect(ok.headers.get("set-cookie")).toMatch(/^inf_session=/);
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
    expect(r.headers.get("set-cookie")).toMatch(/inf_session=;.*Max-Age=0/i);
  });

  it("rate-limits password guessing per account, while the same campus IP still logs others in", async () => {
    const victim = await createUser();
    const other = await createUser();
    const guesses = [];
    for (let i = 0; i < 12; i++) guesses.push((await login(victim.email, `guess ${i}`)).status);
    expect(guesses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(guesses.slice(10)).toEqual([429, 429]);
    const blocked = await login(victim.email, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    expect((await login(other.email, PASSWORD)).status).toBe(200);
  });

  it("a class of 40 signing up together from one IP all get in", async () => {
    await createEvent();
    const answers = await together(40, (i) => signup({ email: unique(`class${i}`), password: "a long passphrase", fullName: `Student ${i}`, role: "student" }, "198.51.100.1"));
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(201));
  });
});
