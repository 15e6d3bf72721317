// Accounts from the CLI (issue #12): the roster import, recruiter invitations and account care
// through the running Worker (it queues the mails), each reaching the same stored state as the site.
import { afterAll, beforeAll, expect, it } from "vitest";
import { linkToken, waitForMail } from "../mailbox.ts";
import { State, type Worker, api, startWorker, yearConfig } from "./helpers.ts";

const state = new State();
let worker: Worker;
let admin: { email: string; password: string };
const call = (method: string, path: string, body?: unknown) => api(worker.url, method, path, body === undefined ? {} : { body });

beforeAll(async () => {
  await state.ok(["init", state.file("inf.toml", yearConfig(2026, 'studentEmailDomains = ["school.example"]'))]);
  await state.ok(["companies", "import", state.file("companies.csv", "name,verified\nAcme,yes\n")]);
  admin = await state.json(["admin", "create", "office@school.example"]);
  worker = await startWorker(state);
});
afterAll(async () => {
  await worker?.stop();
  state.remove();
});

it("students roster: imports once (a rerun is unchanged), and a rostered address outside the domains may sign up", async () => {
  const file = state.file("roster.csv", "email\nguest@elsewhere.example\nGuest@Elsewhere.example\nnot an address\n");
  const refused = await state.cli(["students", "roster", file]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/1 line\(s\) rejected; nothing was written/);
  const first = await state.json(["students", "roster", file, "--skip-invalid"]);
  expect(first).toMatchObject({ added: 1, unchanged: 0, roster: 1 });
  expect((await state.json(["students", "roster", file, "--skip-invalid"])).unchanged).toBe(1);
  expect(state.query("SELECT email FROM student_roster")).toEqual([{ email: "guest@elsewhere.example" }]);
  const ok = await call("POST", "/auth/signup", { email: "guest@elsewhere.example", password: "a long passphrase", fullName: "Guest", role: "student" });
  expect(ok.status).toBe(202);
  const no = await call("POST", "/auth/signup", { email: "other@elsewhere.example", password: "a long passphrase", fullName: "Other", role: "student" });
  expect(no.body.error.code).toBe("email_not_allowed");
});

it("companies invite mails a link that makes a recruiter of that company; users disable ends their access", async () => {
  const env = { INF_ADMIN_PASSWORD: admin.password };
  const auth = ["--url", worker.url, "--email", admin.email];
  const invited = await state.json(["companies", "invite", "acme", "rec@acme.example", ...auth], { env });
  expect(invited.invited.map((i: { email: string }) => i.email)).toEqual(["rec@acme.example"]);
  const mail = await waitForMail(call, "rec@acme.example", (m) => m.kind === "invitation");
  const accepted = await call("POST", "/auth/invitations/accept", { token: linkToken(mail, "/invite"), password: "recruiter passphrase", fullName: "Rec" });
  expect(accepted.status).toBe(200);
  const [company] = state.query<{ id: string }>("SELECT id FROM companies WHERE name = 'Acme'");
  expect(accepted.body.user.companyId).toBe(company!.id);
  await state.json(["users", "disable", "rec@acme.example", ...auth], { env });
  expect((await api(worker.url, "GET", "/company", { token: accepted.body.token })).status).toBe(401);
  expect((await call("POST", "/auth/login", { email: "rec@acme.example", password: "recruiter passphrase" })).status).toBe(403);
  const unknown = await state.cli(["users", "reset-password", "nobody@acme.example", ...auth], { env });
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/No account has the e-mail nobody@acme\.example/);
  const actions = state.query<{ action: string }>("SELECT action FROM audit_log WHERE action IN ('company.invite', 'user.disable', 'roster.import') ORDER BY id").map((r) => r.action);
  expect(actions).toEqual(["roster.import", "company.invite", "user.disable"]);
});
