// Writes that cannot be forged: every write route of the app, sent (a) with a body of another type
// than the one it takes, and (b) from another site with the session cookie, is refused (415
// unsupported_media_type, 403 cross_origin) before it is read, and nothing changes: every D1
// table's content, the student's Durable Object and the CV in R2 are the same afterwards.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../worker/app.ts";
import { COOKIE } from "../worker/lib/jwt.ts";
import { PASSWORD, api, createCompany, createEvent, createSlots, createUser, studentDo, studentState, type UserFixture } from "./helpers.ts";

const WRITES = ["POST", "PUT", "PATCH", "DELETE"];
const EVIL = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
const pdf = new TextEncoder().encode("%PDF-1.7\nforged\n%%EOF");

let eventId: string;
let companyId: string;
let slotId: string;
let bookingId: string;
let offerId: string;
let student: UserFixture;
let recruiter: UserFixture;
let admin: UserFixture;

beforeAll(async () => {
  eventId = await createEvent({ phase: 1 });
  companyId = await createCompany(eventId);
  const slots = await createSlots(eventId, companyId, 2);
  slotId = slots[1]!.id;
  student = await createUser();
  recruiter = await createUser({ role: "company", companyId });
  admin = await createUser({ role: "admin" });
  const b = await api("POST", "/bookings", { token: student.token, body: { slotId: slots[0]!.id } });
  expect(b.status).toBe(201);
  bookingId = b.body.booking.id;
  const o = await api("POST", "/company/offers", { token: recruiter.token, body: { title: "Real offer", contractType: "internship" } });
  expect(o.status).toBe(201);
  offerId = o.body.offer.id;
  const cv = await exports.default.fetch(new Request("http://127.0.0.1/api/profile/cv", { method: "PUT", headers: { authorization: `Bearer ${student.token}`, "content-type": "application/pdf" }, body: pdf }));
  expect(cv.status).toBe(201);
  await studentDo(eventId, student.id).drain();
});

/** Every route of the app that writes, as Hono registered it (a new route is covered by default). */
const writeRoutes = () => [...new Set(app.routes.filter((r) => WRITES.includes(r.method)).map((r) => `${r.method} ${r.path}`))].sort();

/** A body each route would accept, so that only the guard stands between the request and a change. */
function goodBody(route: string): { type: string; body: BodyInit } | null {
  const json = (v: unknown) => ({ type: "application/json", body: JSON.stringify(v) });
  switch (route) {
    case "POST /api/auth/signup": return json({ email: `forged-${crypto.randomUUID().slice(0, 6)}@example.test`, password: "a long passphrase", fullName: "Forged", role: "student" });
    case "POST /api/auth/login": return json({ email: student.email, password: PASSWORD });
    case "POST /api/bookings": return json({ slotId });
    case "PATCH /api/company": return json({ name: "Forged name" });
    case "POST /api/company/offers": return json({ title: "Forged offer", contractType: "internship" });
    case "PATCH /api/company/offers/:id": return json({ title: "Forged title" });
    case "PUT /api/profile/cv": return { type: "application/pdf", body: pdf };
    case "PATCH /api/admin/event": return json({ bookingOpen: false, maxBookingsTotal: 1 });
    case "POST /api/admin/companies/:id/verify": return json({ verified: false });
    case "POST /api/admin/slots/generate": return json({});
    case "POST /api/admin/deprioritized": return json({ emails: [student.email] });
    case "POST /api/admin/reconcile": return json({ fix: true });
    default: return route.startsWith("DELETE ") || route === "POST /api/auth/logout" ? null : json({});
  }
}

const tokenFor = (path: string) =>
  path.startsWith("/api/admin") ? admin.token : path.startsWith("/api/company") ? recruiter.token : path.startsWith("/api/auth/") && !path.endsWith("logout") ? null : student.token;

function concrete(path: string): string {
  const id = path.startsWith("/api/bookings") ? bookingId : path.startsWith("/api/company/offers") ? offerId : companyId;
  return path.replace(/:id\b/, id);
}

async function send(route: string, headers: Record<string, string>, body?: BodyInit) {
  const [method, path] = route.split(" ") as [string, string];
  const res = await exports.default.fetch(new Request(`http://127.0.0.1${concrete(path)}`, { method, headers, body }));
  return { status: res.status, body: (await res.json().catch(() => null)) as { error?: { code: string } } | null };
}

/**
 * Every D1 table, every row, every column; the student's object; the stored CV. Except the
 * per-minute request counters (worker/lib/request-stats.ts): counting a refused request is right.
 */
async function snapshot() {
  await studentDo(eventId, student.id).drain();
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT IN ('d1_migrations', 'request_counts') ORDER BY name").all<{ name: string }>();
  const d1: Record<string, unknown[]> = {};
  for (const { name } of tables.results) d1[name] = (await env.DB.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()).results;
  return { d1, student: await studentState(eventId, student.id), cv: await (await env.FILES.get(`cv/${student.id}.pdf`))?.text() };
}

describe("forged writes change nothing", () => {
  it("the app has the write routes this test knows how to fill", () => {
    expect(writeRoutes().length).toBeGreaterThanOrEqual(16);
  });

  it("every write route with a body of the wrong type: 415 unsupported_media_type, nothing changed", async () => {
    const before = await snapshot();
    for (const route of writeRoutes()) {
      const good = goodBody(route);
      const token = tokenFor(route.split(" ")[1]!);
      const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      // A form post (what any page can send cross-site), then JSON sent as text/plain or a PDF as JSON.
      const forms: [string, BodyInit][] = [["application/x-www-form-urlencoded", "verified=false&fix=true"]];
      if (good?.type === "application/json") forms.push(["text/plain", good.body]);
      if (good?.type === "application/pdf") forms.push(["application/json", good.body]);
      for (const [type, body] of forms) {
        const r = await send(route, { ...auth, "content-type": type }, body);
        expect(r.status, `${route} as ${type}`).toBe(415);
        expect(r.body?.error?.code).toBe("unsupported_media_type");
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("every write route from another site with the session cookie: 403 cross_origin, nothing changed", async () => {
    const before = await snapshot();
    for (const route of writeRoutes()) {
      const good = goodBody(route);
      const token = tokenFor(route.split(" ")[1]!);
      const headers: Record<string, string> = { ...(good ? { "content-type": good.type } : {}), ...(token ? { cookie: `${COOKIE}=${token}` } : {}) };
      const forgeries: Record<string, string>[] = [EVIL, { origin: "https://evil.example" }, { "sec-fetch-site": "same-site" }];
      for (const from of forgeries) {
        const r = await send(route, { ...headers, ...from }, good?.body);
        expect(r.status, `${route} from ${JSON.stringify(from)}`).toBe(403);
        expect(r.body?.error?.code).toBe("cross_origin");
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("the same requests from the site itself, or with a Bearer token from anywhere, go through", async () => {
    const route = "POST /api/admin/companies/:id/verify";
    const body = JSON.stringify({ verified: false });
    const own = await send(route, { cookie: `${COOKIE}=${admin.token}`, "content-type": "application/json", "sec-fetch-site": "same-origin", origin: "http://127.0.0.1" }, body);
    expect(own.status).toBe(200);
    const byOrigin = await send(route, { cookie: `${COOKIE}=${admin.token}`, "content-type": "application/json", origin: "http://127.0.0.1" }, body);
    expect(byOrigin.status).toBe(200);
    const bearer = await send(route, { authorization: `Bearer ${admin.token}`, "content-type": "application/json", ...EVIL }, body);
    expect(bearer.status).toBe(200);
    const verified = await env.DB.prepare("SELECT verified_at FROM event_companies WHERE event_id = ? AND company_id = ?").bind(eventId, companyId).first<string | null>("verified_at");
    expect(verified).toBeNull();
    // Routes without a body accept an empty one, whatever type a client library labels it with.
    const del = await send(`DELETE /api/bookings/:id`, { authorization: `Bearer ${student.token}`, "content-type": "application/json" });
    expect(del.status).toBe(200);
  });
});
