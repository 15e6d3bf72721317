// The afternoon-before reminders (cron "0 16 * * *", worker/index.ts): a phase opening within the
// next 24 hours, and tomorrow's interviews (with the booth when the company has one). Only verified
// students who kept reminders on. Dedupe keys make a rerun of the cron harmless.
import { localDate } from "../domain/timezone.ts";
import type { Lang } from "../domain/contract.ts";
import { enqueueMails } from "./enqueue.ts";
import type { Interview, Mail } from "./types.ts";

const DAY = 24 * 3600_000;

/** wrangler.toml [triggers]: the reminders' schedule (the other one is the nightly backup). */
export const REMINDER_CRON = "0 16 * * *";

interface EventFacts {
  id: string;
  name: string;
  date: string;
  time_zone: string;
  phase1_start: string | null;
  phase2_start: string | null;
}

interface Student {
  id: string;
  email: string;
  full_name: string;
  lang: Lang;
}

const REACHABLE = "u.role = 'student' AND u.email_verified = 1 AND u.reminders = 1 AND u.disabled_at IS NULL";

async function phaseMails(d1: D1Database, e: EventFacts, appUrl: string, now: number): Promise<Mail[]> {
  const mails: Mail[] = [];
  for (const phase of [1, 2] as const) {
    const opensAt = phase === 1 ? e.phase1_start : e.phase2_start;
    const t = opensAt ? Date.parse(opensAt) : NaN;
    if (!(t > now && t <= now + DAY)) continue;
    // Phase 1 is not for the deprioritized: no reminder that would only end in phase_gate.
    const all = `SELECT u.id, u.email, u.full_name, u.lang FROM users u WHERE ${REACHABLE}`;
    const who = await (phase === 1
      ? d1.prepare(`${all} AND NOT EXISTS (SELECT 1 FROM deprioritized_emails d WHERE d.event_id = ? AND d.email = u.email)`).bind(e.id)
      : d1.prepare(all)
    ).all<Student>();
    for (const s of who.results)
      mails.push({
        kind: "phase_reminder",
        to: s.email,
        lang: s.lang,
        data: { name: s.full_name, eventName: e.name, timeZone: e.time_zone, phase, opensAt: opensAt!, link: `${appUrl}/` },
        dedupeKey: `phase-reminder:${e.id}:${phase}:${s.id}`,
      });
  }
  return mails;
}

async function interviewMails(d1: D1Database, e: EventFacts, appUrl: string, now: number): Promise<Mail[]> {
  if (localDate(now + DAY, e.time_zone) !== e.date) return [];
  const rows = await d1
    .prepare(
      `SELECT u.id, u.email, u.full_name, u.lang, c.name AS company, c.booth, b.starts_at, b.ends_at
         FROM bookings b JOIN users u ON u.id = b.student_id JOIN companies c ON c.id = b.company_id
        WHERE b.event_id = ? AND b.status = 'confirmed' AND ${REACHABLE}
        ORDER BY u.id, b.starts_at`,
    )
    .bind(e.id)
    .all<Student & { company: string; starts_at: string; ends_at: string; booth: string | null }>();
  const byStudent = new Map<string, { s: Student; interviews: Interview[] }>();
  for (const r of rows.results) {
    const entry = byStudent.get(r.id) ?? { s: r, interviews: [] };
    entry.interviews.push({ companyName: r.company, startsAt: r.starts_at, endsAt: r.ends_at, booth: r.booth ?? null });
    byStudent.set(r.id, entry);
  }
  return [...byStudent.values()].map(({ s, interviews }) => ({
    kind: "interview_reminder",
    to: s.email,
    lang: s.lang,
    data: { name: s.full_name, eventName: e.name, timeZone: e.time_zone, interviews, link: `${appUrl}/schedule` },
    dedupeKey: `interview-reminder:${e.id}:${s.id}`,
  }));
}

/** Queues the reminders due at `now`; returns how many. */
export async function sendReminders(env: Env, now = Date.now()): Promise<number> {
  const e = await env.DB.prepare("SELECT id, name, date, time_zone, phase1_start, phase2_start FROM events WHERE status = 'active'").first<EventFacts>();
  if (!e) return 0;
  const mails = [...(await phaseMails(env.DB, e, env.APP_URL, now)), ...(await interviewMails(env.DB, e, env.APP_URL, now))];
  await enqueueMails(env, mails);
  return mails.length;
}
