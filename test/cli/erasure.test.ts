// Erasure that erases: after `erase`, no table of D1 holds the student's address anywhere (the
// audit log's actor e-mail and before/after JSON included), and the same address signing up again
// is deprioritized again: the list keeps a salted hash of it, never the address.
import { afterAll, beforeAll, expect, it } from "vitest";
import { hashErasedAddress } from "../../worker/lib/erased-address.ts";
import { State, type Worker, api, startWorker, yearConfig } from "./helpers.ts";

const state = new State();
const EVE = "eve.erasable@example.com";
let worker: Worker;
let eventId: string;

beforeAll(async () => {
  eventId = (await state.json<{ eventId: string }>(["init", state.file("inf-2026.toml", yearConfig(2026))])).eventId;
  await state.ok(["students", "deprioritized", state.file("dep.csv", `${EVE}\nsomeone.else@example.com\n`)]);
  worker = await startWorker(state);
});
afterAll(async () => {
  await worker?.stop();
  state.remove();
});

const signup = () => api(worker.url, "POST", "/auth/signup", { body: { email: EVE, password: "a long passphrase", fullName: "Eve Erasable", role: "student" } });

/** For each needle, every `table.column` of D1 holding it somewhere (case-insensitively). */
function cellsContaining(...needles: string[]): string[][] {
  const [columns = []] = state.queryMany(
    "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
  );
  const probes = needles.flatMap((needle, i) =>
    columns.map((c) => `SELECT ${i} AS n, '${c.t}.${c.c}' AS at FROM "${c.t}" WHERE instr(lower(CAST("${c.c}" AS TEXT)), '${needle}') > 0`),
  );
  const hits = state.queryMany(...probes).flat();
  return needles.map((_, i) => [...new Set(hits.filter((h) => h.n === i).map((h) => String(h.at)))].sort());
}

it("leaves no copy of the address in D1, and the address signing up again is on the list again", async () => {
  const first = await signup();
  expect(first.status).toBe(201);
  expect(first.body.user.deprioritized).toBe(true);
  const id = first.body.user.id as string;
  // Copies of the address beyond the account: as the actor of an audit row, inside audit JSON.
  await state.exec(
    `INSERT INTO audit_log (actor_id, actor_email, action, target_type, target_id, after) VALUES ('${id}', '${EVE}', 'cv.upload', 'user', '${id}', '{"size":1}');
     INSERT INTO audit_log (actor_email, action, target_type, target_id, before, after) VALUES ('office@example.com', 'user.note', 'user', '${id}', '{"email":"${EVE}"}', '{"emails":["${EVE}","keep@example.com"]}');`,
  );
  expect(cellsContaining(EVE)).toEqual([["audit_log.actor_email", "audit_log.after", "audit_log.before", "deprioritized_emails.email", "users.email"]]);

  const r = await state.json<{ id: string; erased: boolean }>(["erase", EVE, "--yes"]);
  expect(r).toMatchObject({ id, erased: true });
  expect(cellsContaining(EVE, "eve erasable")).toEqual([[], []]);
  const [note] = state.query<{ after: string }>("SELECT after FROM audit_log WHERE action = 'user.note'");
  expect(JSON.parse(note!.after)).toEqual({ emails: [`erased-${id}@erased.invalid`, "keep@example.com"] });
  const kept = state.query<{ salt: string; email_hash: string; event_id: string }>("SELECT event_id, salt, email_hash FROM deprioritized_erased");
  expect(kept).toHaveLength(1);
  expect(kept[0]!.event_id).toBe(eventId);
  expect(kept[0]!.email_hash).toBe(await hashErasedAddress(kept[0]!.salt, EVE));

  const again = await signup();
  expect(again.status).toBe(201);
  expect(again.body.user.id).not.toBe(id);
  expect(again.body.user.deprioritized).toBe(true);
  expect(state.query(`SELECT email FROM deprioritized_emails WHERE event_id = '${eventId}' ORDER BY email`)).toEqual([{ email: EVE }, { email: "someone.else@example.com" }]);
  // wrangler starts for each step (about a dozen here): minutes on a loaded two-core machine.
}, 300_000);
