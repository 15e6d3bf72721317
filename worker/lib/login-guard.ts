// Failed logins counted per account AND source (the client's IP): after MAX_FAILURES wrong
// passwords within WINDOW_MS that source gets 429 for that account, while the owner, from any other
// source, still logs in. Only failures count, so a correct password never uses up anything.
// The nightly cron drops old rows (`pruneLoginFailures`).
export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60_000;

const cutoff = (now: number) => new Date(now - WINDOW_MS).toISOString();

export async function loginBlocked(d1: D1Database, email: string, source: string, now = Date.now()): Promise<boolean> {
  const row = await d1
    .prepare("SELECT failures FROM login_failures WHERE email = ? AND source = ? AND window_start > ?")
    .bind(email, source, cutoff(now))
    .first<number>("failures");
  return (row ?? 0) >= MAX_FAILURES;
}

export async function recordLoginFailure(d1: D1Database, email: string, source: string, now = Date.now()): Promise<void> {
  await d1
    .prepare(
      `INSERT INTO login_failures (email, source, failures, window_start) VALUES (?1, ?2, 1, ?3)
       ON CONFLICT (email, source) DO UPDATE SET
         failures = CASE WHEN window_start <= ?4 THEN 1 ELSE failures + 1 END,
         window_start = CASE WHEN window_start <= ?4 THEN ?3 ELSE window_start END`,
    )
    .bind(email, source, new Date(now).toISOString(), cutoff(now))
    .run();
}

export async function clearLoginFailures(d1: D1Database, email: string, source: string): Promise<void> {
  await d1.prepare("DELETE FROM login_failures WHERE email = ? AND source = ?").bind(email, source).run();
}

export async function pruneLoginFailures(d1: D1Database, now = Date.now()): Promise<number> {
  return (await d1.prepare("DELETE FROM login_failures WHERE window_start <= ?").bind(cutoff(now)).run()).meta.changes ?? 0;
}
