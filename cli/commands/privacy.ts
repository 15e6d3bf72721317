// GDPR: `erase <email>` anonymises one student (name, e-mail and its every copy, password, CV in
// R2; cli/lib/erasure.ts) and keeps the anonymous booking history; `retention --older-than
// <years>` applies the same to students gone quiet for that long and drops the old events'
// attempt logs and deprioritized lists.
import { createInterface } from "node:readline/promises";
import { cvKey } from "../../worker/domain/offers.ts";
import { type Command, type Ctx, Refused, UsageError, note, nowIso, print, printJson, progress, table } from "../lib/cli.ts";
import { auditSql, inList } from "../lib/d1.ts";
import { erasureSql } from "../lib/erasure.ts";
import { lit } from "../lib/sql.ts";
import { executeFile, queryMany, r2Delete } from "../lib/wrangler.ts";

async function deleteCvs(ctx: Ctx, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const done = progress(`deleting ${ids.length} CV(s) from R2`);
  for (let i = 0; i < ids.length; i += 4) {
    await Promise.all(ids.slice(i, i + 4).map((id) => r2Delete(ctx.target, cvKey(id))));
    if (ids.length > 8) note(`  ${Math.min(i + 4, ids.length)} / ${ids.length}`);
  }
  done();
}

async function confirm(question: string, expected: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim().toLowerCase() === expected.toLowerCase();
  } finally {
    rl.close();
  }
}

export const erase: Command = {
  name: "erase",
  summary: "GDPR erasure: anonymise a student (name, e-mail, CV), keep the anonymous history",
  usage: `npm run event -- erase <email> [--yes]

Deletes the student's CV (R2 cv/<id>.pdf), replaces name and e-mail, disables the password, ends
every session, takes the address off every roster and
replaces every other copy of the address in D1 (the audit log's actor e-mail and before/after
entries, any text column of any table) by the anonymous one. The address leaves every
deprioritized list; a salted hash of it stays, so the same address signing up again is put back
on the list. Bookings and attempts stay, attached to the anonymous account, so counts and history
remain true. The audit log records the erasure by account id only. Backups keep the old rows
until they expire (README "Backups and erasure"). Irreversible: asks to type the e-mail again
unless --yes.

Options:
  --yes   do not ask for confirmation`,
  options: { yes: { type: "boolean", default: false } },
  async run({ values, positionals }, ctx) {
    const raw = positionals[0];
    if (!raw || positionals.length > 1) throw new UsageError("erase takes exactly one e-mail address");
    const email = raw.trim().toLowerCase();
    const [users = [], counts = []] = queryMany(
      ctx.target,
      `SELECT id, role, email FROM users WHERE email = ${lit(email)};
       SELECT count(*) AS n FROM bookings WHERE student_id = (SELECT id FROM users WHERE email = ${lit(email)})`,
    );
    const user = users[0] as { id: string; role: string; email: string } | undefined;
    if (!user) throw new Refused(`No account has the e-mail ${email}.`);
    if (user.role !== "student") throw new Refused(`${email} is a ${user.role} account; erase anonymises students only.`);
    if (values.yes !== true) {
      if (!process.stdin.isTTY) throw new UsageError("erase is irreversible: pass --yes to confirm");
      if (!(await confirm(`Erase ${email} for good? Type the e-mail again: `, email))) throw new UsageError("not confirmed; nothing was changed");
    }
    await deleteCvs(ctx, [user.id]);
    await executeFile(
      ctx.target,
      [
        ...(await erasureSql([user], nowIso())),
        auditSql(ctx.actor, { action: "student.erase", targetType: "user", targetId: user.id, before: { role: "student" }, after: { anonymised: true, cvDeleted: cvKey(user.id) } }),
      ].join("\n"),
    );
    const bookings = Number(counts[0]?.n ?? 0);
    if (ctx.json) return printJson({ id: user.id, erased: true, bookingsKept: bookings });
    print(`Erased ${email} (account ${user.id}): name, e-mail, password and CV gone; ${bookings} booking(s) kept anonymously.`);
  },
};

export const retention: Command = {
  name: "retention",
  summary: "apply the retention period: anonymise inactive students, drop old logs and lists",
  usage: `npm run event -- retention --older-than <years> [--dry-run] [--yes]

For the archived events dated more than <years> ago: deletes their booking attempts (operational
logs) and their deprioritized lists. Anonymises (as \`erase\` does) every student whose account
and last login are older than that and who has no booking in a newer event. Bookings stay, as
anonymous history. The active event is never touched.

Options:
  --older-than <years>   the retention period in years (at least 1)
  --dry-run              show what would be removed, change nothing
  --yes                  do not ask for confirmation`,
  options: { "older-than": { type: "string" }, "dry-run": { type: "boolean", default: false }, yes: { type: "boolean", default: false } },
  async run({ values }, ctx) {
    const years = Number(values["older-than"]);
    if (values["older-than"] === undefined || !Number.isFinite(years) || years < 1) throw new UsageError("--older-than <years> is required (a number ≥ 1)");
    const cutoff = new Date();
    cutoff.setUTCFullYear(cutoff.getUTCFullYear() - Math.floor(years));
    cutoff.setUTCDate(cutoff.getUTCDate() - Math.round((years % 1) * 365));
    const c = lit(cutoff.toISOString());
    const [old = [], students = []] = queryMany(
      ctx.target,
      `SELECT e.id, e.name, e.date,
              (SELECT count(*) FROM booking_attempts a WHERE a.event_id = e.id) AS attempts,
              (SELECT count(*) FROM deprioritized_emails d WHERE d.event_id = e.id) AS listed
         FROM events e WHERE e.status = 'archived' AND e.date < substr(${c}, 1, 10) ORDER BY e.date;
       SELECT u.id, u.email FROM users u
         WHERE u.role = 'student' AND u.password_hash <> '!erased' AND u.created_at < ${c}
           AND (u.last_login_at IS NULL OR u.last_login_at < ${c})
           AND NOT EXISTS (SELECT 1 FROM bookings b JOIN events e ON e.id = b.event_id WHERE b.student_id = u.id AND (e.status = 'active' OR e.date >= substr(${c}, 1, 10)))`,
    );
    const events = old.map((e) => ({ event: String(e.name), date: String(e.date), attempts: Number(e.attempts), deprioritized: Number(e.listed) }));
    const who = students.map((s) => ({ id: String(s.id), email: String(s.email) }));
    const summary = { cutoff: cutoff.toISOString(), events, studentsToAnonymise: who.length };
    const dryRun = values["dry-run"] === true;
    const nothing = !who.length && !events.some((e) => e.attempts || e.deprioritized);
    if (!dryRun && !nothing) {
      if (values.yes !== true) {
        if (!process.stdin.isTTY) throw new UsageError("retention is irreversible: pass --yes to confirm (or --dry-run to look first)");
        if (!(await confirm(`Anonymise ${who.length} student(s) and drop the logs of ${events.length} event(s)? Type yes: `, "yes"))) throw new UsageError("not confirmed; nothing was changed");
      }
      await deleteCvs(ctx, who.map((s) => s.id));
      const ids = old.map((e) => String(e.id));
      await executeFile(
        ctx.target,
        [
          ...(ids.length
            ? [
                `DELETE FROM booking_attempts WHERE event_id IN ${inList(ids)};`,
                `DELETE FROM deprioritized_emails WHERE event_id IN ${inList(ids)};`,
                `DELETE FROM deprioritized_erased WHERE event_id IN ${inList(ids)};`,
              ]
            : []),
          ...(await erasureSql(who, nowIso())),
          auditSql(ctx.actor, { action: "retention.apply", targetType: "retention", targetId: `${years}y`, after: { ...summary, studentIds: who.map((s) => s.id) } }),
        ].join("\n"),
      );
    }
    if (ctx.json) return printJson({ dryRun, ...summary });
    print(`Retention ${years} year(s): everything before ${cutoff.toISOString().slice(0, 10)}${dryRun ? " (dry run: nothing changed)" : ""}`);
    print(table(events, ["event", "date", "attempts", "deprioritized"]));
    print(`${who.length} inactive student account(s) ${dryRun ? "would be" : ""} anonymised.`.replace("  ", " "));
  },
};
