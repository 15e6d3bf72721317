// Every message type, in French and English (issue #12): subject and text snapshotted, the links it
// carries, the booking's .ics attached, the booth rendered when the company has one. A booking the
// office or a recruiter cancelled, or the office moved (#15), says who and why.
import { describe, expect, it } from "vitest";
import { renderMail } from "../worker/mail/templates.ts";
import type { Mail, MailData, MailKind } from "../worker/mail/types.ts";

const base = { name: "Ada", eventName: "INF 2027", timeZone: "Europe/Brussels", link: "https://inf.example.org/schedule" };
const interview = { companyName: "Acme", startsAt: "2027-01-15T08:00:00.000Z", endsAt: "2027-01-15T08:10:00.000Z" };
const second = { companyName: "Globex", startsAt: "2027-01-15T09:15:00.000Z", endsAt: "2027-01-15T09:25:00.000Z", booth: "B12" };

const SAMPLES: { [K in MailKind]: MailData[K] } = {
  verify: { name: "Ada", link: "https://inf.example.org/verify?token=tok_verify_0123456789abcdef" },
  account_exists: { name: "Ada", loginLink: "https://inf.example.org/login", resetLink: "https://inf.example.org/forgot-password" },
  reset: { name: "Ada", link: "https://inf.example.org/reset-password?token=tok_reset_0123456789abcdef" },
  invitation: { companyName: "Acme", link: "https://inf.example.org/invite?token=tok_invite_0123456789abcdef", expiresAt: "2027-01-08T12:00:00.000Z" },
  booking_confirmed: { ...base, bookingId: "b-1", interview: { ...interview, booth: "A3" } },
  booking_cancelled: { ...base, bookingId: "b-1", interview },
  draw_results: { ...base, interviews: [interview, second], unmatched: 1 },
  phase_reminder: { ...base, phase: 2, opensAt: "2027-01-10T08:00:00.000Z", link: "https://inf.example.org/" },
  interview_reminder: { ...base, interviews: [interview, second] },
  company_withdrawn: { ...base, companyName: "Acme", interviews: [interview] },
  booking_changed: { ...base, bookingId: "b-1", interview, change: "moved", by: "office", reason: "the recruiter is running late", movedTo: second },
};

/** The other shapes of booking_changed: a recruiter's and the office's cancellation, a move whose new time is not known yet. */
const CHANGES: Record<string, MailData["booking_changed"]> = {
  "cancelled by a recruiter": { ...SAMPLES.booking_changed, change: "cancelled", by: "recruiter", reason: "our interviewer is ill", movedTo: null },
  "cancelled by the office": { ...SAMPLES.booking_changed, change: "cancelled", by: "office", reason: "sick, called the desk", movedTo: null },
  "moved, new time not known yet": { ...SAMPLES.booking_changed, movedTo: null },
};

const mailOf = (kind: MailKind, lang: "fr" | "en") => ({ kind, to: "ada@school.test", lang, data: SAMPLES[kind], dedupeKey: `t:${kind}` }) as Mail;

describe("templates", () => {
  for (const kind of Object.keys(SAMPLES) as MailKind[])
    for (const lang of ["fr", "en"] as const)
      it(`${kind} in ${lang}: subject and text as snapshotted, every link listed, signed`, () => {
        const r = renderMail(mailOf(kind, lang));
        expect({ subject: r.subject, text: r.text }).toMatchSnapshot();
        for (const link of r.links) expect(r.text).toContain(link);
        expect(r.text).toMatch(lang === "fr" ? /Le service carrières/ : /The career office/);
        expect(r.subject).not.toMatch(/undefined|null|NaN/);
        expect(r.text).not.toMatch(/undefined|null|NaN/);
      });

  for (const [name, data] of Object.entries(CHANGES))
    for (const lang of ["fr", "en"] as const)
      it(`booking_changed, ${name}, in ${lang}: who and why, as snapshotted`, () => {
        const r = renderMail({ kind: "booking_changed", to: "ada@school.test", lang, data, dedupeKey: "t:changed" });
        expect({ subject: r.subject, text: r.text }).toMatchSnapshot();
        expect(r.text).toContain(data.reason);
        expect(r.text).toContain(data.link);
        expect(r.text).not.toMatch(/undefined|null|NaN/);
        expect(r.attachments).toEqual([]);
      });

  it("booking confirmed carries the .ics with the interview, its booth as LOCATION; other kinds carry none", () => {
    const r = renderMail(mailOf("booking_confirmed", "en"));
    expect(r.attachments).toHaveLength(1);
    const ics = r.attachments[0]!;
    expect(ics).toMatchObject({ filename: "interview.ics", type: "text/calendar" });
    expect(ics.content).toContain("DTSTART:20270115T080000Z");
    expect(ics.content).toContain("DTEND:20270115T081000Z");
    expect(ics.content).toContain("SUMMARY:INF interview — Acme");
    expect(ics.content).toContain("LOCATION:A3");
    expect(renderMail(mailOf("booking_cancelled", "en")).attachments).toEqual([]);
  });

  it("the draw results carry one .ics with every interview drawn, each under its booking's UID; none when nothing was drawn", () => {
    const r = renderMail({ kind: "draw_results", to: "ada@school.test", lang: "en", dedupeKey: "t:draw", data: { ...SAMPLES.draw_results, interviews: [{ ...interview, bookingId: "b-1" }, { ...second, bookingId: "b-2" }] } });
    expect(r.attachments).toHaveLength(1);
    const ics = r.attachments[0]!;
    expect(ics).toMatchObject({ filename: "interviews.ics", type: "text/calendar" });
    expect(ics.content.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(ics.content).toContain("UID:b-1@inf-booking");
    expect(ics.content).toContain("UID:b-2@inf-booking");
    expect(ics.content).toContain("SUMMARY:INF interview — Globex");
    expect(ics.content).toContain("LOCATION:B12");
    expect(r.text).toContain("(.ics)");
    const none = renderMail({ kind: "draw_results", to: "ada@school.test", lang: "fr", dedupeKey: "t:draw", data: { ...SAMPLES.draw_results, interviews: [], unmatched: 3 } });
    expect(none.attachments).toEqual([]);
    expect(none.text).not.toContain(".ics");
  });

  it("interview times read in the event's time zone, and the booth only when there is one", () => {
    const fr = renderMail(mailOf("interview_reminder", "fr")).text;
    expect(fr).toContain("09:00");
    expect(fr).toContain("stand B12");
    expect(fr.match(/stand/g)).toHaveLength(1);
    expect(renderMail(mailOf("interview_reminder", "en")).text).toContain("booth B12");
  });
});
