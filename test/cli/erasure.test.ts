// Erasure that erases: after `erase`, no table of D1 holds the student's address anywhere (the
// audit log's actor e-mail and before/after JSON included) and the active event's deprioritized
// list keeps only a salted hash of it. That the hash puts a returning address back on the list is
// shown in workerd by test/erased-address-signup.test.ts.
import { afterAll, beforeAll, expect, it } from "vitest";
import { hashErasedAddress } from "../../worker/lib/erased-address.ts";
import { State, yearConfig } from "./helpers.ts";

const state = new State();
const EVE = "eve.erasable@example.com";
const ID = "e7e00000-0000-4000-8000-000000000005";

beforeAll(async () => {
  await state.ok(["init", state.file("inf-2026.toml", yearConfig(2026))]);
  // Eve as the Worker would have left her: listed and flagged, the actor of an audit row, and
  // named inside another row's JSON (as an invitation or a note would).
  await state.exec(
    `INSERT INTO users (id, email, password_hash, role, full_name, deprioritized) VALUES ('${ID}', '${EVE}', 'pbkdf2-sha256$x', 'student', 'Eve Erasable', 1);
     INSERT INTO deprioritized_emails (event_id, email) SELECT id, '${EVE}' FROM events WHERE status = 'active';
     INSERT INTO deprioritized_emails (event_id, email) SELECT id, 'someone.else@example.com' FROM events WHERE status = 'active';
     INSERT INTO audit_log (actor_id, actor_email, action, target_type, target_id, after) VALUES ('${ID}', '${EVE}', 'cv.upload', 'user', '${ID}', '{"size":1}');
     INSERT INTO audit_log (actor_email, action, target_type, target_id, before, after) VALUES ('office@example.com', 'user.note', 'user', '${ID}', '{"email":"${EVE}"}', '{"emails":["${EVE}","keep@example.com"]}');`,
  );
});
afterAll(() => state.remove());

/** For each needle, every `table.column` of D1 holding it somewhere (case-insensitively). */
function cellsContaining(...needles: string[]): string[][] {
  const [columns = []] = state.queryMany(
    "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
  );
  expect(columns.length).toBeGreaterThan(50);
  const probes = needles.flatMap((needle, i) =>
    columns.map((c) => `SELECT ${i} AS n, '${c.t}.${c.c}' AS at FROM "${c.t}" WHERE instr(lower(CAST("${c.c}" AS TEXT)), '${needle}') > 0`),
  );
  const hits = state.queryMany(...probes).flat();
  return needles.map((_, i) => [...new Set(hits.filter((h) => h.n === i).map((h) => String(h.at)))].sort());
}

it("leaves no copy of the address or the name in D1, and a salted hash of the address on the active list", async () => {
  const r = await state.json<{ id: string; erased: boolean }>(["erase", EVE, "--yes"]);
  expect(r).toMatchObject({ id: ID, erased: true });
  expect(cellsContaining(EVE, "eve erasable")).toEqual([[], []]);
  const [notes = [], kept = [], listed = []] = state.queryMany(
    "SELECT actor_email, after FROM audit_log WHERE action IN ('cv.upload', 'user.note') ORDER BY id",
    "SELECT e.status, d.salt, d.email_hash FROM deprioritized_erased d JOIN events e ON e.id = d.event_id",
    "SELECT email FROM deprioritized_emails",
  );
  const anonymous = `erased-${ID}@erased.invalid`;
  expect(notes.map((n) => n.actor_email)).toEqual([anonymous, "office@example.com"]);
  expect(JSON.parse(String(notes[1]!.after))).toEqual({ emails: [anonymous, "keep@example.com"] });
  expect(kept).toHaveLength(1);
  expect(kept[0]!.status).toBe("active");
  expect(kept[0]!.email_hash).toBe(await hashErasedAddress(String(kept[0]!.salt), EVE));
  expect(listed).toEqual([{ email: "someone.else@example.com" }]);
});
