// The public reads through the shared cache (isolate memory + Cache API): a stampede reaches D1
// once per lifetime, unknown ids cost nothing, ETag / 304, and a booking shows in the cached
// availability within the stated bound (PUBLIC_CACHE_SECONDS, then one background reload).
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { SharedCache, cacheClock } from "../worker/lib/shared-cache.ts";
import { api, createCompany, createEvent, createSlots, createUser, drainAll } from "./helpers.ts";

/**
 * Counts the statements D1 is asked to run (through any path: drizzle, raw, batch), but the
 * access log's request counts (worker/lib/request-stats.ts): they are flushed every 10 s whatever
 * is read, so a stampede that outlasts 10 s on a loaded machine added one (seen with 3 test files at once).
 */
function countD1() {
  const db = env.DB as unknown as { prepare: (q: string) => D1PreparedStatement; batch: (s: D1PreparedStatement[]) => Promise<unknown> };
  const prepare = db.prepare;
  const batch = db.batch;
  const n = { statements: 0, batches: 0 };
  db.prepare = (q: string) => {
    if (!/request_counts/.test(q)) n.statements++;
    return prepare.call(env.DB, q);
  };
  db.batch = (s) => {
    n.batches++;
    return batch.call(env.DB, s);
  };
  return { n, restore: () => Object.assign(db, { prepare, batch }) };
}

const FRESH_MS = Number(env.PUBLIC_CACHE_SECONDS) * 1000;
let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
  cacheClock.now = () => Date.now();
});

async function catalogue() {
  const eventId = await createEvent({ phase: 2 });
  const companies = [await createCompany(eventId), await createCompany(eventId), await createCompany(eventId)];
  const slots = await createSlots(eventId, companies[0]!, 4);
  for (const c of companies.slice(1)) await createSlots(eventId, c, 4);
  return { eventId, companies, slots };
}

describe("cached public reads", () => {
  it("a stampede of 5 000 catalogue reads reaches D1 once (one batch), whatever mix of pages it asks for", async () => {
    const { companies } = await catalogue();
    const counter = countD1();
    restore = counter.restore;
    const paths = ["/companies", `/companies/${companies[0]}`, `/companies/${companies[1]}`, "/event", "/companies?tag=rust"];
    const all = await Promise.all(Array.from({ length: 5000 }, (_, i) => api("GET", paths[i % paths.length]!)));
    expect(all.every((r) => r.status === 200)).toBe(true);
    console.log(`# 5 000 public reads at once: ${counter.n.statements} D1 statements in ${counter.n.batches} batch(es)`);
    expect(counter.n.batches).toBe(1);
    expect(counter.n.statements).toBeLessThanOrEqual(4);
  });

  it("unknown company ids answer 404 without reading D1 (nothing is kept per id)", async () => {
    await catalogue();
    expect((await api("GET", "/companies")).status).toBe(200);
    const counter = countD1();
    restore = counter.restore;
    const r = await Promise.all(Array.from({ length: 500 }, () => api("GET", `/companies/${crypto.randomUUID()}`)));
    expect(r.every((x) => x.status === 404 && x.body.error.code === "not_found")).toBe(true);
    expect(counter.n.statements).toBe(0);
  });

  it("ETag and If-None-Match: 304 while nothing changed (the event's serverTime aside), 200 after a change", async () => {
    const { eventId, companies } = await catalogue();
    for (const path of ["/companies", `/companies/${companies[2]}`, "/event"]) {
      const first = await api("GET", path);
      const etag = first.headers.get("etag");
      expect(etag, path).toMatch(/^W\/".+"$/);
      const again = await api("GET", path, { headers: { "If-None-Match": etag! } });
      expect(again.status, path).toBe(304);
      expect(again.body, path).toBeNull();
      expect(again.headers.get("etag")).toBe(etag);
    }
    expect((await api("GET", "/companies")).headers.get("cache-control")).toMatch(/s-maxage=\d+, stale-while-revalidate=\d+/);
    const before = (await api("GET", "/companies")).headers.get("etag")!;
    const admin = await createUser({ role: "admin" });
    const added = await createCompany(eventId, { verified: false });
    await api("POST", `/admin/companies/${added}/verify`, { token: admin.token, body: {} });
    const after = await api("GET", "/companies", { headers: { "If-None-Match": before } });
    expect(after.status).toBe(200);
    expect(after.body.companies.map((c: { id: string }) => c.id)).toContain(added);
  });

  it("each answer is serialized once per cached copy and kept by what was asked: filters and ids never share one", async () => {
    const eventId = await createEvent({ phase: 2 });
    const [a, b] = [await createCompany(eventId, { name: `Kept Alpha ${crypto.randomUUID().slice(0, 6)}` }), await createCompany(eventId, { name: `Kept Beta ${crypto.randomUUID().slice(0, 6)}` })];
    const all = await api("GET", "/companies");
    const again = await api("GET", "/companies");
    expect([again.body, again.headers.get("etag")]).toEqual([all.body, all.headers.get("etag")]);
    expect(all.headers.get("content-type")).toBe("application/json");
    const alpha = await api("GET", "/companies?q=kept%20alpha");
    expect(alpha.body.companies.map((c: { id: string }) => c.id)).toEqual([a]);
    expect(alpha.headers.get("etag")).not.toBe(all.headers.get("etag"));
    const beta = await api("GET", "/companies?q=kept%20beta");
    expect(beta.body.companies.map((c: { id: string }) => c.id)).toEqual([b]);
    const [da, db] = [await api("GET", `/companies/${a}`), await api("GET", `/companies/${b}`)];
    expect([da.body.company.id, db.body.company.id]).toEqual([a, b]);
    expect(da.headers.get("etag")).not.toBe(db.headers.get("etag"));
    expect((await api("GET", `/companies/${a}`, { headers: { "If-None-Match": da.headers.get("etag")! } })).status).toBe(304);
  });

  it("a booking shows in the cached availability once the copy is PUBLIC_CACHE_SECONDS old, after one background reload", async () => {
    const { eventId, companies, slots } = await catalogue();
    const taken = async () => (await api("GET", `/companies/${companies[0]}`)).body.slots.find((s: { id: string }) => s.id === slots[0]!.id).taken as number;
    let offset = 0;
    cacheClock.now = () => Date.now() + offset;
    expect(await taken()).toBe(0);
    const me = await createUser();
    expect((await api("POST", "/bookings", { token: me.token, body: { slotId: slots[0]!.id } })).status).toBe(201);
    await drainAll(eventId, [me.id]);
    expect(await taken(), "within the fresh lifetime the cached copy is served").toBe(0);
    const counter = countD1();
    restore = counter.restore;
    offset = FRESH_MS;
    // Past the lifetime: the copy is served once more while one request reloads it in the background.
    let reads = 0;
    let seen = 0;
    while (seen === 0 && reads < 200) {
      seen = await taken();
      reads++;
    }
    expect(seen).toBe(1);
    expect(counter.n.batches, "one reload, whatever the number of reads meanwhile").toBe(1);
    console.log(`# the booking showed after ${reads} read(s) past the ${FRESH_MS} ms lifetime`);
  });

  it("an API write that changes the catalogue shows in the next read, within the fresh lifetime (a company merged away, a profile edited)", async () => {
    const eventId = await createEvent({ phase: 2 });
    const kept = await createCompany(eventId, { name: "Acme" });
    const dup = await createCompany(eventId, { name: "ACME sa" });
    const admin = await createUser({ role: "admin" });
    const recruiter = await createUser({ role: "company", companyId: kept });
    const names = async () => ((await api("GET", "/companies")).body.companies as { name: string }[]).map((c) => c.name).sort();
    expect(await names()).toEqual(["ACME sa", "Acme"]);
    expect((await api("POST", `/admin/companies/${dup}/merge`, { token: admin.token, body: { into: kept } })).status).toBe(200);
    expect(await names()).toEqual(["Acme"]);
    expect((await api("PATCH", "/company", { token: recruiter.token, body: { name: "Acme Group" } })).status).toBe(200);
    expect(await names()).toEqual(["Acme Group"]);
  });

  it("another isolate of the data centre is served the Cache API copy instead of reading D1", async () => {
    const scope = { url: "http://127.0.0.1/", waitUntil: (p: Promise<unknown>) => void p };
    const policy = { freshMs: 60_000, staleMs: 10_000 };
    const name = `probe-${crypto.randomUUID()}`;
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const first = new SharedCache<{ n: number }>(name);
    expect(await first.get(scope, policy, load)).toEqual({ n: 1 });
    await new Promise((r) => setTimeout(r, 50)); // the Cache API write is a waitUntil
    const second = new SharedCache<{ n: number }>(name);
    expect(await second.get(scope, policy, load)).toEqual({ n: 1 });
    expect(loads).toBe(1);
    await second.purge(scope);
    expect(await new SharedCache<{ n: number }>(name).get(scope, policy, load)).toEqual({ n: 2 });
  });
});
