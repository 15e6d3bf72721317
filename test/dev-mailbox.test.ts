// The local inbox (issue #12): GET /api/dev/mail lists what would have been sent, newest first, per
// recipient; it answers 404 when deployed (no DEV_MAILBOX), and there mails go to the Email Service.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../worker/app.ts";
import { transportFor } from "../worker/mail/transport.ts";
import type { Mail } from "../worker/mail/types.ts";
import { api } from "./helpers.ts";

const mail = (to: string, n: number): Mail => ({ kind: "verify", to, lang: "en", data: { name: `n${n}`, link: `http://127.0.0.1/verify?token=t${n}` }, dedupeKey: `dev:${to}:${n}` });

describe("the local inbox", () => {
  it("lists a recipient's messages newest first, with their links; the address is matched case-insensitively", async () => {
    const to = `inbox-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const t = transportFor(env);
    for (const n of [1, 2]) {
      await t.send(mail(to, n), { subject: `message ${n}`, text: `see http://127.0.0.1/verify?token=t${n}`, links: [`http://127.0.0.1/verify?token=t${n}`], attachments: [] });
      await new Promise((ok) => setTimeout(ok, 5));
    }
    const r = await api("GET", `/dev/mail?to=${encodeURIComponent(to.toUpperCase())}`);
    expect(r.status).toBe(200);
    expect(r.body.messages.map((m: { subject: string }) => m.subject)).toEqual(["message 2", "message 1"]);
    expect(r.body.messages[0]).toMatchObject({ to, kind: "verify", links: ["http://127.0.0.1/verify?token=t2"], attachments: [], sentAt: expect.any(String) });
    expect((await api("GET", "/dev/mail?to=nobody@example.test")).body.messages).toEqual([]);
  });

  it("answers 404 when deployed, and there the transport is the Email Service binding", async () => {
    const deployed = { ...env, DEV_MAILBOX: undefined } as Env;
    const r = await app.request("/api/dev/mail?to=a@example.test", {}, deployed);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("not_found");
    let sent: unknown = null;
    const fake = { ...deployed, EMAIL: { send: async (m: unknown) => ((sent = m), { messageId: "x" }) } } as unknown as Env;
    await transportFor(fake).send(mail("a@example.test", 3), { subject: "s", text: "t", links: [], attachments: [{ filename: "interview.ics", type: "text/calendar", content: "BEGIN:VCALENDAR" }] });
    expect(sent).toMatchObject({ from: env.MAIL_FROM, to: "a@example.test", subject: "s", text: "t", attachments: [{ disposition: "attachment", filename: "interview.ics" }] });
    expect((sent as { headers: Record<string, string> }).headers["Message-ID"]).toMatch(/^<[0-9a-f]{32}@inf-booking>$/);
  });
});
