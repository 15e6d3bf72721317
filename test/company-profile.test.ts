// A recruiter manages their own company's profile and offers (audited); nobody else can.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createUser, type UserFixture } from "./helpers.ts";

let eventId: string;
let companyId: string;
let recruiter: UserFixture;
let otherRecruiter: UserFixture;
let student: UserFixture;
let admin: UserFixture;

const audit = async (action: string, targetId: string) =>
  (await env.DB.prepare("SELECT actor_id, before, after FROM audit_log WHERE action = ? AND target_id = ?").bind(action, targetId).all<{ actor_id: string; before: string | null; after: string | null }>())
    .results;
const offerRow = (id: string) => env.DB.prepare("SELECT * FROM offers WHERE id = ?").bind(id).first<Record<string, unknown>>();

beforeAll(async () => {
  eventId = await createEvent({ phase: 1 });
  companyId = await createCompany(eventId, { name: "Acme" });
  recruiter = await createUser({ role: "company", companyId });
  otherRecruiter = await createUser({ role: "company", companyId: await createCompany(eventId) });
  student = await createUser();
  admin = await createUser({ role: "admin" });
});

describe("the company profile", () => {
  it("is edited by its recruiter and audited", async () => {
    const r = await api("PATCH", "/company", { token: recruiter.token, body: { name: "Acme Labs", description: "Rockets.", website: "https://acme.example" } });
    expect(r.status).toBe(200);
    expect(r.body.company).toEqual({ id: companyId, name: "Acme Labs", description: "Rockets.", website: "https://acme.example", booth: null, note: null });
    expect((await api("GET", "/company", { token: recruiter.token })).body.company.name).toBe("Acme Labs");
    const [entry] = await audit("company.update", companyId);
    expect(entry?.actor_id).toBe(recruiter.id);
    expect(JSON.parse(entry!.before!).name).toBe("Acme");
  });

  it("gains a booth and a note for students, shown on the public company page, and cleared with an empty text", async () => {
    const r = await api("PATCH", "/company", { token: recruiter.token, body: { booth: " Hall B · stand 12 ", note: "Bring a printed CV." } });
    expect(r.body.company).toMatchObject({ booth: "Hall B · stand 12", note: "Bring a printed CV." });
    expect((await api("GET", `/companies/${companyId}`)).body.company).toMatchObject({ booth: "Hall B · stand 12", note: "Bring a printed CV." });
    expect(JSON.parse((await audit("company.update", companyId)).at(-1)!.after!)).toEqual({ booth: "Hall B · stand 12", note: "Bring a printed CV." });
    expect((await api("PATCH", "/company", { token: recruiter.token, body: { note: "" } })).body.company).toMatchObject({ booth: "Hall B · stand 12", note: null });
  });

  it("rejects bad input and changes nothing", async () => {
    for (const body of [{}, { name: "" }, { name: "x", extra: 1 }, { website: "javascript:alert(1)" }, { description: 5 }, { booth: "x".repeat(61) }, { note: 3 }]) {
      const r = await api("PATCH", "/company", { token: recruiter.token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
    }
    expect((await api("PATCH", "/company", { token: recruiter.token, raw: "{nope" })).status).toBe(400);
    const row = await env.DB.prepare("SELECT name, website FROM companies WHERE id = ?").bind(companyId).first();
    expect(row).toEqual({ name: "Acme Labs", website: "https://acme.example" });
  });

  it("is the recruiter's only", async () => {
    expect((await api("PATCH", "/company", { body: { name: "x" } })).status).toBe(401);
    expect((await api("PATCH", "/company", { token: student.token, body: { name: "x" } })).status).toBe(403);
    expect((await api("PATCH", "/company", { token: admin.token, body: { name: "x" } })).status).toBe(403);
  });
});

describe("offers", () => {
  it("are created, listed, edited and deleted by their company's recruiter, each write audited", async () => {
    const created = await api("POST", "/company/offers", {
      token: recruiter.token,
      body: { title: "Rust intern", contractType: "internship", tags: ["Rust", "rust", "embedded"], location: "Brussels" },
    });
    expect(created.status).toBe(201);
    const offer = created.body.offer;
    expect(offer).toMatchObject({ companyId, title: "Rust intern", tags: ["rust", "embedded"], description: "", contractType: "internship" });
    expect(await offerRow(offer.id)).toMatchObject({ event_id: eventId, company_id: companyId });

    expect((await api("GET", "/company/offers", { token: recruiter.token })).body.offers.map((o: { id: string }) => o.id)).toEqual([offer.id]);
    // It shows in the public catalogue of the (verified) company.
    expect((await api("GET", `/companies/${companyId}`, { token: student.token })).body.offers[0].title).toBe("Rust intern");

    const edited = await api("PATCH", `/company/offers/${offer.id}`, { token: recruiter.token, body: { title: "Rust engineer", contractType: "full-time" } });
    expect(edited.status).toBe(200);
    expect(edited.body.offer).toMatchObject({ title: "Rust engineer", contractType: "full-time", tags: ["rust", "embedded"] });

    expect((await api("DELETE", `/company/offers/${offer.id}`, { token: recruiter.token })).status).toBe(204);
    expect(await offerRow(offer.id)).toBeNull();
    for (const action of ["offer.create", "offer.update", "offer.delete"]) expect(await audit(action, offer.id)).toHaveLength(1);
  });

  it("of another company cannot be read, edited or deleted", async () => {
    const { body } = await api("POST", "/company/offers", { token: recruiter.token, body: { title: "Mine", contractType: "thesis" } });
    const id = body.offer.id;
    expect((await api("PATCH", `/company/offers/${id}`, { token: otherRecruiter.token, body: { title: "Stolen" } })).status).toBe(404);
    expect((await api("DELETE", `/company/offers/${id}`, { token: otherRecruiter.token })).status).toBe(404);
    expect((await api("GET", "/company/offers", { token: otherRecruiter.token })).body.offers).toEqual([]);
    expect((await api("POST", "/company/offers", { token: student.token, body: { title: "x", contractType: "thesis" } })).status).toBe(403);
    expect((await api("DELETE", `/company/offers/${id}`, { token: student.token })).status).toBe(403);
    expect(await offerRow(id)).toMatchObject({ title: "Mine" });
  });

  it("reject bad input and change nothing", async () => {
    const before = (await api("GET", "/company/offers", { token: recruiter.token })).body.offers;
    const bad = [
      {},
      { title: "x" },
      { title: "x", contractType: "forever" },
      { title: "", contractType: "thesis" },
      { title: "x", contractType: "thesis", tags: "rust" },
      { title: "x", contractType: "thesis", tags: Array.from({ length: 9 }, (_, i) => `t${i}`) },
      { title: "x", contractType: "thesis", tags: ["<script>"] },
      { title: "x", contractType: "thesis", companyId: "someone-else" },
    ];
    for (const b of bad) {
      const r = await api("POST", "/company/offers", { token: recruiter.token, body: b });
      expect(r.status, JSON.stringify(b)).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
    }
    const id = before[0].id;
    expect((await api("PATCH", `/company/offers/${id}`, { token: recruiter.token, body: {} })).status).toBe(400);
    expect((await api("PATCH", `/company/offers/${id}`, { token: recruiter.token, body: { eventId: "x" } })).status).toBe(400);
    expect((await api("PATCH", "/company/offers/nope", { token: recruiter.token, body: { title: "y" } })).status).toBe(400);
    expect((await api("POST", "/company/offers", { token: recruiter.token, raw: "x".repeat(70_000) })).status).toBe(413);
    expect((await api("GET", "/company/offers", { token: recruiter.token })).body.offers).toEqual(before);
  });
});
