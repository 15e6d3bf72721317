// GDPR: `erase` anonymises one student (name, e-mail, password, CV in R2) and keeps the anonymous
// booking history; `retention` does the same for students inactive beyond the period and drops
// old events' attempt logs and deprioritized lists, never touching the active year; `secret rotate`
// ends every session without ever showing the new secret.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { r2Get, r2Put } from "../../cli/lib/wrangler.ts";
import { State, yearConfig } from "./helpers.ts";

const state = new State();
const OLD = "2022-03-01T00:00:00.000Z";
const ids = { alice: "a11ce000-0000-4000-8000-000000000001", bob: "b0b00000-0000-4000-8000-000000000002", carol: "ca201000-0000-4000-8000-000000000003" };
let event2022: string;

beforeAll(async () => {
  event2022 = (await state.json<{ eventId: string }>(["init", state.file("inf-2022.toml", yearConfig(2022))])).eventId;
  await state.ok(["companies", "import", state.file("c.csv", "name\nAurora Robotics\n")]);
  await state.ok(["slots", "generate"]);
  // Three students of 2022, written the way the Worker writes them; alice and bob booked.
  const user = (id: string, name: string) =>
    `INSERT INTO users (id, email, password_hash, role, full_name, deprioritized, created_at, updated_at, last_login_at) VALUES ('${id}', '${name}@example.com', 'x', 'student', '${name} Example', 1, '${OLD}', '${OLD}', '${OLD}');`;
  const booking = (n: number, student: string) =>
    `INSERT INTO bookings (id, event_id, slot_id, student_id, company_id, starts_at, ends_at, phase, status, created_at, updated_at)
       SELECT '00000000-0000-4000-8000-00000000000${n}', event_id, id, '${student}', company_id, starts_at, ends_at, 2, 'confirmed', '${OLD}', '${OLD}'
       FROM slots WHERE event_id = '${event2022}' ORDER BY starts_at LIMIT 1 OFFSET ${n};`;
  await state.exec(
    [
      user(ids.alice, "alice"),
      user(ids.bob, "bob"),
      user(ids.carol, "carol"),
      `INSERT INTO deprioritized_emails (event_id, email) VALUES ('${event2022}', 'alice@example.com'), ('${event2022}', 'bob@example.com');`,
      booking(1, ids.alice),
      booking(2, ids.bob),
      `INSERT INTO booking_attempts (id, event_id, student_id, slot_id, success, response_time_ms, attempted_at) VALUES ('att-1', '${event2022}', '${ids.bob}', 'x', 1, 12, '${OLD}');`,
    ].join("\n"),
  );
  await r2Put(state.target, `cv/${ids.alice}.pdf`, state.file("cv.pdf", "%PDF-1.4 alice"));
  await state.ok(["init", state.file("inf-2026.toml", yearConfig(2026))]);
  // carol is back this year: she logged in recently.
  await state.exec(`UPDATE users SET last_login_at = '${new Date().toISOString()}' WHERE id = '${ids.carol}';`);
});
afterAll(() => state.remove());

it("erase anonymises the student, deletes the CV and keeps the booking, anonymous", async () => {
  const refused = await state.cli(["erase", "alice@example.com"]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/pass --yes/);

  const r = await state.json<{ id: string; bookingsKept: number }>(["erase", "alice@example.com", "--yes"]);
  expect(r).toMatchObject({ id: ids.alice, bookingsKept: 1 });
  const [alice, listed, bookings, audit] = state.queryMany(
    `SELECT email, full_name, password_hash, deprioritized FROM users WHERE id = '${ids.alice}'`,
    "SELECT email FROM deprioritized_emails",
    `SELECT status FROM bookings WHERE student_id = '${ids.alice}'`,
    "SELECT target_id, before, after FROM audit_log WHERE action = 'student.erase'",
  );
  expect(alice).toEqual([{ email: `erased-${ids.alice}@erased.invalid`, full_name: "Erased student", password_hash: "!erased", deprioritized: 0 }]);
  expect(listed).toEqual([{ email: "bob@example.com" }]);
  expect(bookings).toEqual([{ status: "confirmed" }]);
  await expect(r2Get(state.target, `cv/${ids.alice}.pdf`, state.file("gone.pdf", ""))).rejects.toThrow();
  expect(audit).toHaveLength(1);
  expect(JSON.stringify(audit)).not.toContain("alice@example.com");

  const twice = await state.cli(["erase", "alice@example.com", "--yes"]);
  expect(twice.code).toBe(1);
  expect(twice.stderr).toMatch(/No account has the e-mail alice@example.com/);
});

it("retention shows first, then anonymises inactive students and drops old logs, keeping the active year", async () => {
  const dry = await state.json(["retention", "--older-than", "2", "--dry-run"]);
  expect(dry).toMatchObject({ dryRun: true, studentsToAnonymise: 1, events: [{ event: "INF 2022", attempts: 1, deprioritized: 1 }] });
  const done = await state.json(["retention", "--older-than", "2", "--yes"]);
  expect(done).toMatchObject({ dryRun: false, studentsToAnonymise: 1 });
  const [users, counts, events] = state.queryMany(
    "SELECT id, full_name FROM users WHERE role = 'student' ORDER BY id",
    `SELECT (SELECT count(*) FROM booking_attempts) AS attempts, (SELECT count(*) FROM deprioritized_emails) AS listed,
            (SELECT count(*) FROM bookings WHERE status = 'confirmed') AS confirmed`,
    "SELECT status FROM events ORDER BY date",
  );
  expect(users).toEqual([
    { id: ids.alice, full_name: "Erased student" },
    { id: ids.bob, full_name: "Erased student" },
    { id: ids.carol, full_name: "carol Example" },
  ]);
  expect(counts).toEqual([{ attempts: 0, listed: 0, confirmed: 2 }]);
  expect(events).toEqual([{ status: "archived" }, { status: "active" }]);
});

it("rotates the session secret without printing it, and audits the rotation", async () => {
  const devVars = state.file("dev.vars", "OTHER=kept\nJWT_SECRET=old-secret\n");
  const r = await state.cli(["secret", "rotate", "--dev-vars", devVars]);
  expect(r.code).toBe(0);
  const text = readFileSync(devVars, "utf8");
  const secret = /^JWT_SECRET=(.+)$/m.exec(text)?.[1];
  expect(text).toMatch(/^OTHER=kept$/m);
  expect(secret).toMatch(/^[\w-]{43}$/);
  expect(r.stdout + r.stderr).not.toContain(secret);
  expect(state.query("SELECT action, after FROM audit_log WHERE action = 'secret.rotate'")).toEqual([{ action: "secret.rotate", after: JSON.stringify({ where: devVars }) }]);
});
