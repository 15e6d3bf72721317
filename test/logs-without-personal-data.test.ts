// Logs carry codes, ids and durations, never personal data: no e-mail, name, password hash or SQL
// parameter reaches a log line, not even when drizzle's error (whose message is the query and its
// values) escapes to the error handler. The duplicate-signup race gets the same 202 as any signup
// (no enumeration), detected through the error's cause, never a 500.
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { api, createEvent, together } from "./helpers.ts";

const lines: string[] = [];
const capture = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));

beforeAll(async () => {
  await createEvent();
  for (const m of ["log", "info", "warn", "error", "debug"] as const) vi.spyOn(console, m).mockImplementation(capture);
});
afterAll(() => vi.restoreAllMocks());
afterEach(async () => {
  await env.DB.prepare("DROP TRIGGER IF EXISTS inject_fault").run();
});

const person = () => {
  const tag = crypto.randomUUID().slice(0, 8);
  return { email: `zoe.${tag}@school.example`, fullName: `Zoé Quasimodo ${tag}`, password: `secret passphrase ${tag}` };
};
const signup = (p: ReturnType<typeof person>) => api("POST", "/auth/signup", { body: { ...p, role: "student" }, headers: { "cf-connecting-ip": "203.0.113.50" } });

/** Every captured line that mentions any of the person's data (or any password hash). */
const leaks = (p: ReturnType<typeof person>) =>
  lines.filter((l) => [p.email, p.fullName, p.password, "pbkdf2-sha256$"].some((needle) => l.toLowerCase().includes(needle.toLowerCase())));

describe("logs without personal data", () => {
  it("five signups racing for one e-mail: one account, five identical 202 answers, never a 500", async () => {
    const p = person();
    const answers = await together(5, () => signup(p));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    for (const a of answers) expect(a.body).toEqual({ status: "verification_sent" });
    const n = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(p.email).first<number>("n");
    expect(n).toBe(1);
    expect(leaks(p)).toEqual([]);
  });

  it("a database error carrying the signup's values is a 500 with a request id, and its log line names no value", async () => {
    await env.DB.prepare("CREATE TRIGGER inject_fault BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'injected fault'); END").run();
    const p = person();
    const before = lines.length;
    const r = await signup(p);
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe("internal");
    const requestId = r.headers.get("x-request-id");
    expect(requestId).toBeTruthy();
    expect(r.body.error.message).toContain(requestId);
    // The handler did log the fault, with the request id and SQLite's own message...
    const logged = lines.slice(before).filter((l) => l.includes(requestId!) && l.includes('"level":"error"'));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join("\n")).toContain("injected fault");
    // ...and neither the query's parameters nor anything of the person, in any line.
    expect(leaks(p)).toEqual([]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(p.email).first<number>("n")).toBe(0);
  });

  it("failed and successful logins log no e-mail", async () => {
    const p = person();
    expect((await signup(p)).status).toBe(202);
    expect((await api("POST", "/auth/login", { body: { email: p.email, password: "wrong password" } })).status).toBe(401);
    expect((await api("POST", "/auth/login", { body: { email: p.email, password: p.password } })).status).toBe(200);
    expect(leaks(p)).toEqual([]);
  });
});
