// No enumeration (issue #12): signup and "forgot password" answer alike for known and unknown
// addresses, and both signup paths do the same expensive work (one PBKDF2 derivation), so their
// timing falls in one class. Timing itself is never asserted (machines are noisy); the work is.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, createEvent, createUser } from "./helpers.ts";

const signup = (email: string) => api("POST", "/auth/signup", { body: { email, password: "a long passphrase", fullName: "Eve", role: "student" }, headers: { "cf-connecting-ip": "192.0.2.77" } });
const fresh = () => `fresh-${crypto.randomUUID().slice(0, 8)}@example.test`;

afterEach(() => vi.restoreAllMocks());

describe("known and unknown addresses", () => {
  it("signup: same status and body; each path derives exactly one password hash", async () => {
    await createEvent();
    const known = await createUser();
    const derive = vi.spyOn(crypto.subtle, "deriveBits");
    const a = await signup(known.email);
    const forKnown = derive.mock.calls.length;
    const b = await signup(fresh());
    const forUnknown = derive.mock.calls.length - forKnown;
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body).toEqual(b.body);
    expect([forKnown, forUnknown]).toEqual([1, 1]);
    expect(a.headers.get("set-cookie")).toBeNull();
    expect(b.headers.get("set-cookie")).toBeNull();
  });

  it("forgot password: 202 and the same body for a known and an unknown address", async () => {
    const known = await createUser();
    const a = await api("POST", "/auth/password/forgot", { body: { email: known.email } });
    const b = await api("POST", "/auth/password/forgot", { body: { email: fresh() } });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body).toEqual(b.body);
    const tokens = await env.DB.prepare("SELECT count(*) AS n FROM account_tokens WHERE user_id = ? AND kind = 'reset'").bind(known.id).first<number>("n");
    expect(tokens).toBe(1);
  });
});
