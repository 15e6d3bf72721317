// The browser security policy (worker/lib/security-policy.ts) is on every response of the real
// Worker under wrangler: the site's pages (the assets' `_headers`, which wrangler's local assets
// server honours like production), its hashed assets, the API's answers and its errors. The
// camera is allowed on the recruiter pages only.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../cli/lib/wrangler.ts";
import { State, type Worker, startWorker } from "../cli/helpers.ts";

const state = new State();
let worker: Worker;

beforeAll(async () => {
  worker = await startWorker(state);
});
afterAll(async () => {
  await worker?.stop();
  state.remove();
});

const get = (path: string, init: RequestInit = {}) => fetch(`${worker.url}${path}`, { redirect: "manual", ...init });

function expectPolicy(res: Response, what: string) {
  const h = res.headers;
  const csp = h.get("content-security-policy") ?? "";
  for (const d of ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "connect-src 'self'"]) expect(csp, `${what}: CSP ${d}`).toContain(d);
  expect(csp, `${what}: nothing inline allowed`).not.toContain("unsafe-inline");
  expect(h.get("strict-transport-security"), `${what}: HSTS`).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
  expect(h.get("x-content-type-options"), `${what}: nosniff`).toBe("nosniff");
  expect(h.get("referrer-policy"), `${what}: Referrer-Policy`).toBe("no-referrer");
  expect(h.get("x-frame-options"), `${what}: X-Frame-Options`).toBe("DENY");
  return { csp, permissions: h.get("permissions-policy") ?? "" };
}

describe("security headers", () => {
  it("the site's pages carry the policy, with the camera off", async () => {
    for (const path of ["/", "/schedule", "/admin/monitor"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('<div id="app">');
      expect(expectPolicy(res, path).permissions).toMatch(/(^|, )camera=\(\)/);
    }
  });

  it("the recruiter pages allow the camera for the site itself, once", async () => {
    for (const path of ["/recruiter", "/recruiter/check-in"]) {
      const { permissions } = expectPolicy(await get(path), path);
      expect(permissions).toMatch(/(^|, )camera=\(self\)/);
      expect(permissions.match(/camera=/g)).toHaveLength(1);
    }
  });

  it("hashed assets carry the policy and are kept a year", async () => {
    const files = readdirSync(join(ROOT, "web/dist/assets"));
    for (const f of [files.find((x) => x.endsWith(".js")), files.find((x) => x.endsWith(".css"))]) {
      const res = await get(`/assets/${f}`);
      expect(res.status, f).toBe(200);
      expectPolicy(res, f!);
      expect(res.headers.get("cache-control")).toContain("immutable");
    }
  });

  it("the API's answers and errors carry the same policy as the site", async () => {
    const site = expectPolicy(await get("/"), "site").csp;
    const cases: [string, RequestInit, number][] = [
      ["/api/health", {}, 200],
      ["/api/no-such-route", {}, 404],
      ["/api/me", {}, 401],
      ["/api/bookings", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }, 415],
      ["/api/auth/logout", { method: "POST", headers: { origin: "https://evil.example" } }, 403],
    ];
    for (const [path, init, status] of cases) {
      const res = await get(path, init);
      expect(res.status, path).toBe(status);
      const { csp, permissions } = expectPolicy(res, `${init.method ?? "GET"} ${path}`);
      expect(csp).toBe(site);
      expect(permissions).toMatch(/(^|, )camera=\(\)/);
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
  });
});
