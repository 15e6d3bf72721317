// Honest 429s and 503s: every one the Worker produces says when to come back (Retry-After); a
// transient D1 fault is a 503 the client may retry, a bug is a 500 with a request id and no
// Retry-After.
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../worker/lib/errors.ts";
import { onError } from "../worker/middleware/request.ts";
import { api, createEvent, createUser } from "./helpers.ts";

afterEach(async () => {
  await env.DB.prepare("DROP TRIGGER IF EXISTS inject_fault").run();
  vi.restoreAllMocks();
});

describe("Retry-After", () => {
  it("the login limiter's 429 says to wait out its one-minute window", async () => {
    const u = await createUser();
    let last = await api("POST", "/auth/login", { body: { email: u.email, password: "not it" } });
    for (let i = 0; i < 12 && last.status !== 429; i++) last = await api("POST", "/auth/login", { body: { email: u.email, password: "not it" } });
    expect(last.status).toBe(429);
    expect(last.body.error.code).toBe("rate_limited");
    expect(last.headers.get("retry-after")).toBe("60");
  });

  it("a transient D1 fault is a 503 unavailable with Retry-After, and changes nothing", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await createEvent();
    // D1's own words for a dropped connection (Cloudflare D1 "Retry queries"), raised by SQLite.
    await env.DB.prepare("CREATE TRIGGER inject_fault BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'Network connection lost.'); END").run();
    const email = `late-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const r = await api("POST", "/auth/signup", { body: { email, password: "a long passphrase", fullName: "Late", role: "student" } });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe("unavailable");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first<number>("n")).toBe(0);
  });

  it("a bug is a 500 internal with its request id and no Retry-After", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await createEvent();
    await env.DB.prepare("CREATE TRIGGER inject_fault BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'a constraint we forgot'); END").run();
    const r = await api("POST", "/auth/signup", { body: { email: `bug-${crypto.randomUUID().slice(0, 8)}@example.test`, password: "a long passphrase", fullName: "Bug", role: "student" } });
    expect(r.status).toBe(500);
    expect(r.body.error.message).toContain(r.headers.get("x-request-id")!);
    expect(r.headers.get("retry-after")).toBeNull();
  });

  it("an ApiError's own retryAfter wins; a 429 or 503 without one still gets a default", async () => {
    const app = new Hono()
      .get("/busy", () => {
        throw new ApiError("unavailable", "busy", undefined, { retryAfter: 7.2 });
      })
      .get("/plain-503", () => {
        throw new ApiError("unavailable", "busy");
      })
      .get("/plain-429", () => {
        throw new ApiError("rate_limited", "slow down");
      })
      .onError(onError as never);
    expect((await app.request("/busy")).headers.get("retry-after")).toBe("8");
    expect(Number((await app.request("/plain-503")).headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number((await app.request("/plain-429")).headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
