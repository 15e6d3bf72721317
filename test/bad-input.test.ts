// Bad input on every write route: the contract's 4xx code, a clear message, and no state change.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser, slotState, type UserFixture } from "./helpers.ts";

let eventId: string;
let companyId: string;
let slotId: string;
let student: UserFixture;
let admin: UserFixture;

beforeAll(async () => {
  eventId = await createEvent({ phase: 1 });
  companyId = await createCompany(eventId);
  slotId = (await createSlots(eventId, companyId, 1))[0]!.id;
  student = await createUser();
  admin = await createUser({ role: "admin" });
});

/** Everything a bad request could have touched, in one comparable snapshot. */
async function snapshot() {
  const counts = await env.DB.batch(
    ["users", "companies", "event_companies", "bookings", "booking_attempts", "deprioritized_emails", "audit_log", "slots", "offers", "wishes", "draws", "draw_entries"].map((t) =>
      env.DB.prepare(`SELECT '${t}' AS t, count(*) AS n FROM ${t}`),
    ),
  );
  const event = await env.DB.prepare("SELECT * FROM events WHERE id = ?").bind(eventId).first();
  return { counts: counts.map((r) => r.results[0]), event, seats: (await slotState(slotId)).seats };
}

const HUGE = JSON.stringify({ slotId: "x".repeat(70 * 1024) });

interface Bad {
  name: string;
  method: string;
  path: string;
  token?: () => string;
  raw?: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const studentToken = () => student.token;
const adminToken = () => admin.token;

const routes: { method: string; path: string; token?: () => string; good: Record<string, unknown> }[] = [
  { method: "POST", path: "/auth/signup", good: { email: "new@example.test", password: "long enough", fullName: "New", role: "student" } },
  { method: "POST", path: "/auth/login", good: { email: "new@example.test", password: "whatever" } },
  { method: "POST", path: "/bookings", token: studentToken, good: { slotId: "" } },
  { method: "PATCH", path: "/admin/event", token: adminToken, good: { maxBookingsTotal: 6 } },
  { method: "POST", path: "/admin/companies/:id/verify", token: adminToken, good: { verified: true } },
  { method: "POST", path: "/admin/slots/generate", token: adminToken, good: { dryRun: true } },
  { method: "POST", path: "/admin/deprioritized", token: adminToken, good: { emails: ["a@example.test"] } },
  { method: "PUT", path: "/wishes", token: studentToken, good: { wishes: [] } },
  { method: "POST", path: "/admin/draw/1/run", token: adminToken, good: { dryRun: true } },
  { method: "POST", path: "/auth/verify", good: { token: "a".repeat(43) } },
  { method: "POST", path: "/auth/password/forgot", good: { email: "a@example.test" } },
  { method: "POST", path: "/auth/password/reset", good: { token: "a".repeat(43), password: "long enough" } },
  { method: "POST", path: "/auth/invitations/accept", good: { token: "a".repeat(43), password: "long enough", fullName: "A" } },
  { method: "POST", path: "/admin/companies/:id/invitations", token: adminToken, good: { email: "a@example.test" } },
  { method: "POST", path: "/admin/companies/:id/merge", token: adminToken, good: { into: crypto.randomUUID() } },
  { method: "PATCH", path: "/me/preferences", token: studentToken, good: { reminders: false } },
];

const resolve = (p: string) => p.replace(":id", () => companyId);

const generic: Bad[] = routes.flatMap((r) => [
  { name: `${r.method} ${r.path}: malformed JSON`, method: r.method, path: resolve(r.path), token: r.token, raw: "{\"oops\": ", status: 400, code: "validation_failed" },
  { name: `${r.method} ${r.path}: an array instead of an object`, method: r.method, path: resolve(r.path), token: r.token, body: [1, 2], status: 400, code: "validation_failed" },
  { name: `${r.method} ${r.path}: an unknown field`, method: r.method, path: resolve(r.path), token: r.token, body: { ...r.good, isAdmin: true }, status: 400, code: "validation_failed" },
  { name: `${r.method} ${r.path}: a body over the size limit`, method: r.method, path: resolve(r.path), token: r.token, raw: r.path === "/admin/deprioritized" ? JSON.stringify({ emails: ["x".repeat(3 * 1024 * 1024)] }) : HUGE, status: 413, code: "payload_too_large" },
]);

const specific: Bad[] = [
  { name: "signup: not an e-mail", method: "POST", path: "/auth/signup", body: { email: "nope", password: "long enough", fullName: "X", role: "student" }, status: 400, code: "validation_failed" },
  { name: "signup: short password", method: "POST", path: "/auth/signup", body: { email: "s@example.test", password: "short", fullName: "X", role: "student" }, status: 400, code: "validation_failed" },
  { name: "signup: role admin is not self-service", method: "POST", path: "/auth/signup", body: { email: "s@example.test", password: "long enough", fullName: "X", role: "admin" }, status: 400, code: "validation_failed" },
  { name: "signup: a recruiter without a company name", method: "POST", path: "/auth/signup", body: { email: "r@example.test", password: "long enough", fullName: "X", role: "company" }, status: 400, code: "validation_failed" },
  { name: "signup: wrong types", method: "POST", path: "/auth/signup", body: { email: 42, password: true, fullName: null, role: "student" }, status: 400, code: "validation_failed" },
  { name: "login: missing password", method: "POST", path: "/auth/login", body: { email: "s@example.test" }, status: 400, code: "validation_failed" },
  { name: "book: not a uuid", method: "POST", path: "/bookings", token: studentToken, body: { slotId: "1; DROP TABLE slots" }, status: 400, code: "validation_failed" },
  { name: "book: a number", method: "POST", path: "/bookings", token: studentToken, body: { slotId: 12 }, status: 400, code: "validation_failed" },
  { name: "book: no body", method: "POST", path: "/bookings", token: studentToken, status: 400, code: "validation_failed" },
  { name: "book: JSON sent as text/plain", method: "POST", path: "/bookings", token: studentToken, raw: JSON.stringify({ slotId: "x" }), headers: { "content-type": "text/plain" }, status: 415, code: "unsupported_media_type" },
  { name: "cancel: a bad id", method: "DELETE", path: "/bookings/not-a-uuid", token: studentToken, status: 400, code: "validation_failed" },
  { name: "cancel: an unknown id", method: "DELETE", path: `/bookings/${crypto.randomUUID()}`, token: studentToken, status: 404, code: "not_found" },
  { name: "config: phase 2 before phase 1", method: "PATCH", path: "/admin/event", token: adminToken, body: { phase1Start: "2030-01-02T00:00:00Z", phase1End: "2030-01-03T00:00:00Z", phase2Start: "2030-01-01T00:00:00Z", phase2End: "2030-01-04T00:00:00Z" }, status: 400, code: "validation_failed" },
  { name: "config: phase cap above the total cap", method: "PATCH", path: "/admin/event", token: adminToken, body: { maxBookingsPhase1: 7, maxBookingsTotal: 6 }, status: 400, code: "validation_failed" },
  { name: "config: day start after day end", method: "PATCH", path: "/admin/event", token: adminToken, body: { dayStart: "14:00", dayEnd: "09:00" }, status: 400, code: "validation_failed" },
  { name: "config: a time zone that does not exist", method: "PATCH", path: "/admin/event", token: adminToken, body: { timeZone: "Europe/Atlantis" }, status: 400, code: "validation_failed" },
  { name: "config: a date that is not a date", method: "PATCH", path: "/admin/event", token: adminToken, body: { date: "2027-02-30" }, status: 400, code: "validation_failed" },
  { name: "config: capacity zero", method: "PATCH", path: "/admin/event", token: adminToken, body: { slotCapacity: 0 }, status: 400, code: "validation_failed" },
  { name: "config: a break outside HH:MM", method: "PATCH", path: "/admin/event", token: adminToken, body: { breaks: [{ start: "25:00", end: "26:00" }] }, status: 400, code: "validation_failed" },
  { name: "config: bookingOpen as a string", method: "PATCH", path: "/admin/event", token: adminToken, body: { bookingOpen: "yes" }, status: 400, code: "validation_failed" },
  { name: "verify: a bad company id", method: "POST", path: "/admin/companies/nope/verify", token: adminToken, body: {}, status: 400, code: "validation_failed" },
  { name: "verify: an unknown company", method: "POST", path: `/admin/companies/${crypto.randomUUID()}/verify`, token: adminToken, body: {}, status: 404, code: "not_found" },
  { name: "generate: an unverified or unknown company", method: "POST", path: "/admin/slots/generate", token: adminToken, body: { companyIds: [crypto.randomUUID()] }, status: 400, code: "validation_failed" },
  { name: "deprioritized: one bad line rejects the whole import", method: "POST", path: "/admin/deprioritized", token: adminToken, body: { emails: ["ok@example.test", "not an email"] }, status: 400, code: "validation_failed" },
  { name: "config: a student domain that is not a domain", method: "PATCH", path: "/admin/event", token: adminToken, body: { studentEmailDomains: ["@school"] }, status: 400, code: "validation_failed" },
  { name: "verify: an unknown token", method: "POST", path: "/auth/verify", body: { token: "b".repeat(43) }, status: 400, code: "invalid_token" },
  { name: "reset: an unknown token", method: "POST", path: "/auth/password/reset", body: { token: "b".repeat(43), password: "long enough" }, status: 400, code: "invalid_token" },
  { name: "reset: a short password", method: "POST", path: "/auth/password/reset", body: { token: "b".repeat(43), password: "short" }, status: 400, code: "validation_failed" },
  { name: "accept: an unknown invitation", method: "POST", path: "/auth/invitations/accept", body: { token: "b".repeat(43), password: "long enough", fullName: "A" }, status: 400, code: "invalid_token" },
  { name: "invite: not an e-mail", method: "POST", path: "/admin/companies/:id/invitations", token: adminToken, body: { email: "nope" }, status: 400, code: "validation_failed" },
  { name: "preferences: an unknown language", method: "PATCH", path: "/me/preferences", token: studentToken, body: { lang: "de" }, status: 400, code: "validation_failed" },
  { name: "role: a recruiter without a company", method: "PATCH", path: `/admin/users/${crypto.randomUUID()}/role`, token: adminToken, body: { role: "company" }, status: 400, code: "validation_failed" },
  { name: "deprioritized: an empty list", method: "POST", path: "/admin/deprioritized", token: adminToken, body: { emails: [] }, status: 400, code: "validation_failed" },
  { name: "config: wishes opening after phase 1 starts", method: "PATCH", path: "/admin/event", token: adminToken, body: { wishesOpen: "2099-01-01T00:00:00Z" }, status: 400, code: "validation_failed" },
  { name: "config: maxWishes zero", method: "PATCH", path: "/admin/event", token: adminToken, body: { maxWishes: 0 }, status: 400, code: "validation_failed" },
  { name: "config: drawPhase1 as a string", method: "PATCH", path: "/admin/event", token: adminToken, body: { drawPhase1: "yes" }, status: 400, code: "validation_failed" },
  { name: "wishes: a time that is not HH:MM", method: "PUT", path: "/wishes", token: studentToken, body: { wishes: [{ companyId: crypto.randomUUID(), notBefore: "9 am" }] }, status: 400, code: "validation_failed" },
  { name: "wishes: a company id that is not an id", method: "PUT", path: "/wishes", token: studentToken, body: { wishes: [{ companyId: 7 }] }, status: 400, code: "validation_failed" },
  { name: "wishes: more than any event allows", method: "PUT", path: "/wishes", token: studentToken, body: { wishes: Array.from({ length: 51 }, () => ({ companyId: crypto.randomUUID() })) }, status: 400, code: "validation_failed" },
  { name: "wishes: while none are collected", method: "PUT", path: "/wishes", token: studentToken, body: { wishes: [] }, status: 409, code: "wishes_closed" },
  { name: "draw run: a phase that does not exist", method: "POST", path: "/admin/draw/3/run", token: adminToken, body: {}, status: 400, code: "validation_failed" },
  { name: "draw run: dryRun as a string", method: "POST", path: "/admin/draw/1/run", token: adminToken, body: { dryRun: "yes" }, status: 400, code: "validation_failed" },
  { name: "draw run: a phase without a draw", method: "POST", path: "/admin/draw/1/run", token: adminToken, body: {}, status: 409, code: "conflict" },
];

describe("bad input changes nothing", () => {
  for (const b of [...generic, ...specific])
    it(`${b.name} → ${b.status} ${b.code}`, async () => {
      const before = await snapshot();
      const r = await api(b.method, resolve(b.path), {
        ...(b.token ? { token: b.token() } : {}),
        ...(b.raw !== undefined ? { raw: b.raw } : b.body !== undefined ? { body: b.body } : {}),
        ...(b.headers ? { headers: b.headers } : {}),
      });
      expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(b.status);
      expect(r.body.error.code).toBe(b.code);
      expect(r.body.error.message).toMatch(/\w/);
      expect(await snapshot()).toEqual(before);
    });

  it("field errors name the field", async () => {
    const r = await api("PATCH", "/admin/event", { token: admin.token, body: { maxBookingsPhase1: 7, maxBookingsTotal: 6 } });
    expect(r.body.error.details).toContainEqual(expect.objectContaining({ path: "maxBookingsPhase1" }));
  });

  it("an unknown API route is a JSON 404", async () => {
    const r = await api("GET", "/nothing-here");
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
  });
});
