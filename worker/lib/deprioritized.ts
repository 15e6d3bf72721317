// Is an address on the active event's deprioritized list? Listed plainly (the import), or erased
// from it (GDPR) and now back: then the address goes back on the list, so the booking path, which
// reads the list (worker/lib/event-context.ts), gates it like any other.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { deprioritizedEmails, deprioritizedErased } from "../db/schema.ts";
import { hashErasedAddress } from "./erased-address.ts";

const restoreStmt = (db: Db, eventId: string, email: string) => db.insert(deprioritizedEmails).values({ eventId, email }).onConflictDoNothing();

export interface ListCheck {
  deprioritized: boolean;
  /** Statements to run with the account's creation (the address back on the list). */
  restore: ReturnType<typeof restoreStmt>[];
}

export async function checkDeprioritized(db: Db, eventId: string, email: string): Promise<ListCheck> {
  const [listed, erased] = await db.batch([
    db.select({ email: deprioritizedEmails.email }).from(deprioritizedEmails).where(and(eq(deprioritizedEmails.eventId, eventId), eq(deprioritizedEmails.email, email))).limit(1),
    db.select({ salt: deprioritizedErased.salt, hash: deprioritizedErased.emailHash }).from(deprioritizedErased).where(eq(deprioritizedErased.eventId, eventId)),
  ]);
  if (listed.length) return { deprioritized: true, restore: [] };
  for (const e of erased) if ((await hashErasedAddress(e.salt, email)) === e.hash) return { deprioritized: true, restore: [restoreStmt(db, eventId, email)] };
  return { deprioritized: false, restore: [] };
}
