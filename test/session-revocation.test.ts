// Sessions end when they should (issue #12): logout, password change, password reset, erasure,
// role change and disable each make every earlier token of that user answer 401 at once, by Bearer
// and by cookie, on every route; other users' sessions are untouched.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { erasureSql } from "../cli/lib/erasure.ts";
import { PASSWORD, api, call, createCompany, createEvent, createUser, type UserFixture } from "./helpers.ts";
import { linkToken, waitForMail } from "./mailbox.ts";

async function loggedIn(u: UserFixture): Promise<string> {
  const r = await api("POST", "/auth/login", { body: { email: u.email, password: PASSWORD } });
  expect(r.status).toBe(200);
  return r.body.token;
}

/** Every way a client presents the token, on a route of each kind. */
async function expectEnded(token: string) {
  for (const path of ["/me", "/me/preferences", "/bookings"]) {
    expect((await api("GET", path, { token })).status, `${path} by Bearer`).toBe(401);
    expect((await api("GET", path, { headers: { cookie: `__Host-inf_session=${token}` } })).status, `${path} by cookie`).toBe(401);
  }
}

describe("revocation", () => {
  it("logout ends every session of the user (both tokens), not another user's", async () => {
    await createEvent();
    const u = await createUser();
    const other = await createUser();
    const [a, b] = [await loggedIn(u), await loggedIn(u)];
    expect((await api("GET", "/bookings", { token: a })).status).toBe(200);
    expect((await api("POST", "/auth/logout", { token: a })).status).toBe(204);
    await expectEnded(a);
    await expectEnded(b);
    await expectEnded(u.token);
    expect((await api("GET", "/me", { token: other.token })).status).toBe(200);
    expect((await api("GET", "/me", { token: await loggedIn(u) })).status).toBe(200);
  });

  it("a password change ends the other sessions; the answer carries a new working token", async () => {
    const u = await createUser();
    const old = await loggedIn(u);
    const wrong = await api("POST", "/me/password", { token: old, body: { currentPassword: "not it", newPassword: "a brand new passphrase" } });
    expect(wrong.status).toBe(400);
    expect((await api("GET", "/me", { token: old })).status).toBe(200);
    const r = await api("POST", "/me/password", { token: old, body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" } });
    expect(r.status).toBe(200);
    await expectEnded(old);
    expect((await api("GET", "/me", { token: r.body.token })).status).toBe(200);
    expect((await api("POST", "/auth/login", { body: { email: u.email, password: PASSWORD } })).status).toBe(401);
  });

  it("a password reset ends every session", async () => {
    const u = await createUser();
    const old = await loggedIn(u);
    expect((await api("POST", "/auth/password/forgot", { body: { email: u.email } })).status).toBe(202);
    const mail = await waitForMail(call, u.email, (m) => m.kind === "reset");
    const r = await api("POST", "/auth/password/reset", { body: { token: linkToken(mail, "/reset-password"), password: "chosen after a reset" } });
    expect(r.status).toBe(200);
    await expectEnded(old);
  });

  it("erasure (the CLI's own SQL) ends every session", async () => {
    const u = await createUser();
    const old = await loggedIn(u);
    await env.DB.batch((await erasureSql([{ id: u.id, email: u.email }], new Date().toISOString())).map((s) => env.DB.prepare(s)));
    await expectEnded(old);
    await expectEnded(u.token);
  });

  it("a role change by the career office ends every session (the tokens named the old role)", async () => {
    const eventId = await createEvent();
    const companyId = await createCompany(eventId);
    const admin = await createUser({ role: "admin" });
    const u = await createUser();
    const old = await loggedIn(u);
    const r = await api("PATCH", `/admin/users/${u.id}/role`, { token: admin.token, body: { role: "company", companyId } });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ role: "company", companyId });
    await expectEnded(old);
    const fresh = await loggedIn(u);
    expect((await api("GET", "/company", { token: fresh })).status).toBe(200);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ? ORDER BY id DESC").bind(u.id).first<string>("action");
    expect(audit).toBe("user.role");
  });

  it("disabling an account ends its sessions and refuses its logins until enabled again", async () => {
    const admin = await createUser({ role: "admin" });
    const u = await createUser();
    const old = await loggedIn(u);
    expect((await api("POST", `/admin/users/${u.id}/disable`, { token: admin.token, body: { disabled: true } })).body.user.disabled).toBe(true);
    await expectEnded(old);
    const refused = await api("POST", "/auth/login", { body: { email: u.email, password: PASSWORD } });
    expect(refused.status).toBe(403);
    expect((await api("POST", `/admin/users/${u.id}/disable`, { token: admin.token, body: { disabled: false } })).status).toBe(200);
    expect((await api("POST", "/auth/login", { body: { email: u.email, password: PASSWORD } })).status).toBe(200);
  });
});
