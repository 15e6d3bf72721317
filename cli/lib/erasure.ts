// The SQL that anonymises students (GDPR erasure and retention): pure text, so the workerd tests
// run the very statements the CLI hands to wrangler. Erasure also ends every session of the student.
import { REVOKE_SESSIONS_SQL } from "../../worker/lib/revoke-sessions.ts";
import { inList, lit } from "./sql.ts";

export const ERASED_NAME = "Erased student";
export const erasedEmail = (userId: string) => `erased-${userId}@erased.invalid`;

/** The statements that anonymise these students (their CVs are deleted before, by the caller). */
export function anonymiseSql(students: { id: string; email: string }[], now: string): string[] {
  if (!students.length) return [];
  const sql: string[] = [];
  for (const s of students)
    sql.push(
      `UPDATE users SET email = ${lit(erasedEmail(s.id))}, full_name = ${lit(ERASED_NAME)}, password_hash = '!erased', deprioritized = 0,
         last_login_at = NULL, reminders = 0, updated_at = ${lit(now)}, ${REVOKE_SESSIONS_SQL(lit(now))} WHERE id = ${lit(s.id)} AND role = 'student';`,
    );
  for (let i = 0; i < students.length; i += 500) {
    const emails = inList(students.slice(i, i + 500).map((s) => s.email));
    sql.push(`DELETE FROM deprioritized_emails WHERE email IN ${emails};`, `DELETE FROM student_roster WHERE email IN ${emails};`);
  }
  return sql;
}
