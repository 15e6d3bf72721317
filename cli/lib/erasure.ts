// What erasing a student writes (GDPR; `erase` and `retention`, cli/commands/privacy.ts): the
// account anonymised, the address taken off every deprioritized list with a salted hash kept in
// its place (so the flag stays bound to the person if the address signs up again), and every
// other copy of the address, in any text column of any table (the audit log's actor e-mail, the
// before/after JSON of audit rows, whatever a later table keeps), replaced by the anonymous one; the
// address leaves the rosters, and every session of the student ends. Pure text (plus a hash), so the
// workerd tests run the very statements the CLI hands to D1.
import { getTableColumns, getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "../../worker/db/schema.ts";
import { hashErasedAddress, newSalt } from "../../worker/lib/erased-address.ts";
import { REVOKE_SESSIONS_SQL } from "../../worker/lib/revoke-sessions.ts";
import { inList, lit } from "./sql.ts";

export const ERASED_NAME = "Erased student";
export const erasedEmail = (userId: string) => `erased-${userId}@erased.invalid`;

/** Students per scrub statement: each adds a replace() and an instr() to it. */
const CHUNK = 50;

const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;

/** Every text column of every table of the schema (drizzle's, so new tables are included). */
export function textColumns(): { table: string; column: string }[] {
  return (Object.values(schema) as unknown[])
    .filter((t): t is SQLiteTable => is(t, SQLiteTable))
    .flatMap((t) =>
      Object.values(getTableColumns(t))
        .filter((c) => c.getSQLType() === "text")
        .map((c) => ({ table: getTableName(t), column: c.name })),
    );
}

/** Statements that erase these students (addresses normalised); their CVs are deleted by the caller. */
export async function erasureSql(students: { id: string; email: string }[], now: string): Promise<string[]> {
  const sql: string[] = [];
  for (const s of students) {
    const salt = newSalt();
    const hash = await hashErasedAddress(salt, s.email);
    sql.push(
      `INSERT OR IGNORE INTO deprioritized_erased (event_id, salt, email_hash, erased_at)
         SELECT event_id, ${lit(salt)}, ${lit(hash)}, ${lit(now)} FROM deprioritized_emails WHERE email = ${lit(s.email)};`,
      `UPDATE users SET email = ${lit(erasedEmail(s.id))}, full_name = ${lit(ERASED_NAME)}, password_hash = '!erased', deprioritized = 0,
         last_login_at = NULL, reminders = 0, updated_at = ${lit(now)}, ${REVOKE_SESSIONS_SQL(lit(now))} WHERE id = ${lit(s.id)} AND role = 'student';`,
    );
  }
  const columns = textColumns();
  for (let i = 0; i < students.length; i += CHUNK) {
    const part = students.slice(i, i + CHUNK);
    const emails = inList(part.map((s) => s.email));
    sql.push(`DELETE FROM deprioritized_emails WHERE email IN ${emails};`, `DELETE FROM student_roster WHERE email IN ${emails};`);
    for (const { table, column } of columns) {
      const c = quote(column);
      const replaced = part.reduce((expr, s) => `replace(${expr}, ${lit(s.email)}, ${lit(erasedEmail(s.id))})`, c);
      sql.push(`UPDATE ${quote(table)} SET ${c} = ${replaced} WHERE ${part.map((s) => `instr(${c}, ${lit(s.email)}) > 0`).join(" OR ")};`);
    }
  }
  return sql;
}
