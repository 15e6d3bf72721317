// CVs: a student uploads, replaces, downloads and deletes their own PDF (≤ 5 MB, checked by its
// first bytes, kept in R2 at cv/<userId>.pdf); a recruiter reads it only if the student booked them.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser, studentDo, type UserFixture } from "./helpers.ts";

const pdf = (text: string, pad = 0) => new TextEncoder().encode(`%PDF-1.7\n${text}\n${" ".repeat(pad)}%%EOF`);

async function upload(token: string | undefined, body: BodyInit, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { "content-type": "application/pdf", ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  const res = await exports.default.fetch(new Request("http://127.0.0.1/api/profile/cv", { method: "PUT", headers: h, body }));
  return { status: res.status, body: (await res.json()) as any };
}

async function download(path: string, token: string) {
  const res = await exports.default.fetch(new Request(`http://127.0.0.1/api${path}`, { headers: { authorization: `Bearer ${token}` } }));
  return { status: res.status, headers: res.headers, text: new TextDecoder().decode(await res.arrayBuffer()) };
}

const stored = async (userId: string) => (await env.FILES.get(`cv/${userId}.pdf`))?.text() ?? null;

let eventId: string;
let companyId: string;
let student: UserFixture;
let other: UserFixture;
let recruiter: UserFixture;
let otherRecruiter: UserFixture;

beforeAll(async () => {
  eventId = await createEvent({ phase: 1 });
  companyId = await createCompany(eventId);
  const otherCompanyId = await createCompany(eventId);
  const [slot] = await createSlots(eventId, companyId, 1);
  student = await createUser();
  other = await createUser();
  recruiter = await createUser({ role: "company", companyId });
  otherRecruiter = await createUser({ role: "company", companyId: otherCompanyId });
  expect((await api("POST", "/bookings", { token: student.token, body: { slotId: slot!.id } })).status).toBe(201);
  await studentDo(eventId, student.id).drain();
});

describe("a student's CV", () => {
  it("is uploaded, replaced, downloaded and deleted by its owner", async () => {
    expect((await api("GET", "/profile/cv", { token: student.token })).body).toEqual({ cv: null });

    const first = await upload(student.token, pdf("first"));
    expect(first.status).toBe(201);
    expect(first.body.cv.size).toBe(pdf("first").byteLength);
    expect(await stored(student.id)).toContain("first");

    const second = await upload(student.token, pdf("second"));
    expect(second.status).toBe(200);
    expect(await stored(student.id)).toContain("second");
    expect((await api("GET", "/profile/cv", { token: student.token })).body.cv.size).toBe(pdf("second").byteLength);

    const file = await download("/profile/cv/file", student.token);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename="cv-.+\.pdf"$/);
    expect(file.text).toContain("second");

    expect((await api("DELETE", "/profile/cv", { token: student.token })).status).toBe(204);
    expect(await stored(student.id)).toBeNull();
    expect((await api("DELETE", "/profile/cv", { token: student.token })).status).toBe(404);
    expect((await download("/profile/cv/file", student.token)).status).toBe(404);
  });

  it("refuses what is not a PDF, an empty file and a file over 5 MB, and keeps the stored one", async () => {
    expect((await upload(other.token, pdf("kept"))).status).toBe(201);

    const png = await upload(other.token, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]));
    expect(png.status).toBe(400);
    expect(png.body.error.code).toBe("validation_failed");
    // A PDF content type does not make a PDF: the bytes decide.
    expect((await upload(other.token, "hello, not a pdf")).body.error.code).toBe("validation_failed");
    expect((await upload(other.token, new Uint8Array())).body.error.code).toBe("validation_failed");

    const huge = await upload(other.token, pdf("huge", 5 * 1024 * 1024));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");

    expect(await stored(other.id)).toContain("kept");
    // Exactly 5 MB is allowed.
    const base = pdf("edge");
    const edge = new Uint8Array(5 * 1024 * 1024);
    edge.set(base);
    expect((await upload(other.token, edge)).status).toBe(200);
    expect((await env.FILES.head(`cv/${other.id}.pdf`))?.size).toBe(5 * 1024 * 1024);
  });

  it("is for students only", async () => {
    expect((await upload(undefined, pdf("x"))).status).toBe(401);
    expect((await upload(recruiter.token, pdf("x"))).status).toBe(403);
    expect((await api("GET", "/profile/cv")).status).toBe(401);
    expect(await stored(recruiter.id)).toBeNull();
  });
});

describe("a recruiter reading CVs", () => {
  it("reads the CV of a student who booked their company, and no other", async () => {
    expect((await upload(student.token, pdf("booked student"))).status).toBeLessThan(300);
    expect((await upload(other.token, pdf("other student"))).status).toBeLessThan(300);

    const ok = await download(`/company/students/${student.id}/cv`, recruiter.token);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("booked student");

    // Another company's recruiter, a student who did not book them, a student, a bad id.
    expect((await download(`/company/students/${student.id}/cv`, otherRecruiter.token)).status).toBe(403);
    expect((await download(`/company/students/${other.id}/cv`, recruiter.token)).status).toBe(403);
    expect((await download(`/company/students/${student.id}/cv`, other.token)).status).toBe(403);
    expect((await download(`/company/students/not-a-uuid/cv`, recruiter.token)).status).toBe(400);
  });

  it("loses access once the student cancels", async () => {
    const s = await createUser();
    const [slot] = await createSlots(eventId, companyId, 1, { firstStart: Date.parse("2099-01-01T10:00:00Z") });
    const b = await api("POST", "/bookings", { token: s.token, body: { slotId: slot!.id } });
    expect(b.status).toBe(201);
    await studentDo(eventId, s.id).drain();
    await upload(s.token, pdf("soon gone"));
    expect((await download(`/company/students/${s.id}/cv`, recruiter.token)).status).toBe(200);
    expect((await api("DELETE", `/bookings/${b.body.booking.id}`, { token: s.token })).status).toBe(200);
    await studentDo(eventId, s.id).drain();
    expect((await download(`/company/students/${s.id}/cv`, recruiter.token)).status).toBe(403);
  });
});
