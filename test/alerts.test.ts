// Alerts (seed 002): the cron check raises an alert when the 5xx rate, the booking p95 or the
// recorders' backlog passes the office's threshold (D1), sends it once to the office's webhook
// (a receiver mocked at fetch, inside workerd), shows it in the admin API, and sends "resolved"
// once the figure is back. A webhook that fails never breaks the check.
import { createExecutionContext, createScheduledController, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { D1Writer } from "../durable-objects/d1-sink.ts";
import type { RecorderDO } from "../durable-objects/recorder-do.ts";
import { recorderShard, recorderStub } from "../worker/lib/objects.ts";
import type { Evaluation } from "../worker/domain/alerts.ts";
import { planAlerts } from "../worker/domain/alerts.ts";
import { makeDb } from "../worker/db/client.ts";
import worker from "../worker/index.ts";
import type { AlertPayload } from "../worker/lib/alert-check.ts";
import { flushRequestCounts, minuteOf } from "../worker/lib/request-stats.ts";
import { api, createCompany, createEvent, createSlots, createUser, studentDo, type UserFixture } from "./helpers.ts";

const HOOK = "https://hooks.example.test/services/T000/B000/secret-part";

class DownSink implements D1Writer {
  async write(): Promise<void> {
    throw new Error("D1_ERROR: Network connection lost.");
  }
}

let eventId: string;
let admin: UserFixture;
let slots: { id: string }[];
let received: AlertPayload[];
let answer: number;

beforeAll(async () => {
  eventId = await createEvent({ phase: 1 });
  slots = await createSlots(eventId, await createCompany(eventId), 3);
  admin = await createUser({ role: "admin" });
});

function receiver() {
  received = [];
  answer = 200;
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (!req.url.startsWith("https://hooks.example.test/")) return real(input, init);
    received.push((await req.json()) as AlertPayload);
    return new Response(null, { status: answer });
  });
}
afterEach(() => vi.restoreAllMocks());

async function cron() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const alertRows = async () => (await env.DB.prepare("SELECT kind, resolved_at, notified_at, notify_error FROM alerts ORDER BY id").all<{ kind: string; resolved_at: string | null; notified_at: string | null; notify_error: string | null }>()).results;

const recorderOf = (userId: string) => recorderStub(env, eventId, recorderShard(userId));

async function setRecorderSink(userId: string, sink: D1Writer | null): Promise<D1Writer> {
  let previous: D1Writer | undefined;
  await runInDurableObject(recorderOf(userId), (o: RecorderDO) => {
    previous = o.sink;
    if (sink) o.sink = sink;
  });
  return previous!;
}

describe("the alert rules", () => {
  const e = (kind: Evaluation["kind"], value: number | null, firing: boolean): Evaluation => ({ kind, value, threshold: 1, firing });
  it("raise once, record while open, resolve once; no data neither raises nor resolves", () => {
    expect(planAlerts([e("error_rate", 2, true), e("backlog", 0, false)], new Set())).toEqual({ raise: [e("error_rate", 2, true)], resolve: [], update: [] });
    expect(planAlerts([e("error_rate", 3, true)], new Set(["error_rate"]))).toEqual({ raise: [], resolve: [], update: [e("error_rate", 3, true)] });
    expect(planAlerts([e("error_rate", 0.5, false)], new Set(["error_rate"]))).toEqual({ raise: [], resolve: [e("error_rate", 0.5, false)], update: [] });
    expect(planAlerts([e("booking_p95", null, false)], new Set(["booking_p95"]))).toEqual({ raise: [], resolve: [], update: [] });
  });
});

describe("alerts", () => {
  it("the office sets the webhook and thresholds (https only; audited without the URL)", async () => {
    const bad = await api("PATCH", "/admin/alerts", { token: admin.token, body: { webhookUrl: "http://plain.example.test/hook" } });
    expect(bad.status).toBe(400);
    const r = await api("PATCH", "/admin/alerts", { token: admin.token, body: { webhookUrl: HOOK, maxErrorRate: 0.05, maxBookingP95Ms: 500, maxBacklog: 1, windowMinutes: 5, minRequests: 10 } });
    expect(r.status).toBe(200);
    expect(r.body.settings).toMatchObject({ webhookUrl: HOOK, maxErrorRate: 0.05, maxBookingP95Ms: 500, maxBacklog: 1, windowMinutes: 5, minRequests: 10 });
    const audit = await env.DB.prepare("SELECT after FROM audit_log WHERE action = 'alerts.update'").first<string>("after");
    expect(JSON.parse(audit!)).toMatchObject({ webhook: "set", maxBacklog: 1 });
    expect(audit).not.toContain("secret-part");
  });

  it("a quiet minute raises nothing and sends nothing", async () => {
    receiver();
    await cron();
    expect(received).toEqual([]);
    expect(await alertRows()).toEqual([]);
  });

  it("5xx rate, booking p95 and backlog over their thresholds: three alerts, each sent once, shown to the office", async () => {
    receiver();
    const db = makeDb(env.DB);
    // 5xx answers counted by the Worker itself: a fault injected under three requests.
    await flushRequestCounts(db);
    vi.spyOn(console, "error").mockImplementation(() => {});
    await env.DB.prepare("CREATE TRIGGER inject_fault BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'injected fault'); END").run();
    for (let i = 0; i < 3; i++) expect((await api("POST", "/auth/signup", { body: { email: `x${i}-${crypto.randomUUID().slice(0, 6)}@example.test`, password: "a long passphrase", fullName: "X", role: "student" } })).status).toBe(500);
    await env.DB.prepare("DROP TRIGGER inject_fault").run();
    for (let i = 0; i < 7; i++) expect((await api("GET", "/health")).status).toBe(200);
    await flushRequestCounts(db);
    const counted = await env.DB.prepare("SELECT sum(requests) AS r, sum(server_errors) AS e FROM request_counts WHERE minute >= ?").bind(minuteOf(Date.now() - 60_000)).first<{ r: number; e: number }>();
    expect(counted!.e).toBe(3);
    expect(counted!.r).toBeGreaterThanOrEqual(10);
    // Slow booking decisions.
    const now = new Date().toISOString();
    await env.DB.batch(Array.from({ length: 20 }, (_, i) => env.DB.prepare("INSERT INTO booking_attempts (id, event_id, student_id, slot_id, success, response_time_ms, attempted_at) VALUES (?, ?, 'x', 'y', 1, ?, ?)").bind(crypto.randomUUID(), eventId, i < 18 ? 40 : 900, now)));
    // A backlog: the recorder cannot write to D1, so the booking's records stay owed by the student.
    const student = await createUser();
    const restore = await setRecorderSink(student.id, new DownSink());
    expect((await api("POST", "/bookings", { token: student.token, body: { slotId: slots[0]!.id } })).status).toBe(201);
    expect(await studentDo(eventId, student.id).drain()).toBeGreaterThan(0);

    await cron();
    expect(received.map((p) => `${p.alert.kind}:${p.alert.status}`).sort()).toEqual(["backlog:firing", "booking_p95:firing", "error_rate:firing"]);
    const rate = received.find((p) => p.alert.kind === "error_rate")!;
    expect(rate.alert.value).toBeGreaterThan(0.05);
    expect(rate.text).toMatch(/5xx rate .* %/);
    expect(received.find((p) => p.alert.kind === "booking_p95")!.alert.value).toBe(900);
    expect((await alertRows()).map((a) => [a.kind, a.resolved_at, a.notify_error, a.notified_at !== null])).toEqual([
      ["error_rate", null, null, true],
      ["booking_p95", null, null, true],
      ["backlog", null, null, true],
    ]);

    // Still over a minute later: recorded, not sent again.
    await cron();
    expect(received).toHaveLength(3);

    const shown = await api("GET", "/admin/alerts", { token: admin.token });
    expect(shown.status).toBe(200);
    expect(shown.body.alerts.filter((a: { resolvedAt: string | null }) => a.resolvedAt === null)).toHaveLength(3);
    expect(shown.body.figures).toMatchObject({ serverErrors: 3, bookingP95Ms: 900, backlog: 2 });

    // Back to normal: the recorder writes, the slow attempts age out, the errors are diluted.
    await setRecorderSink(student.id, restore);
    await env.DB.prepare("UPDATE booking_attempts SET response_time_ms = 30").run();
    await env.DB.prepare("UPDATE request_counts SET requests = requests + 1000").run();
    expect(await studentDo(eventId, student.id).drain()).toBe(0);
    expect(await recorderOf(student.id).drain()).toBe(0);
    await cron();
    expect(received.slice(3).map((p) => `${p.alert.kind}:${p.alert.status}`).sort()).toEqual(["backlog:resolved", "booking_p95:resolved", "error_rate:resolved"]);
    expect((await alertRows()).every((a) => a.resolved_at !== null)).toBe(true);
  });

  it("a webhook that refuses is noted on the alert, logged without its URL, and the check goes on", async () => {
    receiver();
    answer = 500;
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((l: string) => void lines.push(l));
    await env.DB.prepare("UPDATE request_counts SET server_errors = requests").run();
    await cron();
    expect(received.map((p) => p.alert.kind)).toEqual(["error_rate"]);
    const last = (await alertRows()).at(-1)!;
    expect(last).toMatchObject({ kind: "error_rate", resolved_at: null, notified_at: null, notify_error: "status_500" });
    expect(lines.join("\n")).toContain("alert webhook failed");
    expect(lines.join("\n")).not.toContain("hooks.example.test");
  });

  it("the monitor's test button sends one message through the webhook", async () => {
    receiver();
    const r = await api("POST", "/admin/alerts/test", { token: admin.token });
    expect(r.body).toEqual({ sent: true, error: null });
    expect(received.map((p) => p.alert.status)).toEqual(["test"]);
  });
});
