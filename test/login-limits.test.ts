// Login limits count FAILED attempts per account and source (issue #12): a rival guessing from one
// place cannot lock the owner out from another, and correct passwords never use anything up.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_FAILURES } from "../worker/lib/login-guard.ts";
import { PASSWORD, api, createUser, createUsers } from "./helpers.ts";

const login = (email: string, password: string, ip: string) => api("POST", "/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip } });

describe("failed logins", () => {
  it("15 wrong passwords from one source: 429 there after 10, while the owner logs in from another source", async () => {
    const victim = await createUser();
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await login(victim.email, `guess ${i}`, "203.0.113.66")).status);
    expect(statuses).toEqual([...Array(MAX_FAILURES).fill(401), ...Array(15 - MAX_FAILURES).fill(429)]);
    // The rival's source stays blocked even with the right password (it cannot probe past the limit).
    expect((await login(victim.email, PASSWORD, "203.0.113.66")).status).toBe(429);
    const owner = await login(victim.email, PASSWORD, "198.51.100.20");
    expect(owner.status).toBe(200);
    expect(owner.body.user.id).toBe(victim.id);
    const stored = await env.DB.prepare("SELECT failures FROM login_failures WHERE email = ? AND source = ?").bind(victim.email, "203.0.113.66").first<number>("failures");
    expect(stored).toBe(MAX_FAILURES);
  });

  it("correct passwords are never counted, and a success clears that source's failures", async () => {
    const u = await createUser();
    for (let i = 0; i < MAX_FAILURES + 5; i++) expect((await login(u.email, PASSWORD, "192.0.2.10")).status).toBe(200);
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await login(u.email, "wrong", "192.0.2.11")).status).toBe(401);
    expect((await login(u.email, PASSWORD, "192.0.2.11")).status).toBe(200);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM login_failures WHERE email = ?").bind(u.email).first<number>("n");
    expect(left).toBe(0);
    expect((await login(u.email, "wrong again", "192.0.2.11")).status).toBe(401);
  });

  it("a campus logging in together from one address is not slowed by the failure count", async () => {
    const users = await createUsers(12);
    const answers = await Promise.all(users.map((u) => login(u.email, PASSWORD, "198.51.100.1")));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
  });
});
