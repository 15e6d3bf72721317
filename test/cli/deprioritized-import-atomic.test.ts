// `students deprioritized` writes the list, the students' flags and its audit row in one script
// (one D1 batch): when any of them cannot be written, nothing is.
import { afterAll, beforeAll, expect, it } from "vitest";
import { State, yearConfig } from "./helpers.ts";

const state = new State();

beforeAll(async () => {
  await state.ok(["init", state.file("inf-2026.toml", yearConfig(2026))]);
  await state.exec(
    `INSERT INTO users (id, email, password_hash, role, full_name) VALUES ('5e1f0000-0000-4000-8000-000000000001', 'dana@example.com', 'x', 'student', 'Dana Example');
     CREATE TRIGGER inject_fault BEFORE INSERT ON audit_log WHEN NEW.action = 'deprioritized.import' BEGIN SELECT RAISE(ABORT, 'injected fault'); END;`,
  );
});
afterAll(() => state.remove());

const snapshot = () =>
  state.queryMany(
    "SELECT event_id, email FROM deprioritized_emails ORDER BY email",
    "SELECT email, deprioritized FROM users ORDER BY email",
    "SELECT action, after FROM audit_log WHERE action = 'deprioritized.import' ORDER BY id",
  );

// The successful import (list, flags, audit row) is shown by yearly-cycle.test.ts.
it("writes neither the list nor a flag when its audit row cannot be written", async () => {
  const before = snapshot();
  expect(before[1]).toEqual([{ email: "dana@example.com", deprioritized: 0 }]);
  const refused = await state.cli(["students", "deprioritized", state.file("dep.csv", "email\ndana@example.com\nnot-yet@example.com\n")]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain("injected fault");
  expect(snapshot()).toEqual(before);
});
