// Ranked wishes (issue #13): GET/PUT /api/wishes as the binding contract says, their window
// (from wishesOpen until the next draw seals them), the validation (nothing changes on a 400),
// and the draw's commitments published before the first wish is kept.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCompany, createUser, updateEvent } from "./helpers.ts";
import { createDrawEvent, drawDo, drawRows, putWishes, storedWishes } from "./draw-fixtures.ts";

const HOUR = 3_600_000;

async function setup(o: Parameters<typeof createDrawEvent>[0] = {}) {
  const eventId = await createDrawEvent({ phase: 0, ...o });
  const companies = await Promise.all([1, 2, 3, 4].map(() => createCompany(eventId)));
  const me = await createUser();
  return { eventId, companies, me };
}

describe("GET and PUT /api/wishes", () => {
  it("stores the ranked list in order with its windows, answers the contract's shape, and replaces it whole", async () => {
    const { eventId, companies: [a, b, c], me } = await setup({ maxWishes: 5 });
    const empty = await api("GET", "/wishes", { token: me.token });
    expect(empty.status).toBe(200);
    const phase1 = await env.DB.prepare("SELECT phase1_start FROM events WHERE id = ?").bind(eventId).first<string>("phase1_start");
    expect(empty.body).toEqual({ wishes: [], opensAt: new Date(Date.parse(phase1!) - HOUR).toISOString(), closesAt: new Date(Date.parse(phase1!)).toISOString(), maxWishes: 5 });

    const put = await putWishes(me.token, [{ companyId: b! }, { companyId: a!, notBefore: "10:00" }, { companyId: c!, notBefore: "09:30", notAfter: "12:00" }]);
    expect(put.status).toBe(200);
    expect(put.body.wishes).toEqual([
      { companyId: b, rank: 1 },
      { companyId: a, rank: 2, notBefore: "10:00" },
      { companyId: c, rank: 3, notBefore: "09:30", notAfter: "12:00" },
    ]);
    expect((await api("GET", "/wishes", { token: me.token })).body.wishes).toEqual(put.body.wishes);
    expect(await storedWishes(eventId, me.id)).toEqual([
      { rank: 1, company_id: b, not_before: null, not_after: null },
      { rank: 2, company_id: a, not_before: "10:00", not_after: null },
      { rank: 3, company_id: c, not_before: "09:30", not_after: "12:00" },
    ]);

    expect((await putWishes(me.token, [{ companyId: c!, notAfter: null }])).status).toBe(200);
    expect(await storedWishes(eventId, me.id)).toEqual([{ rank: 1, company_id: c, not_before: null, not_after: null }]);
    expect((await putWishes(me.token, [])).status).toBe(200);
    expect(await storedWishes(eventId, me.id)).toEqual([]);
  });

  it("publishes both draws' commitments (and audits them) before the first wish is kept; the seeds stay secret", async () => {
    const { eventId, companies: [a], me } = await setup();
    expect(await drawRows(eventId)).toEqual([]);
    expect((await putWishes(me.token, [{ companyId: a! }])).status).toBe(200);
    const rows = await drawRows(eventId);
    expect(rows.map((r) => [r.phase, r.status, r.seed])).toEqual([
      [1, "collecting", null],
      [2, "collecting", null],
    ]);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.commitment))).toBe(true);
    expect(rows[0]!.commitment).not.toBe(rows[1]!.commitment);
    const audit = (await env.DB.prepare("SELECT action, after FROM audit_log WHERE event_id = ? AND action = 'draw.commit'").bind(eventId).all<{ after: string }>()).results;
    expect(audit.map((r) => JSON.parse(r.after))).toEqual(rows.map((r) => ({ phase: r.phase, commitment: r.commitment })));
    const pub = await api("GET", "/draw");
    expect(pub.body.draws).toEqual(rows.map((r) => ({ phase: r.phase, status: "collecting", commitment: r.commitment, seed: null, startedAt: null, finishedAt: null, allocated: null })));
    // The commitments do not change once made, whatever asks again.
    await drawDo(eventId).sync(eventId);
    expect(await drawRows(eventId)).toEqual(rows);
  });

  it("refuses bad lists with 400 validation_failed, naming the field, and changes nothing", async () => {
    const { eventId, companies: [a, b, c, d], me } = await setup({ maxWishes: 3 });
    const hidden = await createCompany(eventId, { verified: false });
    expect((await putWishes(me.token, [{ companyId: a! }])).status).toBe(200);
    const cases: [string, unknown, string][] = [
      ["a duplicate company", { wishes: [{ companyId: a }, { companyId: b }, { companyId: a }] }, "wishes.2.companyId"],
      ["more than maxWishes", { wishes: [{ companyId: a }, { companyId: b }, { companyId: c }, { companyId: d }] }, "wishes"],
      ["an unknown company", { wishes: [{ companyId: crypto.randomUUID() }] }, "wishes.0.companyId"],
      ["an unverified company", { wishes: [{ companyId: hidden }] }, "wishes.0.companyId"],
      ["a window that ends before it starts", { wishes: [{ companyId: a, notBefore: "11:00", notAfter: "10:00" }] }, "wishes.0.notAfter"],
      ["a time that is not HH:MM", { wishes: [{ companyId: a, notBefore: "9h" }] }, "wishes.0.notBefore"],
      ["an hour that does not exist", { wishes: [{ companyId: a, notAfter: "24:00" }] }, "wishes.0.notAfter"],
      ["an unknown field", { wishes: [{ companyId: a, rank: 1 }] }, "wishes.0"],
      ["a company id that is not an id", { wishes: [{ companyId: "acme" }] }, "wishes.0.companyId"],
      ["no list", {}, "wishes"],
    ];
    for (const [name, body, path] of cases) {
      const r = await api("PUT", "/wishes", { token: me.token, body });
      expect(r.status, name).toBe(400);
      expect(r.body.error.code, name).toBe("validation_failed");
      expect(r.body.error.details.map((x: { path: string }) => x.path), name).toContain(path);
    }
    expect(await storedWishes(eventId, me.id)).toEqual([{ rank: 1, company_id: a, not_before: null, not_after: null }]);
  });

  it("answers 409 wishes_closed before wishesOpen and once the phase's draw is due, and opens again for phase 2 after phase 1's draw", async () => {
    const early = await setup({ wishesOpen: Date.now() + 10 * 60_000 });
    const before = await putWishes(early.me.token, [{ companyId: early.companies[0]! }]);
    expect([before.status, before.body.error.code]).toEqual([409, "wishes_closed"]);
    expect(await storedWishes(early.eventId, early.me.id)).toEqual([]);

    // Phase 1 started an hour ago and its draw has not run: the wishes are sealed.
    const { eventId, companies: [a], me } = await setup({ phase: 1 });
    const sealed = await putWishes(me.token, [{ companyId: a! }]);
    expect([sealed.status, sealed.body.error.code]).toEqual([409, "wishes_closed"]);
    const phase2 = await env.DB.prepare("SELECT phase2_start FROM events WHERE id = ?").bind(eventId).first<string>("phase2_start");

    // Once phase 1's draw is done, the wishes are for phase 2's draw, until phase 2 starts.
    await drawDo(eventId).run(eventId, 1);
    const open = await putWishes(me.token, [{ companyId: a! }]);
    expect(open.status).toBe(200);
    expect(open.body.closesAt).toBe(new Date(Date.parse(phase2!)).toISOString());
    expect(await storedWishes(eventId, me.id)).toHaveLength(1);

    // Without a draw ahead (phase 2 first come, first served) nothing is open.
    await updateEvent(eventId, { draw_phase2: 0 });
    const none = await putWishes(me.token, []);
    expect([none.status, none.body.error.code]).toEqual([409, "wishes_closed"]);
    expect((await api("GET", "/wishes", { token: me.token })).body).toMatchObject({ closesAt: null });
  });

  it("refuses an unverified student's wishes with 403 email_unverified and keeps nothing; verified, the same list is kept", async () => {
    const { eventId, companies: [a, b] } = await setup();
    const unverified = await createUser({ verified: false });
    expect((await api("GET", "/wishes", { token: unverified.token })).status).toBe(200);
    const r = await putWishes(unverified.token, [{ companyId: a! }, { companyId: b! }]);
    expect([r.status, r.body.error.code]).toEqual([403, "email_unverified"]);
    expect(await storedWishes(eventId, unverified.id)).toEqual([]);
    const verified = await createUser();
    expect((await putWishes(verified.token, [{ companyId: a! }, { companyId: b! }])).status).toBe(200);
    expect((await storedWishes(eventId, verified.id)).map((w) => w.company_id)).toEqual([a, b]);
  });

  it("is for students only", async () => {
    const { companies: [a] } = await setup();
    const recruiter = await createUser({ role: "company", companyId: a });
    expect((await api("GET", "/wishes")).status).toBe(401);
    expect((await api("GET", "/wishes", { token: recruiter.token })).status).toBe(403);
    expect((await putWishes(recruiter.token, [{ companyId: a! }])).status).toBe(403);
  });
});
