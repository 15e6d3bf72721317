// Recruiters join their company (issue #12): invitations bind to one company, work once and expire;
// several recruiters per company; an existing recruiter account is linked with its own password.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PASSWORD, api, call, createCompany, createEvent, createUser } from "./helpers.ts";
import { linkToken, waitForMail } from "./mailbox.ts";

const addr = (tag: string) => `${tag}-${crypto.randomUUID().slice(0, 8)}@acme.test`;

async function invite(adminToken: string, companyId: string, email: string): Promise<string> {
  const r = await api("POST", `/admin/companies/${companyId}/invitations`, { token: adminToken, body: { email } });
  expect(r.status).toBe(201);
  expect(r.body.invitation).toMatchObject({ companyId, email, acceptedAt: null });
  return linkToken(await waitForMail(call, email, (m) => m.kind === "invitation"), "/invite");
}

describe("invitations", () => {
  it("the link creates a verified recruiter of that company; a second use is refused; two recruiters for one company", async () => {
    const eventId = await createEvent();
    const companyId = await createCompany(eventId);
    const admin = await createUser({ role: "admin" });
    const [a, b] = [addr("ann"), addr("bob")];
    const [ta, tb] = [await invite(admin.token, companyId, a), await invite(admin.token, companyId, b)];
    const r = await api("POST", "/auth/invitations/accept", { body: { token: ta, password: "recruiter passphrase", fullName: "Ann" } });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ email: a, role: "company", companyId, emailVerified: true, fullName: "Ann" });
    expect((await api("GET", "/company/slots", { token: r.body.token })).status).toBe(200);
    const again = await api("POST", "/auth/invitations/accept", { body: { token: ta, password: "someone else", fullName: "Mallory" } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe("invalid_token");
    expect((await api("POST", "/auth/invitations/accept", { body: { token: tb, password: "recruiter passphrase", fullName: "Bob" } })).body.user.companyId).toBe(companyId);
    const admins = await api("GET", "/admin/companies", { token: admin.token });
    const listed = admins.body.companies.find((c: { id: string }) => c.id === companyId);
    expect(listed.recruiters.map((x: { email: string }) => x.email).sort()).toEqual([a, b].sort());
    const list = await api("GET", `/admin/companies/${companyId}/invitations`, { token: admin.token });
    expect(list.body.invitations.every((i: { acceptedAt: string | null }) => i.acceptedAt !== null)).toBe(true);
  });

  it("an expired invitation is refused and creates nothing", async () => {
    const eventId = await createEvent();
    const companyId = await createCompany(eventId);
    const admin = await createUser({ role: "admin" });
    const email = addr("late");
    const token = await invite(admin.token, companyId, email);
    await env.DB.prepare("UPDATE invitations SET expires_at = ? WHERE email = ?").bind(new Date(Date.now() - 1000).toISOString(), email).run();
    const r = await api("POST", "/auth/invitations/accept", { body: { token, password: "recruiter passphrase", fullName: "Late" } });
    expect(r.body.error.code).toBe("invalid_token");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first<number>("n")).toBe(0);
  });

  it("links an existing recruiter account (its own password required) to the inviting company only, ending its old sessions", async () => {
    const eventId = await createEvent();
    const [oldCompany, newCompany, other] = [await createCompany(eventId), await createCompany(eventId), await createCompany(eventId)];
    const admin = await createUser({ role: "admin" });
    const rec = await createUser({ role: "company", companyId: oldCompany });
    const token = await invite(admin.token, newCompany, rec.email);
    const wrong = await api("POST", "/auth/invitations/accept", { body: { token, password: "not their password", fullName: "X" } });
    expect(wrong.status).toBe(401);
    const r = await api("POST", "/auth/invitations/accept", { body: { token, password: PASSWORD, fullName: "ignored" } });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: rec.id, companyId: newCompany, fullName: rec.fullName });
    expect(r.body.user.companyId).not.toBe(other);
    expect((await api("GET", "/company", { token: rec.token })).status).toBe(401);
    expect((await api("GET", "/company", { token: r.body.token })).body.company.id).toBe(newCompany);
  });

  it("a student's or an admin's address cannot be invited (409), and nothing is sent", async () => {
    const eventId = await createEvent();
    const companyId = await createCompany(eventId);
    const admin = await createUser({ role: "admin" });
    const student = await createUser();
    const r = await api("POST", `/admin/companies/${companyId}/invitations`, { token: admin.token, body: { email: student.email } });
    expect(r.status).toBe(409);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM invitations WHERE email = ?").bind(student.email).first<number>("n")).toBe(0);
  });
});
