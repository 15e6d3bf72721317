// Raising a user's token version ends every session issued before (worker/lib/sessions.ts). One
// definition for the Worker (drizzle) and the CLI (SQL text); no runtime imports, so Node runs it.
import { sql } from "drizzle-orm";

/** Columns that end every session of a user (drizzle `set`); use `.returning()` to mint the next token. */
export const revokeSessions = (now: string) => ({ tokenVersion: sql`token_version + 1`, sessionsChangedAt: now });

/** The same in SQL text, for the CLI's scripts. */
export const REVOKE_SESSIONS_SQL = (nowLiteral: string) => `token_version = token_version + 1, sessions_changed_at = ${nowLiteral}`;
