// `draw status|run|export|verify` on a real local D1 with a running Worker: a year whose wishes
// are open, students ranking them over the API, the office running phase 1's draw from the CLI;
// the export and the revealed seed then reproduce exactly what was booked, and a booking moved
// in D1 or a wrong seed is caught.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signUpVerified } from "../mailbox.ts";
import { type Worker, State, api, iso, startWorker } from "./helpers.ts";

const state = new State();
const HOUR = 3_600_000;
let worker: Worker;
let adminToken: string;

beforeAll(async () => {
  const now = Date.now();
  const init = await state.json<{ eventId: string }>([
    "init",
    state.file(
      "draw.toml",
      `name = "INF 2031"\ndate = "2031-12-10"\ndayStart = "09:00"\ndayEnd = "10:00"\nwishesOpen = "${iso(now - HOUR)}"\nphase1Start = "${iso(now + HOUR)}"\nphase1End = "${iso(now + 2 * HOUR)}"\nphase2Start = "${iso(now + 2 * HOUR)}"\nphase2End = "${iso(now + 3 * HOUR)}"\nbookingOpen = true\n`,
    ),
  ]);
  // Two verified companies with four slots each, in one wrangler call (the other CLI tests cover
  // the import and generate commands); an admin; six students who sign up and verify their address.
  const companies = [randomUUID(), randomUUID()];
  const q = (v: string) => `'${v}'`;
  await state.exec(
    companies
      .flatMap((c, k) => [
        `INSERT INTO companies (id, name) VALUES (${q(c)}, 'Company ${k}');`,
        `INSERT INTO event_companies (event_id, company_id, verified_at) VALUES (${q(init.eventId)}, ${q(c)}, ${q(iso(now))});`,
        ...[0, 1, 2, 3].map((i) => `INSERT INTO slots (id, event_id, company_id, starts_at, ends_at, capacity) VALUES (${q(randomUUID())}, ${q(init.eventId)}, ${q(c)}, '2031-12-10T0${8 + Math.floor(i / 2)}:${i % 2 ? "15" : "00"}:00.000Z', '2031-12-10T0${8 + Math.floor(i / 2)}:${i % 2 ? "25" : "10"}:00.000Z', 2);`),
      ])
      .join("\n"),
  );
  const admin = await state.json<{ email: string; password: string }>(["admin", "create", "draw-admin@example.com"]);
  worker = await startWorker(state);
  const call = (method: string, path: string, body?: unknown) => api(worker.url, method, path, body === undefined ? {} : { body });
  const login = await call("POST", "/auth/login", { email: admin.email, password: admin.password });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  adminToken = login.body.token;
  for (let i = 0; i < 6; i++) {
    const { token } = await signUpVerified(call, { email: `draw-s${i}@example.com`, password: "correct horse battery", fullName: `Student ${i}`, role: "student" });
    const put = await api(worker.url, "PUT", "/wishes", { token, body: { wishes: (i % 2 ? [...companies].reverse() : companies).map((companyId) => ({ companyId })) } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
});
afterAll(async () => {
  await worker?.stop();
  state.remove();
});

it("runs phase 1's draw through the Worker, shows it, exports it, and verify reproduces the bookings; a moved booking or another seed fails", async () => {
  const run = await state.cli(["draw", "run", "--phase", "1", "--url", worker.url, "--token", adminToken, "--json"]);
  expect(run.code, run.stderr).toBe(0);
  const summary = JSON.parse(run.stdout);
  expect(summary).toMatchObject({ phase: 1, drawn: 6, diverged: 0 });
  expect(summary.allocated).toBeGreaterThan(0);

  const status = await state.json<{ phases: { phase: number; status: string; seed: string; commitment: string; allocated: number }[] }>(["draw", "status"]);
  const p1 = status.phases[0]!;
  expect(p1).toMatchObject({ phase: 1, status: "done", allocated: summary.allocated });
  expect(status.phases[1]).toMatchObject({ phase: 2, status: "collecting", seed: null });

  // The bookings reach D1 through the outbox within moments.
  for (let i = 0; i < 50 && Number(state.query<{ n: number }>("SELECT count(*) AS n FROM bookings WHERE origin = 'draw'")[0]?.n) < summary.allocated; i++) await new Promise((r) => setTimeout(r, 200));
  const file = state.file("phase1.csv", "");
  expect((await state.cli(["draw", "export", "--phase", "1", "--out", file])).code).toBe(0);
  const verify = await state.cli(["draw", "verify", "--phase", "1", "--seed", p1.seed, "--wishes", file, "--json"]);
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, commitmentOk: true, mismatches: [], booked: { missing: [], extra: [] } });

  const other = await state.cli(["draw", "verify", "--phase", "1", "--seed", p1.seed.replace(/^./, (c) => (c === "0" ? "1" : "0")), "--wishes", file, "--offline"]);
  expect(other.code).toBe(1);
  expect(other.stdout).toMatch(/is NOT the published commitment/);

  // A draw booking moved to another slot in D1: verify names it.
  const [moved] = state.query<{ id: string; student_id: string; slot_id: string }>("SELECT id, student_id, slot_id FROM bookings WHERE origin = 'draw' LIMIT 1");
  // To a slot this student holds nothing on (D1 allows one booking per student and slot): which
  // slots the draw gave them depends on its random seed.
  await state.exec(
    `UPDATE bookings SET slot_id = (SELECT id FROM slots WHERE id NOT IN (SELECT slot_id FROM bookings WHERE student_id = '${moved!.student_id}') LIMIT 1) WHERE id = '${moved!.id}';`,
  );
  const broken = await state.cli(["draw", "verify", "--phase", "1", "--seed", p1.seed, "--wishes", file]);
  expect(broken.code).toBe(1);
  expect(broken.stdout).toContain(`not booked: ${moved!.student_id} ${moved!.slot_id}`);

  const wrongPhase = await state.cli(["draw", "verify", "--phase", "2", "--seed", p1.seed, "--wishes", file]);
  expect([wrongPhase.code, wrongPhase.stderr]).toEqual([2, expect.stringContaining("is phase 1's export")]);
});
