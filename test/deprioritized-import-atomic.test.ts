// The deprioritized import is atomic with its audit row: the list, the students' flags and the
// audit entry are written together or not at all, whichever of them fails; and the audit entry's
// counts are exactly what the import changed.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { api, createEvent, createUsers, type UserFixture } from "./helpers.ts";

let eventId: string;
let admin: UserFixture;
let students: UserFixture[];

beforeAll(async () => {
  eventId = await createEvent({ phase: 1 });
  [admin] = await createUsers(1, { role: "admin" }) as [UserFixture];
  students = await createUsers(3);
});
afterEach(async () => {
  await env.DB.prepare("DROP TRIGGER IF EXISTS inject_fault").run();
  vi.restoreAllMocks();
});

const state = async () => ({
  listed: (await env.DB.prepare("SELECT email FROM deprioritized_emails WHERE event_id = ? ORDER BY email").bind(eventId).all<{ email: string }>()).results.map((r) => r.email),
  flagged: (await env.DB.prepare("SELECT email FROM users WHERE deprioritized = 1 ORDER BY email").all<{ email: string }>()).results.map((r) => r.email),
  audits: (await env.DB.prepare("SELECT after FROM audit_log WHERE action = 'deprioritized.import' ORDER BY id").all<{ after: string }>()).results.map((r) => JSON.parse(r.after)),
});

const importList = (emails: string[]) => api("POST", "/admin/deprioritized", { token: admin.token, body: { emails } });

describe("the deprioritized import", () => {
  for (const [where, trigger] of [
    ["the audit row", "BEFORE INSERT ON audit_log"],
    ["the students' flags (the batch's last write)", "BEFORE UPDATE OF deprioritized ON users"],
    ["the list", "BEFORE INSERT ON deprioritized_emails"],
  ] as const)
    it(`writes nothing when ${where} cannot be written`, async () => {
      vi.spyOn(console, "error").mockImplementation(() => {});
      const before = await state();
      await env.DB.prepare(`CREATE TRIGGER inject_fault ${trigger} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`).run();
      const r = await importList([students[0]!.email, "not-yet-registered@example.test"]);
      expect(r.status).toBe(500);
      expect(await state()).toEqual(before);
    });

  it("writes the list, the flags and one audit row counting exactly those changes", async () => {
    const fresh = `later-${crypto.randomUUID().slice(0, 6)}@example.test`;
    const first = await importList([students[0]!.email, students[1]!.email.toUpperCase(), fresh]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ added: 3, flagged: 2, unchanged: 0, total: 3 });
    const again = await importList([students[1]!.email, students[2]!.email]);
    expect(again.body).toMatchObject({ added: 1, flagged: 1, unchanged: 1, total: 4 });
    const s = await state();
    expect(s.listed).toEqual([students[0]!.email, students[1]!.email, students[2]!.email, fresh].sort());
    expect(s.flagged).toEqual(students.map((u) => u.email).sort());
    expect(s.audits).toEqual([
      { received: 3, added: 3, flagged: 2 },
      { received: 2, added: 1, flagged: 1 },
    ]);
  });
});
