// The afternoon-before reminders (issue #12): a phase opening within 24 h, tomorrow's interviews (with
// the company's booth, #15); only verified students with reminders on (phase 1: not the
// deprioritized); a second run sends nothing more.
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../worker/index.ts";
import { enqueueMail } from "../worker/mail/enqueue.ts";
import { REMINDER_CRON } from "../worker/mail/reminders.ts";
import { api, call, createCompany, createEvent, createSlots, createUser, drainAll, updateEvent } from "./helpers.ts";
import { waitForMail } from "./mailbox.ts";

const HOUR = 3600_000;
const kinds = async (to: string) => (await api("GET", `/dev/mail?to=${encodeURIComponent(to)}`)).body.messages.map((m: { kind: string }) => m.kind);

async function cron(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: REMINDER_CRON, scheduledTime: at }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("reminders", () => {
  it("phase 1 opening tomorrow: reminded once, except the deprioritized, the unverified and those who turned reminders off", async () => {
    const eventId = await createEvent({ phase: 0 });
    await updateEvent(eventId, { phase1_start: new Date(Date.now() + 20 * HOUR).toISOString(), phase1_end: new Date(Date.now() + 22 * HOUR).toISOString(), phase2_start: new Date(Date.now() + 40 * HOUR).toISOString(), phase2_end: new Date(Date.now() + 50 * HOUR).toISOString() });
    const [yes, listed, unverified, quiet] = [await createUser(), await createUser({ deprioritized: true, eventId }), await createUser({ verified: false }), await createUser()];
    expect((await api("PATCH", "/me/preferences", { token: quiet.token, body: { reminders: false } })).body.preferences).toEqual({ lang: "fr", reminders: false });
    await cron(Date.now());
    const mail = await waitForMail(call, yes.email, (m) => m.kind === "phase_reminder");
    expect(mail.subject).toMatch(/phase 1/);
    await cron(Date.now());
    // A marker queued after the second run: once it is in, the run's messages have been handled.
    await enqueueMail(env, { kind: "verify", to: yes.email, lang: "fr", data: { name: "marker", link: "http://127.0.0.1/verify?token=marker" }, dedupeKey: `marker:${yes.id}` });
    await waitForMail(call, yes.email, (m) => m.kind === "verify");
    expect(await kinds(yes.email)).toEqual(["verify", "phase_reminder"]);
    for (const u of [listed, unverified, quiet]) expect(await kinds(u.email)).toEqual([]);
  });

  it("the day before the event: one mail per student listing their interviews in order; nothing the other days", async () => {
    const eventId = await createEvent({ phase: 2 });
    const tomorrow = new Date(Date.now() + 24 * HOUR).toISOString().slice(0, 10);
    await updateEvent(eventId, { date: tomorrow, time_zone: "UTC" });
    const [a, b] = [await createCompany(eventId, { name: "Aperture" }), await createCompany(eventId, { name: "Black Mesa" })];
    // #15: companies have a booth; the reminder says where to go.
    await env.DB.prepare("UPDATE companies SET booth = 'Hall B, 12' WHERE id = ?").bind(b).run();
    const first = Date.parse(`${tomorrow}T08:00:00Z`);
    const [sa] = await createSlots(eventId, a, 1, { firstStart: first + HOUR });
    const [sb] = await createSlots(eventId, b, 1, { firstStart: first });
    const s = await createUser();
    for (const slot of [sa!, sb!]) expect((await api("POST", "/bookings", { token: s.token, body: { slotId: slot.id } })).status).toBe(201);
    await drainAll(eventId, [s.id]);
    await cron(Date.now() - 3 * 24 * HOUR);
    await cron(Date.now());
    const mail = await waitForMail(call, s.email, (m) => m.kind === "interview_reminder");
    expect(mail.text.indexOf("Black Mesa")).toBeLessThan(mail.text.indexOf("Aperture"));
    expect(mail.subject).toMatch(/2 entretien/);
    expect(mail.text).toContain("Black Mesa — stand Hall B, 12");
    expect(mail.text.match(/stand/g)).toHaveLength(1);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM mail_log WHERE \"to\" = ? AND kind = 'interview_reminder'").bind(s.email).first<number>("n");
    expect(rows).toBe(1);
  });
});
