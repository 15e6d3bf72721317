// The office's alerting configuration: one D1 row, created from the column defaults on first read.
import { eq } from "drizzle-orm";
import type { AlertSettings } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import { alertSettings } from "../db/schema.ts";

const ID = 1;
type Row = typeof alertSettings.$inferSelect;

export const toAlertSettings = ({ id: _id, ...s }: Row): AlertSettings => s;

export async function readAlertSettings(db: Db): Promise<AlertSettings> {
  const row = await db.query.alertSettings.findFirst({ where: eq(alertSettings.id, ID) });
  if (row) return toAlertSettings(row);
  const [made] = await db.insert(alertSettings).values({ id: ID }).onConflictDoNothing().returning();
  return toAlertSettings(made ?? (await db.query.alertSettings.findFirst({ where: eq(alertSettings.id, ID) }))!);
}

export const updateAlertSettingsStmt = (db: Db, patch: Partial<Omit<AlertSettings, "updatedAt">>) =>
  db
    .update(alertSettings)
    .set({ ...patch, updatedAt: new Date().toISOString() })
    .where(eq(alertSettings.id, ID))
    .returning();
