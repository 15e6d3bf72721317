// The student's schedule: their bookings as their StudentDO holds them, with what D1 adds on the
// day (attendance, who cancelled and why) and the company's name and booth, kept even when the
// company is no longer in the catalogue (withdrawn, unverified). Confirmed bookings carry the
// signed check-in code the recruiter scans.
import { inArray } from "drizzle-orm";
import type { Booking, ScheduleEntry } from "../domain/contract.ts";
import type { Db } from "../db/client.ts";
import { bookings, companies } from "../db/schema.ts";
import { signCheckIn } from "./checkin-token.ts";

// D1 binds at most 100 parameters per statement.
const CHUNK = 90;

async function inChunks<T>(ids: string[], read: (part: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await read(ids.slice(i, i + CHUNK))));
  return out;
}

export async function scheduleEntries(db: Db, secret: string, list: Booking[]): Promise<ScheduleEntry[]> {
  if (!list.length) return [];
  const companyIds = [...new Set(list.map((b) => b.companyId))];
  const [records, names] = await Promise.all([
    inChunks(list.map((b) => b.id), (part) =>
      db
        .select({ id: bookings.id, attendance: bookings.attendance, cancelledBy: bookings.cancelledBy, cancelReason: bookings.cancelReason })
        .from(bookings)
        .where(inArray(bookings.id, part)),
    ),
    inChunks(companyIds, (part) => db.select({ id: companies.id, name: companies.name, booth: companies.booth, note: companies.note }).from(companies).where(inArray(companies.id, part))),
  ]);
  const record = new Map(records.map((r) => [r.id, r]));
  const company = new Map(names.map((c) => [c.id, c]));
  return Promise.all(
    list.map(async (b) => {
      const r = record.get(b.id);
      const co = company.get(b.companyId);
      return {
        ...b,
        attendance: r?.attendance ?? null,
        companyName: co?.name ?? "",
        booth: co?.booth ?? null,
        note: co?.note ?? null,
        checkInToken: b.status === "confirmed" ? await signCheckIn(b.id, secret) : null,
        cancelledBy: r?.cancelledBy ?? null,
        cancelReason: r?.cancelReason ?? null,
      };
    }),
  );
}
