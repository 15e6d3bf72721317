// The "draw results" mail (issue #13): when a phase's draw is done, each student it drew gets one
// mail, in their language, with the interviews the draw booked for them (one .ics with all of them)
// and the number of wishes it could not meet; a student it did not draw gets none, and the draw's
// bookings get no confirmation mail each. The DrawDO queues them, never a request;
// a crash after queueing them and before the draw is recorded as done queues them again on resume,
// and the dedupe key `draw:<eventId>:<phase>:<studentId>` keeps that to one mail.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DrawDO } from "../durable-objects/draw-do.ts";
import { drawMailKey } from "../worker/mail/draw-mails.ts";
import { api, call, createUser, d1Bookings, drainAll } from "./helpers.ts";
import { type InboxMessage, waitForMail } from "./mailbox.ts";
import { drawDo, drawRows, drawnEvent } from "./draw-fixtures.ts";

const inbox = async (to: string, kind: string) =>
  ((await api("GET", `/dev/mail?to=${encodeURIComponent(to)}`)).body.messages as InboxMessage[]).filter((m) => m.kind === kind);

/** Each drawn student's mail says what D1 holds of their draw bookings; nobody gets two. */
async function expectOneMailEach(ev: Awaited<ReturnType<typeof drawnEvent>>, english: string) {
  const drawn = ev.students.filter((s) => !ev.deprioritized.includes(s));
  await drainAll(ev.eventId, drawn.map((s) => s.id));
  const booked = await d1Bookings(ev.eventId, "origin = 'draw' AND status = 'confirmed'");
  for (const s of drawn) {
    const mail = await waitForMail(call, s.email, (m) => m.kind === "draw_results");
    const mine = booked.filter((b) => b.student_id === s.id).length;
    expect(mail.subject).toBe(s.id === english ? `Draw results: ${mine} interview(s)` : `Résultats du tirage : ${mine} entretien(s)`);
    // Four wishes each: the ones not booked are counted.
    if (mine < 4) expect(mail.text).toMatch(s.id === english ? `Wishes not served: ${4 - mine}.` : `Souhaits non servis : ${4 - mine}.`);
    else expect(mail.text).not.toMatch(/non servis|not served/);
  }
  // Every queue message has been handled by now (the last mails arrived): still one each.
  await new Promise((r) => setTimeout(r, 2_500));
  for (const s of drawn) expect(await inbox(s.email, "draw_results")).toHaveLength(1);
  // The results mail is the draw's bookings' confirmation: none of them gets a mail of its own.
  for (const s of ev.students) expect(await inbox(s.email, "booking_confirmed")).toEqual([]);
  for (const s of ev.deprioritized) expect(await inbox(s.email, "draw_results")).toEqual([]);
  const keys = await env.DB.prepare("SELECT dedupe_key FROM mail_log WHERE kind = 'draw_results' AND dedupe_key LIKE ?").bind(`draw:${ev.eventId}:%`).all<{ dedupe_key: string }>();
  expect(keys.results.map((k) => k.dedupe_key).sort()).toEqual(drawn.map((s) => drawMailKey(ev.eventId, 1, s.id)).sort());
}

describe("the draw results mail", () => {
  it("each drawn student gets one, in their language, with what the draw booked and how many wishes it missed; the others none", async () => {
    const ev = await drawnEvent(15);
    const english = ev.students[0]!.id;
    await env.DB.prepare("UPDATE users SET lang = 'en' WHERE id = ?").bind(english).run();
    const summary = await drawDo(ev.eventId).run(ev.eventId, 1);
    expect(summary.allocated).toBeGreaterThan(0);
    await expectOneMailEach(ev, english);
  });

  it("a DrawDO that crashes after queueing them, before the draw is done, queues them again on resume: still one mail each", async () => {
    const ev = await drawnEvent(15);
    await runInDurableObject(drawDo(ev.eventId), (o: DrawDO, state) => {
      o.faultHook = (s) => {
        if (s !== "mailed") return;
        o.faultHook = undefined;
        state.abort("injected crash after the mails were queued");
      };
    });
    const admin = await createUser({ role: "admin" });
    const cut = await api("POST", "/admin/draw/1/run", { token: admin.token, body: {} });
    expect([cut.status, cut.body.error?.code]).toEqual([503, "unavailable"]);
    for (let i = 0; i < 5 && (await runInDurableObject(drawDo(ev.eventId), (o: DrawDO) => o.inspect().draws[0]?.status)) !== "done"; i++)
      await runDurableObjectAlarm(drawDo(ev.eventId)).catch(() => undefined);
    expect((await drawRows(ev.eventId))[0]?.status).toBe("done");
    await expectOneMailEach(ev, "");
  });
});
