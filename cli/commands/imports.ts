// The two yearly imports. Both are idempotent (a second run reports everything unchanged), both
// reject a file with any bad line as a whole (nothing written, every bad line named) unless
// --skip-invalid, and both report added / updated / unchanged / rejected.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { noShowsSql } from "../../worker/lib/day-metrics.ts";
import { normalizeEmail } from "../../worker/lib/users.ts";
import { type Command, type Ctx, Refused, UsageError, note, nowIso, print, printJson, progress, table } from "../lib/cli.ts";
import { type CsvRecord, type Rejection, headerOf, readCsv } from "../lib/csv.ts";
import { auditSql, inList, readWithEvent } from "../lib/d1.ts";
import { insert, lit } from "../lib/sql.ts";
import { executeFile } from "../lib/wrangler.ts";

const IMPORT_OPTIONS = {
  "dry-run": { type: "boolean", default: false },
  "skip-invalid": { type: "boolean", default: false },
} as const;

const IMPORT_HELP = `  --dry-run        report what would change, write nothing
  --skip-invalid   import the valid lines even if some are rejected (default: a file with a
                   rejected line is refused as a whole, nothing written)`;

interface Report {
  file: string;
  event: string;
  dryRun: boolean;
  added: number;
  updated: number;
  unchanged: number;
  rejected: Rejection[];
  lines: { line: number; key: string; outcome: "added" | "updated" | "unchanged" | "removed" | string }[];
}

function finish(ctx: Ctx, r: Report, extra: Record<string, number> = {}) {
  if (ctx.json) printJson({ ...r, ...extra });
  else {
    print(`${r.file} → ${r.event}${r.dryRun ? " (dry run: nothing written)" : ""}`);
    print(table([{ added: r.added, updated: r.updated, unchanged: r.unchanged, rejected: r.rejected.length, ...extra }]));
    const changed = r.lines.filter((l) => l.outcome !== "unchanged");
    if (changed.length && changed.length <= 50) print(`\n${table(changed)}`);
    if (r.rejected.length) print(`\nRejected lines:\n${r.rejected.map((x) => `  line ${x.line}: ${x.reason}`).join("\n")}`);
  }
}

function refuseIfRejected(r: Report, skip: boolean) {
  if (r.rejected.length && !skip)
    throw new Refused(`${r.file}: ${r.rejected.length} line(s) rejected; nothing was written (fix them, or pass --skip-invalid).`, r);
}

const YES = new Set(["", "yes", "y", "true", "1", "oui", "x"]);
const NO = new Set(["no", "n", "false", "0", "non"]);
const url = z.url({ protocol: /^https?$/ });

export const companiesImport: Command = {
  name: "companies import",
  summary: "import this year's partner companies (and their verification) from a CSV",
  usage: `npm run event -- companies import <file.csv> [--dry-run] [--skip-invalid]

CSV with a header line; columns (any order, extra columns ignored):
  name          required; a company is matched by name, case-insensitively
  website       optional, http(s) URL
  description   optional
  verified      optional yes/no (default yes): verified for the active event
A company already known is updated in place (website, description); verification is per event,
so every year starts with no company verified until this import.

Options:
${IMPORT_HELP}`,
  options: IMPORT_OPTIONS,
  async run({ values, positionals }, ctx) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError("companies import takes exactly one CSV file");
    const records = readCsv(file);
    const header = headerOf(records[0], ["name"]);
    if (!header?.has("name")) throw new UsageError(`${file}: line 1 must be a header with a "name" column (and optionally website, description, verified)`);
    const col = (r: CsvRecord, k: string) => (header.has(k) ? (r.cells[header.get(k)!] ?? "").trim() : "");
    const rejected: Rejection[] = [];
    const wanted: { line: number; name: string; website: string | null; description: string; verified: boolean }[] = [];
    const seen = new Map<string, number>();
    for (const r of records.slice(1)) {
      const name = col(r, "name").replace(/\s+/g, " ");
      const website = col(r, "website");
      const verified = col(r, "verified").toLowerCase();
      const reasons: string[] = [];
      if (!name) reasons.push("name is empty");
      else if (name.length > 120) reasons.push("name is longer than 120 characters");
      if (website && !url.safeParse(website).success) reasons.push(`website is not an http(s) URL: ${website}`);
      if (!YES.has(verified) && !NO.has(verified)) reasons.push(`verified must be yes or no, not "${col(r, "verified")}"`);
      const dup = seen.get(name.toLowerCase());
      if (name && dup) reasons.push(`"${name}" is already on line ${dup}`);
      if (reasons.length) {
        rejected.push({ line: r.line, reason: reasons.join("; ") });
        continue;
      }
      seen.set(name.toLowerCase(), r.line);
      wanted.push({ line: r.line, name, website: website || null, description: col(r, "description"), verified: !NO.has(verified) });
    }
    const {
      event,
      rows: [known = [], verifiedRows = []],
    } = readWithEvent(ctx.target, undefined, (id) => [
      "SELECT id, name, website, description FROM companies",
      `SELECT company_id AS companyId, verified_at AS verifiedAt FROM event_companies WHERE event_id = ${id}`,
    ]);
    const byName = new Map<string, Record<string, unknown>[]>();
    for (const k of known) byName.set(String(k.name).toLowerCase(), [...(byName.get(String(k.name).toLowerCase()) ?? []), k]);
    const verification = new Map(verifiedRows.map((v) => [String(v.companyId), v.verifiedAt !== null]));
    const now = nowIso();
    const sql: string[] = [];
    const report: Report = { file, event: event.name, dryRun: values["dry-run"] === true, added: 0, updated: 0, unchanged: 0, rejected, lines: [] };
    const changes: { name: string; outcome: string; before?: unknown; after?: unknown }[] = [];
    for (const w of wanted) {
      const matches = byName.get(w.name.toLowerCase()) ?? [];
      if (matches.length > 1) {
        rejected.push({ line: w.line, reason: `${matches.length} companies are named "${w.name}" in D1; rename one first` });
        continue;
      }
      const m = matches[0];
      const id = m ? String(m.id) : randomUUID();
      const verifiedAt = w.verified ? now : null;
      const setVerification = () =>
        `INSERT INTO event_companies (event_id, company_id, verified_at, verified_by) VALUES (${lit(event.id)}, ${lit(id)}, ${lit(verifiedAt)}, ${lit(ctx.actor)})
           ON CONFLICT (event_id, company_id) DO UPDATE SET verified_at = excluded.verified_at, verified_by = excluded.verified_by;`;
      if (!m) {
        sql.push(insert("companies", { id, name: w.name, website: w.website, description: w.description, created_at: now, updated_at: now }), setVerification());
        report.added++;
        report.lines.push({ line: w.line, key: w.name, outcome: "added" });
        changes.push({ name: w.name, outcome: "added", after: w });
        continue;
      }
      const before = { website: (m.website as string | null) ?? null, description: String(m.description ?? ""), verified: verification.get(id) ?? false };
      const after = { website: w.website ?? before.website, description: w.description || before.description, verified: w.verified };
      const diff = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
      if (!diff.length) {
        report.unchanged++;
        report.lines.push({ line: w.line, key: w.name, outcome: "unchanged" });
        continue;
      }
      if (diff.includes("website") || diff.includes("description"))
        sql.push(`UPDATE companies SET website = ${lit(after.website)}, description = ${lit(after.description)}, updated_at = ${lit(now)} WHERE id = ${lit(id)};`);
      if (diff.includes("verified")) sql.push(setVerification());
      report.updated++;
      report.lines.push({ line: w.line, key: w.name, outcome: `updated: ${diff.join(", ")}` });
      changes.push({ name: w.name, outcome: "updated", before, after });
    }
    rejected.sort((a, b) => a.line - b.line);
    refuseIfRejected(report, values["skip-invalid"] === true);
    if (!report.dryRun && sql.length) {
      sql.push(auditSql(ctx.actor, { action: "companies.import", eventId: event.id, targetType: "event", targetId: event.id, after: { file, added: report.added, updated: report.updated, unchanged: report.unchanged, rejected: rejected.length, changes } }));
      const done = progress(`writing ${report.added + report.updated} companies`);
      await executeFile(ctx.target, sql.join("\n"));
      done();
    }
    finish(ctx, report);
    if (!report.dryRun && report.added + report.updated) note("Next: npm run event -- slots generate");
  },
};

const email = z.email();

/** Addresses to put on the list, by e-mail: the line they came from (0: not a file) and why. */
type Wanted = Map<string, { line: number; reason: string | null }>;

/** A CSV of e-mail addresses (one per line, or an "email" column): each address once with its line, and the bad lines. */
function readEmailList(file: string): { wanted: Map<string, number>; rejected: Rejection[] } {
  const records = readCsv(file);
  const header = headerOf(records[0], ["email", "e_mail", "mail"]);
  const column = header ? (header.get("email") ?? header.get("e_mail") ?? header.get("mail") ?? 0) : 0;
  const rejected: Rejection[] = [];
  const wanted = new Map<string, number>();
  for (const r of header ? records.slice(1) : records) {
    const raw = (r.cells[column] ?? "").trim();
    if (!raw) rejected.push({ line: r.line, reason: "no e-mail address" });
    else if (!email.safeParse(raw).success) rejected.push({ line: r.line, reason: `not an e-mail address: ${raw}` });
    else {
      const e = normalizeEmail(raw);
      if (!wanted.has(e)) wanted.set(e, r.line);
    }
  }
  return { wanted, rejected };
}

function fromFile(file: string): { wanted: Wanted; rejected: Rejection[] } {
  const { wanted, rejected } = readEmailList(file);
  return { wanted: new Map([...wanted].map(([e, line]) => [e, { line, reason: null }])), rejected };
}

/** Last year's no-shows (and, when asked, late cancellations), each with the reason shown to the student. */
function fromNoShows(ctx: Ctx, ref: string, withLate: boolean): { source: string; sourceId: string; wanted: Wanted } {
  const {
    event,
    rows: [rows = []],
  } = readWithEvent(ctx.target, ref, (id) => [noShowsSql(id)]);
  if (event.status === "active") throw new Refused(`${event.name} is the active event: --from-no-shows takes last year's (e.g. --from-no-shows ${Number(event.date.slice(0, 4)) - 1}).`);
  const reasons = new Map<string, string[]>();
  for (const r of rows) {
    if (r.kind !== "no_show" && !withLate) continue;
    const what = r.kind === "no_show" ? `no-show at ${event.name}` : `late cancellation at ${event.name}`;
    const list = reasons.get(String(r.student_email)) ?? [];
    list.push(`${what} (${String(r.company)})`);
    reasons.set(String(r.student_email), list);
  }
  return { source: `${withLate ? "no-shows and late cancellations" : "no-shows"} of ${event.name}`, sourceId: event.id, wanted: new Map([...reasons].map(([e, why]) => [e, { line: 0, reason: why.join("; ") }])) };
}

export const studentsRoster: Command = {
  name: "students roster",
  summary: "import this year's student roster (e-mails allowed to sign up as students)",
  usage: `npm run event -- students roster <file.csv> [--replace] [--dry-run] [--skip-invalid]

CSV of e-mail addresses: either one address per line, or a header line with an "email" column.
Optional: with a roster, a student may sign up with an address on it even outside the event's
studentEmailDomains; with a roster and no domains, only with an address on it. Existing accounts
are not touched. The roster belongs to the active event.

Options:
  --replace        the file is the whole roster: addresses not in it are taken off
${IMPORT_HELP}`,
  options: { ...IMPORT_OPTIONS, replace: { type: "boolean", default: false } },
  async run({ values, positionals }, ctx) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError("students roster takes exactly one CSV file");
    const { wanted, rejected } = readEmailList(file);
    const {
      event,
      rows: [listed = []],
    } = readWithEvent(ctx.target, undefined, (id) => [`SELECT email FROM student_roster WHERE event_id = ${id}`]);
    const onRoster = new Set(listed.map((r) => String(r.email)));
    const report: Report = { file, event: event.name, dryRun: values["dry-run"] === true, added: 0, updated: 0, unchanged: 0, rejected, lines: [] };
    const fresh = [...wanted.keys()].filter((e) => !onRoster.has(e));
    for (const [e, line] of wanted) report.lines.push({ line, key: e, outcome: onRoster.has(e) ? "unchanged" : "added" });
    report.added = fresh.length;
    report.unchanged = wanted.size - fresh.length;
    const removed = values.replace === true ? [...onRoster].filter((e) => !wanted.has(e)) : [];
    for (const e of removed) report.lines.push({ line: 0, key: e, outcome: "removed" });
    report.updated = removed.length;
    refuseIfRejected(report, values["skip-invalid"] === true);
    if (!report.dryRun && (fresh.length || removed.length)) {
      const sql = fresh.map((e) => insert("student_roster", { event_id: event.id, email: e }));
      for (let i = 0; i < removed.length; i += 500) sql.push(`DELETE FROM student_roster WHERE event_id = ${lit(event.id)} AND email IN ${inList(removed.slice(i, i + 500))};`);
      sql.push(auditSql(ctx.actor, { action: "roster.import", eventId: event.id, targetType: "event", targetId: event.id, before: { listed: onRoster.size }, after: { file, added: fresh.length, removed: removed.length, rejected: rejected.length } }));
      const done = progress(`writing ${fresh.length + removed.length} roster changes`);
      await executeFile(ctx.target, sql.join("\n"));
      done();
    }
    finish(ctx, report, { roster: onRoster.size + fresh.length - removed.length });
  },
};

export const studentsDeprioritized: Command = {
  name: "students deprioritized",
  summary: "import this year's deprioritized students (by e-mail) from a CSV, or from last year's no-shows",
  usage: `npm run event -- students deprioritized <file.csv> [--replace] [--dry-run] [--skip-invalid]
npm run event -- students deprioritized --from-no-shows <year> [--with-late-cancellations] [--dry-run]

CSV of e-mail addresses: either one address per line, or a header line with an "email" column.
Students on the list may book only from phase 2. The list belongs to the active event and is
matched by e-mail: existing accounts are flagged now, new ones when they sign up.

--from-no-shows takes the students marked no_show at that (archived) event instead of a file
(see \`export no-shows --event <year>\` first); each is listed with the reason, which the
student sees on their profile with the office's address to appeal (contactEmail).

Options:
  --replace                  the file is the whole list: addresses not in it are taken off (and unflagged)
  --from-no-shows <year>     last year's no-shows instead of a file
  --with-late-cancellations  with --from-no-shows: also those who cancelled after the deadline
${IMPORT_HELP}`,
  options: { ...IMPORT_OPTIONS, replace: { type: "boolean", default: false }, "from-no-shows": { type: "string" }, "with-late-cancellations": { type: "boolean", default: false } },
  async run({ values, positionals }, ctx) {
    const from = values["from-no-shows"] as string | undefined;
    if (from !== undefined && (positionals.length || values.replace === true)) throw new UsageError("--from-no-shows takes no file and no --replace");
    if (from === undefined && values["with-late-cancellations"] === true) throw new UsageError("--with-late-cancellations goes with --from-no-shows");
    const file = positionals[0];
    if (from === undefined && (!file || positionals.length > 1)) throw new UsageError("students deprioritized takes exactly one CSV file (or --from-no-shows <year>)");
    const noShows = from === undefined ? null : fromNoShows(ctx, from, values["with-late-cancellations"] === true);
    const { wanted, rejected } = noShows ? { wanted: noShows.wanted, rejected: [] } : fromFile(file!);
    const {
      event,
      rows: [listed = [], students = []],
    } = readWithEvent(ctx.target, undefined, (id) => [
      `SELECT email FROM deprioritized_emails WHERE event_id = ${id}`,
      "SELECT email, deprioritized FROM users WHERE role = 'student'",
    ]);
    const onList = new Set(listed.map((r) => String(r.email)));
    const flaggedNow = new Map(students.map((s) => [String(s.email), s.deprioritized === 1]));
    const label = noShows?.source ?? file!;
    const report: Report = { file: label, event: event.name, dryRun: values["dry-run"] === true, added: 0, updated: 0, unchanged: 0, rejected, lines: [] };
    const fresh: string[] = [];
    for (const [e, { line }] of wanted) {
      if (onList.has(e)) {
        report.unchanged++;
        report.lines.push({ line, key: e, outcome: "unchanged" });
      } else {
        fresh.push(e);
        report.added++;
        report.lines.push({ line, key: e, outcome: "added" });
      }
    }
    const replace = values.replace === true;
    const removed = replace ? [...onList].filter((e) => !wanted.has(e)) : [];
    for (const e of removed) report.lines.push({ line: 0, key: e, outcome: "removed" });
    report.updated = removed.length;
    const toFlag = [...wanted.keys()].filter((e) => flaggedNow.get(e) === false).length;
    const toUnflag = removed.filter((e) => flaggedNow.get(e) === true).length;
    refuseIfRejected(report, values["skip-invalid"] === true);
    if (!report.dryRun && (fresh.length || removed.length || toFlag)) {
      const all = [...wanted.keys()];
      const now = nowIso();
      const sql = fresh.map((e) => insert("deprioritized_emails", { event_id: event.id, email: e, reason: wanted.get(e)?.reason ?? null }));
      for (let i = 0; i < all.length; i += 500)
        sql.push(`UPDATE users SET deprioritized = 1, updated_at = ${lit(now)} WHERE role = 'student' AND deprioritized = 0 AND email IN ${inList(all.slice(i, i + 500))};`);
      for (let i = 0; i < removed.length; i += 500) {
        const part = inList(removed.slice(i, i + 500));
        sql.push(`DELETE FROM deprioritized_emails WHERE event_id = ${lit(event.id)} AND email IN ${part};`);
        sql.push(`UPDATE users SET deprioritized = 0, updated_at = ${lit(now)} WHERE role = 'student' AND deprioritized = 1 AND email IN ${part};`);
      }
      sql.push(auditSql(ctx.actor, { action: noShows ? "deprioritized.from-no-shows" : "deprioritized.import", eventId: event.id, targetType: "event", targetId: event.id, before: { listed: onList.size }, after: { ...(noShows ? { from: noShows.sourceId, source: label } : { file }), added: fresh.length, removed: removed.length, unchanged: report.unchanged, flagged: toFlag, unflagged: toUnflag, rejected: rejected.length } }));
      const done = progress(`writing ${fresh.length + removed.length} list changes`);
      await executeFile(ctx.target, sql.join("\n"));
      done();
    }
    finish(ctx, report, { flagged: toFlag, unflagged: toUnflag, listed: onList.size + fresh.length - removed.length });
  },
};
