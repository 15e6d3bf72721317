// Every admin write lands in audit_log, in the same batch as the write when it can.
import type { Db } from "../db/client.ts";
import { auditLog } from "../db/schema.ts";
import type { AuthUser } from "../env.ts";

export interface AuditEntry {
  action: string;
  eventId?: string | null;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
}

export const auditStmt = (db: Db, actor: Pick<AuthUser, "id" | "email">, e: AuditEntry) =>
  db.insert(auditLog).values({
    actorId: actor.id,
    actorEmail: actor.email,
    action: e.action,
    eventId: e.eventId ?? null,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
  });
