// The CLI's in-process path to the local D1 (cli/lib/local-d1.ts): statements split as SQLite
// would, scripts all-or-nothing, foreign keys enforced as D1 enforces them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { localExecute, localQueryMany, splitStatements } from "../../cli/lib/local-d1.ts";

const dir = mkdtempSync(join(tmpdir(), "inf-local-d1-"));
const file = join(dir, "db.sqlite");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("splits at top-level semicolons only, ignoring those in strings, identifiers and comments", () => {
  const sql = `SELECT 'a;b' AS "x;y"; -- a comment; still a comment
    SELECT [c;d] FROM t /* ; */ WHERE v = 'it''s;'; ;
    SELECT \`e;f\``;
  expect(splitStatements(sql).map((s) => s.trim())).toEqual([
    `SELECT 'a;b' AS "x;y"`,
    `-- a comment; still a comment\n    SELECT [c;d] FROM t /* ; */ WHERE v = 'it''s;'`,
    "SELECT `e;f`",
  ]);
});

it("writes a script all or nothing, and enforces foreign keys like D1", () => {
  localExecute(file, "CREATE TABLE p (id TEXT PRIMARY KEY); CREATE TABLE c (id TEXT PRIMARY KEY, p TEXT NOT NULL REFERENCES p(id));");
  localExecute(file, "INSERT INTO p VALUES ('a'); INSERT INTO c VALUES ('1', 'a');");
  expect(() => localExecute(file, "INSERT INTO p VALUES ('b'); INSERT INTO c VALUES ('2', 'missing');")).toThrow(/FOREIGN KEY/);
  expect(localQueryMany(file, "SELECT id FROM p ORDER BY id; SELECT id, p FROM c")).toEqual([[{ id: "a" }], [{ id: "1", p: "a" }]]);
});
