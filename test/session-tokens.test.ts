// Session tokens that cannot be forged: only an HS256 token signed with our secret, issued by us
// (iss), for our sessions (aud), with an expiry (exp) still ahead, opens a session. Everything
// else is a 401 on a read and on a write, by Bearer header and by cookie.
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { AUDIENCE, COOKIE, ISSUER, readSession, signSession } from "../worker/lib/jwt.ts";
import { api, createCompany, createEvent, createSlots, createUser, type UserFixture } from "./helpers.ts";

const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromB64url = (s: string) => atob(s.replace(/-/g, "+").replace(/_/g, "/"));
const key = (s: string) => new TextEncoder().encode(s);
const now = () => Math.floor(Date.now() / 1000);

let student: UserFixture;
let slotId: string;
const claims = () => ({ email: student.email, role: "admin", name: student.fullName, cid: null });

beforeAll(async () => {
  const eventId = await createEvent({ phase: 1 });
  slotId = (await createSlots(eventId, await createCompany(eventId), 1))[0]!.id;
  student = await createUser();
});

/** A token with our claims, signed HS256 with `secret`, shaped by `shape`. */
function mint(secret: string, shape: (j: SignJWT) => SignJWT = (j) => j.setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime(now() + 600)) {
  return shape(new SignJWT(claims()).setProtectedHeader({ alg: "HS256" }).setSubject(student.id).setIssuedAt()).sign(key(secret));
}

async function expectRefused(token: string, what: string) {
  const me = await api("GET", "/me", { token });
  expect(me.status, `${what}: GET /me by Bearer`).toBe(401);
  expect(me.body.error.code).toBe("unauthenticated");
  expect((await api("GET", "/me", { headers: { cookie: `${COOKIE}=${token}` } })).status, `${what}: by cookie`).toBe(401);
  expect((await api("GET", "/admin/event", { token })).status, `${what}: an admin route`).toBe(401);
  expect((await api("POST", "/bookings", { token, body: { slotId } })).status, `${what}: a write`).toBe(401);
}

describe("session tokens", () => {
  it("a token we signed opens the session (the control: the cases below fail for their one flaw)", async () => {
    const r = await api("GET", "/me", { token: await mint(env.JWT_SECRET) });
    expect(r.status).toBe(200);
    expect(r.body.user.id).toBe(student.id);
  });

  it("alg none, unsigned: 401", async () => {
    const body = { ...claims(), sub: student.id, iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600 };
    await expectRefused(`${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(body))}.`, "alg none");
  });

  it("HS256 keyed with public text (the issuer, the audience, the app's name): 401", async () => {
    for (const publicText of [ISSUER, AUDIENCE, "inf-booking", "secret"]) await expectRefused(await mint(publicText), `key "${publicText}"`);
  });

  it("signed with a wrong secret, or with the right one under another algorithm (HS512): 401", async () => {
    await expectRefused(await mint("not-the-secret-0123456789abcdef0123456789"), "wrong key");
    const hs512 = await new SignJWT(claims()).setProtectedHeader({ alg: "HS512" }).setSubject(student.id).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime(now() + 600).sign(key(env.JWT_SECRET));
    await expectRefused(hs512, "HS512");
  });

  it("a tampered payload (role raised to admin, signature kept): 401", async () => {
    const [header, payload, signature] = student.token.split(".") as [string, string, string];
    const raised = b64url(JSON.stringify({ ...JSON.parse(fromB64url(payload)), role: "admin" }));
    await expectRefused(`${header}.${raised}.${signature}`, "tampered");
  });

  it("no exp: 401", async () => {
    await expectRefused(await mint(env.JWT_SECRET, (j) => j.setIssuer(ISSUER).setAudience(AUDIENCE)), "no exp");
  });

  it("a wrong or missing issuer, a wrong or missing audience: 401", async () => {
    const exp = now() + 600;
    await expectRefused(await mint(env.JWT_SECRET, (j) => j.setIssuer("someone-else").setAudience(AUDIENCE).setExpirationTime(exp)), "wrong iss");
    await expectRefused(await mint(env.JWT_SECRET, (j) => j.setAudience(AUDIENCE).setExpirationTime(exp)), "no iss");
    await expectRefused(await mint(env.JWT_SECRET, (j) => j.setIssuer(ISSUER).setAudience("inf-booking:other").setExpirationTime(exp)), "wrong aud");
    await expectRefused(await mint(env.JWT_SECRET, (j) => j.setIssuer(ISSUER).setExpirationTime(exp)), "no aud");
  });

  it("expired by one second: 401; one that still has seconds to live works", async () => {
    await expectRefused(await signSession({ ...student, role: "student" }, env.JWT_SECRET, -1), "expired 1 s ago");
    expect((await api("GET", "/me", { token: await signSession({ ...student, role: "student" }, env.JWT_SECRET, 5) })).status).toBe(200);
  });

  it("a token already verified (the isolate keeps it) still dies the second its exp passes, and only opens under its own secret", async () => {
    const token = await signSession({ ...student, role: "student" }, env.JWT_SECRET, 2);
    const expMs = (JSON.parse(fromB64url(token.split(".")[1]!)) as { exp: number }).exp * 1000;
    expect((await readSession(token, env.JWT_SECRET))?.id).toBe(student.id);
    expect((await readSession(token, env.JWT_SECRET))?.id, "read again: served as verified").toBe(student.id);
    expect(await readSession(token, "another-secret-0123456789-0123456789-0123"), "same token, other secret").toBeNull();
    expect((await api("GET", "/me", { token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, expMs - Date.now()) + 20));
    expect(await readSession(token, env.JWT_SECRET), "past exp").toBeNull();
    await expectRefused(token, "verified, then expired");
  });

  it("the tokens we issue carry iss, aud and exp", async () => {
    const payload = JSON.parse(fromB64url(student.token.split(".")[1]!)) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: student.id, exp: expect.any(Number) });
  });
});
