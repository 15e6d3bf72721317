// One structured log line per API request (request id, route pattern, method, status, duration,
// code; never the concrete path, its ids or a body), and booking attempts written to Workers
// Analytics Engine; an analytics binding that fails or is missing never breaks a booking.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser } from "./helpers.ts";

let companyId: string;
let slotIds: string[];

beforeAll(async () => {
  const eventId = await createEvent({ phase: 1 });
  companyId = await createCompany(eventId);
  slotIds = (await createSlots(eventId, companyId, 4)).map((s) => s.id);
});
afterEach(() => vi.restoreAllMocks());

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  vi.spyOn(console, "log").mockImplementation((l: string) => {
    raw.push(l);
    try {
      lines.push(JSON.parse(l));
    } catch {
      /* not ours */
    }
  });
  return { lines, raw };
}

describe("the request log", () => {
  it("one line per request: id, route pattern, method, status, duration, code; no ids, no query", async () => {
    const { lines, raw } = captureLogs();
    const ok = await api("GET", `/companies/${companyId}?q=secret-search`);
    const missing = await api("GET", `/companies/${crypto.randomUUID()}`);
    const requests = lines.filter((l) => l.msg === "request");
    expect(requests).toHaveLength(2);
    expect(requests[0]).toEqual({ level: "info", msg: "request", requestId: ok.headers.get("x-request-id"), method: "GET", route: "/api/companies/:id", status: 200, ms: expect.any(Number), code: "ok" });
    expect(requests[1]).toMatchObject({ requestId: missing.headers.get("x-request-id"), route: "/api/companies/:id", status: 404, code: "not_found" });
    expect(raw.join("\n")).not.toContain(companyId);
    expect(raw.join("\n")).not.toContain("secret-search");
  });

  it("an unknown route is logged as such", async () => {
    const { lines } = captureLogs();
    await api("GET", "/nothing/here/42");
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ route: "(no route)", status: 404, code: "not_found" });
  });
});

describe("booking analytics", () => {
  it("each booking attempt is one data point: its code and latency", async () => {
    const points: AnalyticsEngineDataPoint[] = [];
    vi.spyOn(env.BOOKING_ANALYTICS, "writeDataPoint").mockImplementation((p) => void points.push(p!));
    const s = await createUser();
    expect((await api("POST", "/bookings", { token: s.token, body: { slotId: slotIds[0] } })).status).toBe(201);
    expect((await api("POST", "/bookings", { token: s.token, body: { slotId: slotIds[0] } })).status).toBe(409);
    await api("GET", "/companies");
    expect(points.map((p) => p.blobs)).toEqual([["ok"], ["already_booked"]]);
    for (const p of points) expect(p.doubles![0]).toBeGreaterThanOrEqual(0);
  });

  it("a failing analytics binding never breaks a booking", async () => {
    vi.spyOn(env.BOOKING_ANALYTICS, "writeDataPoint").mockImplementation(() => {
      throw new Error("analytics down");
    });
    vi.spyOn(console, "error").mockImplementation(() => {});
    const s = await createUser();
    expect((await api("POST", "/bookings", { token: s.token, body: { slotId: slotIds[1] } })).status).toBe(201);
  });

  it("a missing analytics binding never breaks a booking", async () => {
    const binding = env.BOOKING_ANALYTICS;
    const written = vi.spyOn(binding, "writeDataPoint");
    Reflect.deleteProperty(env, "BOOKING_ANALYTICS");
    try {
      expect(env.BOOKING_ANALYTICS).toBeUndefined();
      const s = await createUser();
      expect((await api("POST", "/bookings", { token: s.token, body: { slotId: slotIds[2] } })).status).toBe(201);
      // The Worker saw the same env: with the binding gone, nothing reached it.
      expect(written).not.toHaveBeenCalled();
    } finally {
      Object.assign(env, { BOOKING_ANALYTICS: binding });
    }
  });
});
