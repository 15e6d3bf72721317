// Password reset by e-mail link (issue #12): single use, 30 minutes, and it logs the person in.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PASSWORD, api, call, createUser } from "./helpers.ts";
import { linkToken, waitForMail } from "./mailbox.ts";

async function resetLink(email: string): Promise<string> {
  expect((await api("POST", "/auth/password/forgot", { body: { email } })).status).toBe(202);
  return linkToken(await waitForMail(call, email, (m) => m.kind === "reset"), "/reset-password");
}

describe("password reset", () => {
  it("the link sets a new password and logs in; it works once; the old password no longer does", async () => {
    const u = await createUser();
    const token = await resetLink(u.email);
    const r = await api("POST", "/auth/password/reset", { body: { token, password: "my new passphrase" } });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: u.id, emailVerified: true });
    expect((await api("GET", "/me", { token: r.body.token })).status).toBe(200);
    const again = await api("POST", "/auth/password/reset", { body: { token, password: "yet another one" } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe("invalid_token");
    expect((await api("POST", "/auth/login", { body: { email: u.email, password: PASSWORD } })).status).toBe(401);
    expect((await api("POST", "/auth/login", { body: { email: u.email, password: "my new passphrase" } })).status).toBe(200);
  });

  it("a link older than 30 minutes is refused and changes nothing", async () => {
    const u = await createUser();
    const token = await resetLink(u.email);
    await env.DB.prepare("UPDATE account_tokens SET expires_at = ? WHERE user_id = ? AND kind = 'reset'").bind(new Date(Date.now() - 1000).toISOString(), u.id).run();
    const r = await api("POST", "/auth/password/reset", { body: { token, password: "too late for this" } });
    expect(r.body.error.code).toBe("invalid_token");
    expect((await api("POST", "/auth/login", { body: { email: u.email, password: PASSWORD } })).status).toBe(200);
  });

  it("is issued for 30 minutes, and a reset retires the other outstanding links", async () => {
    const u = await createUser();
    const first = await resetLink(u.email);
    const row = await env.DB.prepare("SELECT created_at, expires_at FROM account_tokens WHERE user_id = ? AND kind = 'reset'").bind(u.id).first<{ created_at: string; expires_at: string }>();
    expect(Date.parse(row!.expires_at) - Date.parse(row!.created_at)).toBeGreaterThan(29 * 60_000);
    expect(Date.parse(row!.expires_at) - Date.parse(row!.created_at)).toBeLessThanOrEqual(30 * 60_000 + 1000);
    await env.DB.prepare("DELETE FROM dev_mail WHERE \"to\" = ?").bind(u.email).run();
    const second = await resetLink(u.email);
    expect((await api("POST", "/auth/password/reset", { body: { token: second, password: "the second link" } })).status).toBe(200);
    expect((await api("POST", "/auth/password/reset", { body: { token: first, password: "the first link" } })).body.error.code).toBe("invalid_token");
  });

  it("the career office can start a reset for someone (audited); a verification link is no reset link", async () => {
    const admin = await createUser({ role: "admin" });
    const u = await createUser();
    expect((await api("POST", `/admin/users/${u.id}/password-reset`, { token: admin.token })).status).toBe(202);
    const mail = await waitForMail(call, u.email, (m) => m.kind === "reset");
    const action = await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ? ORDER BY id DESC").bind(u.id).first<string>("action");
    expect(action).toBe("user.password.reset.start");
    expect((await api("POST", "/auth/verify", { body: { token: linkToken(mail, "/reset-password") } })).body.error.code).toBe("invalid_token");
    expect((await api("POST", "/auth/password/reset", { body: { token: linkToken(mail, "/reset-password"), password: "office started it" } })).status).toBe(200);
  });
});
