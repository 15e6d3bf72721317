// Every route × every kind of caller answers as the contract says; nobody reads or changes
// another's bookings or another company's slots.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { signSession } from "../worker/lib/jwt.ts";
import { api, createCompany, createEvent, createSlots, createUser, slotState, studentDo, type UserFixture } from "./helpers.ts";

type Who = "anonymous" | "student" | "otherStudent" | "recruiter" | "otherRecruiter" | "admin";
const WHO: Who[] = ["anonymous", "student", "otherStudent", "recruiter", "otherRecruiter", "admin"];

let eventId: string;
let companyId: string;
let otherCompanyId: string;
let users: Record<Exclude<Who, "anonymous">, UserFixture>;
let slotIds: string[];
let bookingId: string;

beforeAll(async () => {
  eventId = await createEvent({ phase: 1 });
  companyId = await createCompany(eventId);
  otherCompanyId = await createCompany(eventId);
  slotIds = (await createSlots(eventId, companyId, 4)).map((s) => s.id);
  await createSlots(eventId, otherCompanyId, 2, { firstStart: Date.now() + 40 * 86_400_000 });
  users = {
    student: await createUser(),
    otherStudent: await createUser(),
    recruiter: await createUser({ role: "company", companyId }),
    otherRecruiter: await createUser({ role: "company", companyId: otherCompanyId }),
    admin: await createUser({ role: "admin" }),
  };
  const b = await api("POST", "/bookings", { token: users.student.token, body: { slotId: slotIds[0] } });
  expect(b.status).toBe(201);
  bookingId = b.body.booking.id;
  await studentDo(eventId, users.student.id).drain();
});

const tokenOf = (w: Who) => (w === "anonymous" ? undefined : users[w].token);
const as = (w: Who) => ({ ...(tokenOf(w) ? { token: tokenOf(w) } : {}) });

/** Expected status per caller; `_` is the default for callers not listed. */
type Expect = Partial<Record<Who | "_", number>>;
const expected = (e: Expect, w: Who) => e[w] ?? e._!;

interface Case {
  name: string;
  call: (w: Who) => Promise<{ status: number; body: any }>;
  expect: Expect;
  /** Callers this case does not apply to. */
  skip?: Who[];
}

const cases: Case[] = [
  { name: "GET /health", call: (w) => api("GET", "/health", as(w)), expect: { _: 200 } },
  { name: "GET /event", call: (w) => api("GET", "/event", as(w)), expect: { _: 200 } },
  { name: "GET /companies", call: (w) => api("GET", "/companies", as(w)), expect: { _: 200 } },
  { name: "GET /companies/:id", call: (w) => api("GET", `/companies/${companyId}`, as(w)), expect: { _: 200 } },
  // Anonymous allowed (seat counts are public); a plain GET is not a WebSocket upgrade.
  { name: "GET /live (no upgrade)", call: (w) => api("GET", "/live", as(w)), expect: { _: 426 } },
  { name: "GET /me", call: (w) => api("GET", "/me", as(w)), expect: { _: 200, anonymous: 401 } },
  { name: "GET /bookings", call: (w) => api("GET", "/bookings", as(w)), expect: { anonymous: 401, student: 200, otherStudent: 200, _: 403 } },
  // A refusal (409) means the caller got through to the rules; only students may.
  { name: "POST /bookings", call: (w) => api("POST", "/bookings", { ...as(w), body: { slotId: slotIds[0] } }), expect: { anonymous: 401, student: 409, otherStudent: 201, _: 403 } },
  { name: "DELETE /bookings/:id (another's)", call: (w) => api("DELETE", `/bookings/${bookingId}`, as(w)), expect: { anonymous: 401, otherStudent: 404, _: 403 }, skip: ["student"] },
  { name: "GET /company", call: (w) => api("GET", "/company", as(w)), expect: { anonymous: 401, recruiter: 200, otherRecruiter: 200, _: 403 } },
  { name: "GET /company/slots", call: (w) => api("GET", "/company/slots", as(w)), expect: { anonymous: 401, recruiter: 200, otherRecruiter: 200, _: 403 } },
  { name: "GET /admin/event", call: (w) => api("GET", "/admin/event", as(w)), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "PATCH /admin/event", call: (w) => api("PATCH", "/admin/event", { ...as(w), body: { maxBookingsTotal: 6 } }), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "GET /admin/companies", call: (w) => api("GET", "/admin/companies", as(w)), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "POST /admin/companies/:id/verify", call: (w) => api("POST", `/admin/companies/${companyId}/verify`, { ...as(w), body: {} }), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "POST /admin/slots/generate (dry run)", call: (w) => api("POST", "/admin/slots/generate", { ...as(w), body: { dryRun: true } }), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "GET /admin/deprioritized", call: (w) => api("GET", "/admin/deprioritized", as(w)), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "POST /admin/deprioritized", call: (w) => api("POST", "/admin/deprioritized", { ...as(w), body: { emails: ["nobody-yet@example.test"] } }), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "GET /admin/metrics", call: (w) => api("GET", "/admin/metrics", as(w)), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "GET /admin/export/bookings.csv", call: (w) => api("GET", "/admin/export/bookings.csv", as(w)), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "POST /admin/reconcile", call: (w) => api("POST", "/admin/reconcile", { ...as(w), body: {} }), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "GET /admin/audit", call: (w) => api("GET", "/admin/audit", as(w)), expect: { anonymous: 401, admin: 200, _: 403 } },
  // The day's routes. Writes go with a body the validator refuses (400): the caller got past the
  // role check and nothing changed; the object-level checks are in their own files.
  { name: "GET /profile/priority", call: (w) => api("GET", "/profile/priority", as(w)), expect: { anonymous: 401, student: 200, otherStudent: 200, _: 403 } },
  { name: "POST /company/bookings/:id/attendance", call: (w) => api("POST", `/company/bookings/${bookingId}/attendance`, { ...as(w), body: {} }), expect: { anonymous: 401, recruiter: 400, otherRecruiter: 400, _: 403 } },
  { name: "POST /company/bookings/:id/release", call: (w) => api("POST", `/company/bookings/${bookingId}/release`, { ...as(w), body: {} }), expect: { anonymous: 401, recruiter: 400, otherRecruiter: 400, _: 403 } },
  { name: "PATCH /company/slots/:id", call: (w) => api("PATCH", `/company/slots/${slotIds[0]}`, { ...as(w), body: {} }), expect: { anonymous: 401, recruiter: 400, otherRecruiter: 400, _: 403 } },
  { name: "GET /admin/students", call: (w) => api("GET", "/admin/students?q=student", as(w)), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "POST /admin/bookings/:id/attendance", call: (w) => api("POST", `/admin/bookings/${bookingId}/attendance`, { ...as(w), body: {} }), expect: { anonymous: 401, admin: 400, _: 403 } },
  { name: "POST /admin/bookings/:id/cancel", call: (w) => api("POST", `/admin/bookings/${bookingId}/cancel`, { ...as(w), body: {} }), expect: { anonymous: 401, admin: 400, _: 403 } },
  { name: "POST /admin/bookings/:id/move", call: (w) => api("POST", `/admin/bookings/${bookingId}/move`, { ...as(w), body: {} }), expect: { anonymous: 401, admin: 400, _: 403 } },
  { name: "POST /admin/companies/:id/withdraw", call: (w) => api("POST", `/admin/companies/${companyId}/withdraw`, { ...as(w), body: {} }), expect: { anonymous: 401, admin: 400, _: 403 } },
  { name: "GET /draw", call: (w) => api("GET", "/draw", as(w)), expect: { _: 200 } },
  { name: "GET /draw/me", call: (w) => api("GET", "/draw/me", as(w)), expect: { anonymous: 401, student: 200, otherStudent: 200, _: 403 } },
  { name: "GET /wishes", call: (w) => api("GET", "/wishes", as(w)), expect: { anonymous: 401, student: 200, otherStudent: 200, _: 403 } },
  // This event collects no wishes: a student gets through to the window's refusal.
  { name: "PUT /wishes", call: (w) => api("PUT", "/wishes", { ...as(w), body: { wishes: [] } }), expect: { anonymous: 401, student: 409, otherStudent: 409, _: 403 } },
  { name: "POST /admin/draw/:phase/run (dry run)", call: (w) => api("POST", "/admin/draw/1/run", { ...as(w), body: { dryRun: true } }), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "GET /admin/fairness", call: (w) => api("GET", "/admin/fairness", as(w)), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "GET /me/preferences", call: (w) => api("GET", "/me/preferences", as(w)), expect: { _: 200, anonymous: 401 } },
  { name: "POST /auth/verify/resend", call: (w) => api("POST", "/auth/verify/resend", as(w)), expect: { _: 202, anonymous: 401 } },
  { name: "GET /admin/users", call: (w) => api("GET", "/admin/users?q=example", as(w)), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "GET /admin/companies/:id/invitations", call: (w) => api("GET", `/admin/companies/${companyId}/invitations`, as(w)), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "POST /admin/companies/:id/invitations", call: (w) => api("POST", `/admin/companies/${companyId}/invitations`, { ...as(w), body: { email: `inv-${w}@acme.test` } }), expect: { anonymous: 401, admin: 201, _: 403 } },
  { name: "POST /admin/users/:id/disable (enable)", call: (w) => api("POST", `/admin/users/${users.otherStudent.id}/disable`, { ...as(w), body: { disabled: false } }), expect: { anonymous: 401, admin: 200, _: 403 } },
  { name: "POST /admin/companies/:id/merge (unknown target)", call: (w) => api("POST", `/admin/companies/${otherCompanyId}/merge`, { ...as(w), body: { into: crypto.randomUUID() } }), expect: { anonymous: 401, admin: 404, _: 403 } },
];

describe("the access-control matrix", () => {
  for (const c of cases) {
    const callers = WHO.filter((w) => !c.skip?.includes(w));
    it(`${c.name}: ${callers.map((w) => `${w} ${expected(c.expect, w)}`).join(", ")}`, async () => {
      for (const w of callers) {
        const r = await c.call(w);
        expect(r.status, `${c.name} as ${w}: ${JSON.stringify(r.body).slice(0, 200)}`).toBe(expected(c.expect, w));
        if (r.status === 401) expect(r.body.error.code).toBe("unauthenticated");
        if (r.status === 403) expect(r.body.error.code).toBe("forbidden");
      }
    });
  }
});

describe("object-level checks", () => {
  it("the booking nobody else could cancel is still there, seat and all", async () => {
    const mine = await api("GET", "/bookings", { token: users.student.token });
    expect(mine.body.bookings.map((b: { id: string }) => b.id)).toContain(bookingId);
    expect((await slotState(slotIds[0]!)).seats.filter((s) => s.state === "seated").map((s) => s.bookingId)).toContain(bookingId);
  });

  it("a student's list holds only their own bookings", async () => {
    const theirs = await api("GET", "/bookings?all=1", { token: users.otherStudent.token });
    expect(theirs.body.bookings.map((b: { id: string }) => b.id)).not.toContain(bookingId);
  });

  it("a recruiter sees who booked their slots, and another company's recruiter does not", async () => {
    const own = await api("GET", "/company/slots", { token: users.recruiter.token });
    const slot = own.body.slots.find((s: { id: string }) => s.id === slotIds[0]);
    expect(slot.students).toContainEqual({ id: users.student.id, fullName: users.student.fullName, email: users.student.email, bookingId, attendance: null });
    const other = await api("GET", "/company/slots", { token: users.otherRecruiter.token });
    expect(other.body.slots.map((s: { id: string }) => s.id)).not.toContain(slotIds[0]);
    expect(JSON.stringify(other.body)).not.toContain(users.student.email);
  });

  it("refused writes changed nothing: the event config and the audit log show only the admin's writes", async () => {
    const audit = await env.DB.prepare("SELECT DISTINCT actor_id FROM audit_log WHERE event_id = ?").bind(eventId).all<{ actor_id: string }>();
    expect(audit.results.map((r) => r.actor_id)).toEqual([users.admin.id]);
    const flagged = await env.DB.prepare("SELECT count(*) AS n FROM deprioritized_emails WHERE event_id = ?").bind(eventId).first<number>("n");
    expect(flagged).toBe(1);
  });

  it("forged, expired and wrong-secret tokens are 401; the cookie works like the Bearer header", async () => {
    const u = users.student;
    const claims = { id: u.id, email: u.email, role: "admin" as const, fullName: u.fullName, companyId: null, emailVerified: true, tokenVersion: 0 };
    const forged = await signSession(claims, "not-the-secret");
    const expired = await signSession({ ...claims, role: "student" }, env.JWT_SECRET, -10);
    for (const token of [forged, expired, "garbage", `${u.token}x`]) expect((await api("GET", "/me", { token })).status).toBe(401);
    const viaCookie = await api("GET", "/bookings", { headers: { cookie: `__Host-inf_session=${u.token}` } });
    expect(viaCookie.status).toBe(200);
  });
});
