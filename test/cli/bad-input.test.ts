// Bad config files and bad CSV lines: a precise message naming the line, and nothing written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { State, yearConfig } from "./helpers.ts";

const state = new State();
let before: { events: number; audit: number; companies: number; listed: number };

const snapshot = () => {
  const [r] = state.query<typeof before>(
    "SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM audit_log) AS audit, (SELECT count(*) FROM companies) AS companies, (SELECT count(*) FROM deprioritized_emails) AS listed",
  );
  return r!;
};

beforeAll(async () => {
  await state.ok(["init", state.file("good.toml", yearConfig(2026))]);
  await state.ok(["companies", "import", state.file("c.csv", "name,verified\nAurora Robotics,yes\n")]);
  before = snapshot();
});
afterAll(() => state.remove());

describe("a bad config file", () => {
  const good = yearConfig(2030).split("\n");
  // Line numbers below refer to yearConfig's layout: name 1, date 2, timeZone 3, dayStart 4,
  // dayEnd 5, phase1Start 6, phase1End 7, phase2Start 8, phase2End 9, then the extra lines.
  const cases: { what: string; file: string; name?: string; expect: RegExp[] }[] = [
    { what: "a wrong type", file: yearConfig(2030, 'slotCapacity = "two"'), expect: [/line 10: slotCapacity: .*number/i] },
    {
      what: "phase 2 before phase 1",
      file: [...good.slice(0, 7), 'phase2Start = "2020-01-01T08:00:00Z"', ...good.slice(8)].join("\n"),
      expect: [/line 8: phase2Start: phase 2 must start after phase 1 starts/],
    },
    { what: "caps inverted", file: yearConfig(2030, "maxBookingsPhase1 = 5\nmaxBookingsTotal = 4"), expect: [/line 10: maxBookingsPhase1: the phase-1 cap cannot exceed the total cap/] },
    { what: "an unknown key", file: yearConfig(2030, "slotDuration = 10"), expect: [/line 10: slotDuration: unknown setting/] },
    { what: "a time zone that does not exist", file: good.map((l) => (l.startsWith("timeZone") ? 'timeZone = "Europe/Atlantis"' : l)).join("\n"), expect: [/line 3: timeZone: unknown IANA time zone/] },
    { what: "a break outside the day", file: yearConfig(2030, 'breaks = [\n  { start = "09:30", end = "09:45" },\n  { start = "12:00", end = "12:15" },\n]'), expect: [/line 12: breaks\.1: a break must lie within the day/] },
    { what: "a TOML syntax error", file: yearConfig(2030, "bufferMinutes = = 5"), expect: [/line 10: TOML syntax/] },
    {
      what: "a JSON file with a wrong type",
      name: "bad.json",
      file: '{\n  "name": "INF 2030",\n  "date": "2030-12-10",\n  "slotCapacity": -1\n}\n',
      expect: [/line 4: slotCapacity: .*>=\s*1/i],
    },
    { what: "several problems at once", file: yearConfig(2030, "maxBookingsTotal = 0\ncolour = \"blue\""), expect: [/line 10: maxBookingsTotal/, /line 11: colour: unknown setting/] },
  ];

  it.each(cases)("is refused with the line to fix: $what", async ({ file, name, expect: patterns }) => {
    const r = await state.cli(["init", state.file(name ?? "bad.toml", file)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing was written/);
    for (const p of patterns) expect(r.stderr).toMatch(p);
  });

  it("leaves D1 as it was, and a dry run of a good file writes nothing either", async () => {
    const dry = await state.json<{ action: string; dryRun: boolean }>(["init", state.file("next.toml", yearConfig(2031)), "--dry-run"]);
    expect(dry).toMatchObject({ action: "created", dryRun: true });
    expect(snapshot()).toEqual(before);
  });

  it("reads a relative path from where `npm run event` was typed (npm's INIT_CWD), not from the package root", async () => {
    state.file("here.toml", yearConfig(2032));
    const r = await state.cli(["init", "here.toml", "--dry-run", "--json"], { env: { npm_lifecycle_event: "event", INIT_CWD: state.dir } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, config: { name: "INF 2032" } });
    const root = await state.cli(["init", "here.toml", "--dry-run"]);
    expect(root.code).toBe(2);
    expect(root.stderr).toMatch(/here\.toml: 1 problem\(s\), nothing was written/);
  });
});

describe("a CSV with bad lines", () => {
  it("names every bad company line and imports nothing", async () => {
    const csv = state.file(
      "companies.csv",
      [
        "name,website,description,verified",
        "Banque Lumière,https://lumiere.example,A bank,yes",
        "Cobalt Cloud,ftp://cobalt.example,,yes",
        ",https://nameless.example,,yes",
        '"Delta, Energie",https://delta.example,"Grids,\nand batteries",maybe',
        "Banque Lumière,,,no",
        "Echo Health,,,yes",
      ].join("\n"),
    );
    const r = await state.cli(["companies", "import", csv]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("line 3: website is not an http(s) URL: ftp://cobalt.example");
    expect(r.stderr).toContain("line 4: name is empty");
    expect(r.stderr).toContain('line 5: verified must be yes or no, not "maybe"');
    // The quoted cell spans two lines: the next record starts on line 7.
    expect(r.stderr).toContain('line 7: "Banque Lumière" is already on line 2');
    expect(r.stderr).toMatch(/4 line\(s\) rejected; nothing was written/);
    expect(snapshot()).toEqual(before);
  });

  it("names every bad e-mail line and flags nobody", async () => {
    const csv = state.file("dep.csv", "email\nok@example.com\nnot-an-address\n\n  \nsecond@@example.com\n");
    const r = await state.cli(["students", "deprioritized", csv]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("line 3: not an e-mail address: not-an-address");
    expect(r.stderr).toContain("line 6: not an e-mail address: second@@example.com");
    expect(snapshot()).toEqual(before);
  });

  it("imports the valid lines with --skip-invalid, and a second run changes nothing", async () => {
    const csv = state.file("dep2.csv", "email\nOK@example.com\nnot-an-address\nother@example.com\n");
    const first = await state.cli(["students", "deprioritized", csv, "--skip-invalid", "--json"]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ added: 2, unchanged: 0, rejected: [{ line: 3 }] });
    const again = await state.cli(["students", "deprioritized", csv, "--skip-invalid", "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, unchanged: 2 });
    expect(state.query("SELECT email FROM deprioritized_emails ORDER BY email")).toEqual([{ email: "ok@example.com" }, { email: "other@example.com" }]);
  });
});
