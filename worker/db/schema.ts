// D1 schema (drizzle-orm). `npm run db:generate` writes the SQL migrations into migrations/.
// Times are ISO-8601 UTC strings (they sort as text); booleans are 0/1 integers.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const createdAt = () => text("created_at").notNull().default(now);
const updatedAt = () => text("updated_at").notNull().default(now);

/** One row per yearly event: the whole configuration of seed 000's event_config. */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    date: text("date").notNull(),
    timeZone: text("time_zone").notNull().default("Europe/Brussels"),
    slotDurationMinutes: integer("slot_duration_minutes").notNull().default(10),
    bufferMinutes: integer("buffer_minutes").notNull().default(5),
    slotCapacity: integer("slot_capacity").notNull().default(2),
    dayStart: text("day_start").notNull().default("09:00"),
    dayEnd: text("day_end").notNull().default("13:00"),
    breaks: text("breaks", { mode: "json" }).$type<{ start: string; end: string }[]>().notNull().default(sql`'[]'`),
    phase1Start: text("phase1_start"),
    phase1End: text("phase1_end"),
    phase2Start: text("phase2_start"),
    phase2End: text("phase2_end"),
    maxBookingsPhase1: integer("max_bookings_phase1").notNull().default(3),
    maxBookingsTotal: integer("max_bookings_total").notNull().default(6),
    maxBookingsPerCompany: integer("max_bookings_per_company").notNull().default(1),
    cancelDeadline: text("cancel_deadline"),
    bookingOpen: integer("booking_open", { mode: "boolean" }).notNull().default(false),
    /** Ceiling on the live-seat WebSockets of this event (LiveDO); clients past it poll instead. */
    liveMaxSockets: integer("live_max_sockets").notNull().default(5000),
    status: text("status", { enum: ["active", "archived"] }).notNull().default("active"),
    archivedAt: text("archived_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // At most one active event: the one the API serves.
    uniqueIndex("events_one_active").on(t.status).where(sql`status = 'active'`),
  ],
);

export const companies = sqliteTable("companies", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  website: text("website"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Verification is per event: every year the career office re-verifies its partners. */
export const eventCompanies = sqliteTable(
  "event_companies",
  {
    eventId: text("event_id").notNull().references(() => events.id),
    companyId: text("company_id").notNull().references(() => companies.id),
    verifiedAt: text("verified_at"),
    verifiedBy: text("verified_by"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.companyId] })],
);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Always stored lower-cased. */
    email: text("email").notNull().unique(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["student", "company", "admin"] }).notNull(),
    fullName: text("full_name").notNull(),
    /** On the active event's deprioritized list (set at signup, on import, and when an event is activated). */
    deprioritized: integer("deprioritized", { mode: "boolean" }).notNull().default(false),
    companyId: text("company_id").references(() => companies.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastLoginAt: text("last_login_at"),
  },
  (t) => [index("users_company").on(t.companyId)],
);

export const offers = sqliteTable(
  "offers",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull().references(() => events.id),
    companyId: text("company_id").notNull().references(() => companies.id),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    contractType: text("contract_type").notNull().default("internship"),
    location: text("location").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("offers_event_company").on(t.eventId, t.companyId)],
);

export const slots = sqliteTable(
  "slots",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull().references(() => events.id),
    companyId: text("company_id").notNull().references(() => companies.id),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    capacity: integer("capacity").notNull(),
    /** Confirmed bookings, maintained by the outbox writes: the catalogue reads it in O(1). */
    taken: integer("taken").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("slots_company_start").on(t.eventId, t.companyId, t.startsAt)],
);

export const bookings = sqliteTable(
  "bookings",
  {
    /** Minted by the StudentDO; the outbox upserts by it, so a retried write never doubles. */
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull().references(() => events.id),
    slotId: text("slot_id").notNull().references(() => slots.id),
    studentId: text("student_id").notNull().references(() => users.id),
    companyId: text("company_id").notNull().references(() => companies.id),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    phase: integer("phase").notNull(),
    status: text("status", { enum: ["confirmed", "cancelled"] }).notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    cancelledAt: text("cancelled_at"),
    cancelReason: text("cancel_reason"),
  },
  (t) => [
    uniqueIndex("bookings_one_confirmed_per_slot_student")
      .on(t.slotId, t.studentId)
      .where(sql`status = 'confirmed'`),
    index("bookings_student").on(t.studentId, t.status),
    index("bookings_slot").on(t.slotId, t.status),
    index("bookings_event_created").on(t.eventId, t.createdAt),
  ],
);

export const bookingAttempts = sqliteTable(
  "booking_attempts",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    studentId: text("student_id").notNull(),
    slotId: text("slot_id").notNull(),
    success: integer("success", { mode: "boolean" }).notNull(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    responseTimeMs: integer("response_time_ms").notNull(),
    attemptedAt: text("attempted_at").notNull(),
  },
  (t) => [
    index("attempts_event_time").on(t.eventId, t.attemptedAt),
    index("attempts_event_code").on(t.eventId, t.errorCode),
  ],
);

export const deprioritizedEmails = sqliteTable(
  "deprioritized_emails",
  {
    eventId: text("event_id").notNull().references(() => events.id),
    email: text("email").notNull(),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.email] })],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull().default(now),
    eventId: text("event_id"),
    actorId: text("actor_id"),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
  },
  (t) => [index("audit_at").on(t.at)],
);

/** Every backup, by the CLI (`event backup`, a file) or the cron trigger (an R2 object). */
export const backupLog = sqliteTable(
  "backup_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull().default(now),
    source: text("source", { enum: ["cli", "cron"] }).notNull(),
    /** A file path (cli) or an R2 key in FILES (cron). */
    location: text("location").notNull(),
    bytes: integer("bytes").notNull(),
    /** `{table: rows}` as written into the backup. */
    rowCounts: text("row_counts", { mode: "json" }).$type<Record<string, number>>().notNull(),
    /** Set when the cron prunes an old R2 backup (it keeps the last N). */
    deletedAt: text("deleted_at"),
  },
  (t) => [index("backup_log_at").on(t.at)],
);
