// The career office merges a duplicate company into another (issue #12): every reference moves,
// the duplicate disappears, the merge is audited; a company that already has slots is not merged.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser } from "./helpers.ts";

describe("company merge", () => {
  it("moves recruiters, offers and invitations, keeps the target's verification, deletes the duplicate, audits it", async () => {
    const eventId = await createEvent();
    const target = await createCompany(eventId, { name: "Acme" });
    const dup = await createCompany(eventId, { verified: false, name: "ACME sa" });
    const admin = await createUser({ role: "admin" });
    const rec = await createUser({ role: "company", companyId: dup });
    await env.DB.prepare("INSERT INTO offers (id, event_id, company_id, title) VALUES (?, ?, ?, 'Intern')").bind(crypto.randomUUID(), eventId, dup).run();
    expect((await api("POST", `/admin/companies/${dup}/invitations`, { token: admin.token, body: { email: `x-${crypto.randomUUID().slice(0, 6)}@acme.test` } })).status).toBe(201);
    const r = await api("POST", `/admin/companies/${dup}/merge`, { token: admin.token, body: { into: target } });
    expect(r.status).toBe(200);
    expect(r.body.moved).toEqual({ recruiters: 1, offers: 1, invitations: 1, events: 0 });
    const refs = await env.DB.batch([
      env.DB.prepare("SELECT count(*) AS n FROM users WHERE company_id = ?").bind(dup),
      env.DB.prepare("SELECT count(*) AS n FROM offers WHERE company_id = ?").bind(dup),
      env.DB.prepare("SELECT count(*) AS n FROM invitations WHERE company_id = ?").bind(dup),
      env.DB.prepare("SELECT count(*) AS n FROM event_companies WHERE company_id = ?").bind(dup),
      env.DB.prepare("SELECT count(*) AS n FROM companies WHERE id = ?").bind(dup),
    ]);
    expect(refs.map((x) => (x.results[0] as { n: number }).n)).toEqual([0, 0, 0, 0, 0]);
    expect(await env.DB.prepare("SELECT verified_at FROM event_companies WHERE event_id = ? AND company_id = ?").bind(eventId, target).first("verified_at")).not.toBeNull();
    // The recruiter's old session named the duplicate: it ended; a new one works for the target.
    expect((await api("GET", "/company", { token: rec.token })).status).toBe(401);
    const audit = await env.DB.prepare("SELECT action, target_id FROM audit_log WHERE action = 'company.merge' ORDER BY id DESC").first<{ target_id: string }>();
    expect(audit?.target_id).toBe(target);
  });

  it("refuses to merge away a company that has slots (409), changing nothing; and a company into itself (400)", async () => {
    const eventId = await createEvent();
    const target = await createCompany(eventId);
    const withSlots = await createCompany(eventId);
    await createSlots(eventId, withSlots, 1);
    const admin = await createUser({ role: "admin" });
    const r = await api("POST", `/admin/companies/${withSlots}/merge`, { token: admin.token, body: { into: target } });
    expect(r.status).toBe(409);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM companies WHERE id = ?").bind(withSlots).first<number>("n")).toBe(1);
    expect((await api("POST", `/admin/companies/${target}/merge`, { token: admin.token, body: { into: target } })).status).toBe(400);
  });
});
