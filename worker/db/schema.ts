// D1 schema (drizzle-orm). `npm run db:generate` writes the SQL migrations into migrations/.
// Times are ISO-8601 UTC strings (they sort as text); booleans are 0/1 integers.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ALERT_KINDS, ATTENDANCE, CANCELLED_BY } from "../domain/contract.ts";

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
    /** A slot starting within this many minutes (or already started) can no longer be booked or student-cancelled. */
    bookingCutoffMinutes: integer("booking_cutoff_minutes").notNull().default(0),
    /** The career office's address: students appeal a deprioritization there. */
    contactEmail: text("contact_email"),
    /** Who may sign up as a student: e-mail domains (lower-cased, e.g. "student.school.be"); empty = any (or the roster only, when there is one). */
    studentEmailDomains: text("student_email_domains", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    bookingOpen: integer("booking_open", { mode: "boolean" }).notNull().default(false),
    /** Ceiling on the live-seat WebSockets of this event (LiveDO); clients past it poll instead. */
    liveMaxSockets: integer("live_max_sockets").notNull().default(5000),
    /** Issue #13: each phase opens with a draw over ranked wishes (when wishes_open is set). */
    drawPhase1: integer("draw_phase1", { mode: "boolean" }).notNull().default(true),
    drawPhase2: integer("draw_phase2", { mode: "boolean" }).notNull().default(true),
    /** When students may start ranking wishes; null (every event before issue #13): no draw at all. */
    wishesOpen: text("wishes_open"),
    maxWishes: integer("max_wishes").notNull().default(10),
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
  /** Where the interviews take place (booth or room), set by the recruiter; in the schedule and the .ics. */
  booth: text("booth"),
  /** A short note for the students who booked (what to bring, running late...). */
  note: text("note"),
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
    /** This company's own hours for slot generation ("HH:MM"); null: the event's dayStart/dayEnd. */
    dayStart: text("day_start"),
    dayEnd: text("day_end"),
    /** Withdrawn by the office: its bookings were cancelled, it is no longer verified. */
    withdrawnAt: text("withdrawn_at"),
    withdrawnBy: text("withdrawn_by"),
    withdrawReason: text("withdraw_reason"),
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
    /** Proven by a link sent to the address (verify, reset or invitation). Students book only when set. */
    emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
    /** Mails in this language. */
    lang: text("lang", { enum: ["fr", "en"] }).notNull().default("fr"),
    /** Phase-opening and interview reminders (a student may turn them off). */
    reminders: integer("reminders", { mode: "boolean" }).notNull().default(true),
    /** Set by the career office: no login, every session ended. */
    disabledAt: text("disabled_at"),
    /**
     * Session tokens carry the version they were issued under; raising it ends every session of the
     * user (logout, password change, erasure, role change, disable). `sessionsChangedAt` lets the
     * Worker cache only the versions changed within a token's lifetime (worker/lib/sessions.ts).
     */
    tokenVersion: integer("token_version").notNull().default(0),
    sessionsChangedAt: text("sessions_changed_at"),
  },
  (t) => [index("users_company").on(t.companyId), index("users_sessions_changed").on(t.sessionsChangedAt)],
);

/** Single-use links sent by e-mail: verify an address, reset a password. Only the SHA-256 of the token is kept. */
export const accountTokens = sqliteTable(
  "account_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id),
    kind: text("kind", { enum: ["verify", "reset"] }).notNull(),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [index("account_tokens_user").on(t.userId, t.kind)],
);

/** The career office invites a recruiter's e-mail to a company; the link creates or links the account. */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    companyId: text("company_id").notNull().references(() => companies.id),
    email: text("email").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by"),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    acceptedAt: text("accepted_at"),
    acceptedBy: text("accepted_by"),
  },
  (t) => [index("invitations_company").on(t.companyId)],
);

/** Failed logins per account and source: a rival guessing from elsewhere never locks the owner out. */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    email: text("email").notNull(),
    source: text("source").notNull(),
    failures: integer("failures").notNull(),
    windowStart: text("window_start").notNull(),
  },
  (t) => [primaryKey({ columns: [t.email, t.source] })],
);

/** The year's student roster (optional): when present, its addresses may sign up as students even outside the domains. */
export const studentRoster = sqliteTable(
  "student_roster",
  {
    eventId: text("event_id").notNull().references(() => events.id),
    email: text("email").notNull(),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.email] })],
);

/**
 * One row per mail the queue consumer handled, by its dedupe key: claimed before sending, marked
 * sent after, so a redelivered or re-enqueued message is never sent twice (worker/mail/consumer.ts).
 */
export const mailLog = sqliteTable(
  "mail_log",
  {
    dedupeKey: text("dedupe_key").primaryKey(),
    kind: text("kind").notNull(),
    to: text("to").notNull(),
    claimedAt: text("claimed_at").notNull(),
    /** The queue message holding the claim: its own retry may take it back (its first answer may have been lost). */
    claimedBy: text("claimed_by").notNull(),
    sentAt: text("sent_at"),
  },
  (t) => [index("mail_log_to").on(t.to)],
);

/** The local inbox (DEV_MAILBOX=1 only, never in production): what would have been sent. */
export const devMail = sqliteTable(
  "dev_mail",
  {
    dedupeKey: text("dedupe_key").primaryKey(),
    to: text("to").notNull(),
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    links: text("links", { mode: "json" }).$type<string[]>().notNull(),
    attachments: text("attachments", { mode: "json" }).$type<{ filename: string; type: string; content: string }[]>().notNull(),
    sentAt: text("sent_at").notNull(),
  },
  (t) => [index("dev_mail_to").on(t.to, t.sentAt)],
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
    /** Mirrors SlotDO's block (the recruiter's lunch, running late): no new seats while set. */
    blocked: integer("blocked", { mode: "boolean" }).notNull().default(false),
    /** Set when a recruiter or the office changed this slot's capacity: regeneration keeps it. */
    capacityCustom: integer("capacity_custom", { mode: "boolean" }).notNull().default(false),
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
    /** Allocated by a phase's draw, or first come, first served (issue #13). */
    origin: text("origin", { enum: ["draw", "fcfs"] }).notNull().default("fcfs"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    cancelledAt: text("cancelled_at"),
    cancelReason: text("cancel_reason"),
    /** Who cancelled: the student, the office, the recruiter, or the company's withdrawal. */
    cancelledBy: text("cancelled_by", { enum: CANCELLED_BY }),
    /** The day itself, recorded by the recruiter or the office (never by the outbox). */
    attendance: text("attendance", { enum: ATTENDANCE }),
    checkedInAt: text("checked_in_at"),
    checkedInBy: text("checked_in_by"),
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

/**
 * The monitor's running aggregate of booking_attempts, kept by the outbox's D1 writes
 * (durable-objects/d1-sink.ts): attempts per minute (`minute` = "YYYY-MM-DDTHH:MM"), outcome code
 * ("ok" for a booking) and response-time bucket (index into LATENCY_BUCKETS_MS). The metrics
 * poll reads these few rows instead of sorting every attempt.
 */
export const attemptStats = sqliteTable(
  "attempt_stats",
  {
    eventId: text("event_id").notNull(),
    minute: text("minute").notNull(),
    code: text("code").notNull(),
    bucket: integer("bucket").notNull(),
    attempts: integer("attempts").notNull(),
    msMax: integer("ms_max").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.minute, t.code, t.bucket] })],
);

/**
 * The students of each event (#15's metrics: "students of the event", not every account ever):
 * whoever made a booking attempt there, kept by the outbox's D1 writes as attempts arrive
 * (durable-objects/d1-sink.ts), so the monitor counts them without scanning booking_attempts.
 */
export const eventStudents = sqliteTable(
  "event_students",
  {
    eventId: text("event_id").notNull(),
    studentId: text("student_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.studentId] })],
);

/**
 * The outbox's staging rows (durable-objects/d1-sink.ts): a D1 batch unpacks its JSON array of
 * packed rows here once, its statements read them from here, and it deletes them before it commits,
 * so the tables are empty between batches. Without them each statement bound and unpacked the
 * whole array again. The packed columns, unconstrained and unindexed: the cheapest rows to write.
 */
export const stagedAttempts = sqliteTable("staged_attempts", {
  id: text("id"),
  eventId: text("event_id"),
  studentId: text("student_id"),
  slotId: text("slot_id"),
  success: integer("success"),
  errorCode: text("error_code"),
  errorMessage: text("error_message"),
  responseTimeMs: integer("response_time_ms"),
  attemptedAt: text("attempted_at"),
  /** The response-time bucket (d1-sink.ts latencyBucket), for attempt_stats. */
  bucket: integer("bucket"),
});

export const stagedBookings = sqliteTable("staged_bookings", {
  id: text("id"),
  eventId: text("event_id"),
  slotId: text("slot_id"),
  studentId: text("student_id"),
  companyId: text("company_id"),
  startsAt: text("starts_at"),
  endsAt: text("ends_at"),
  phase: integer("phase"),
  status: text("status"),
  createdAt: text("created_at"),
  updatedAt: text("updated_at"),
  cancelledAt: text("cancelled_at"),
  cancelReason: text("cancel_reason"),
  cancelledBy: text("cancelled_by"),
  origin: text("origin"),
});

export const deprioritizedEmails = sqliteTable(
  "deprioritized_emails",
  {
    eventId: text("event_id").notNull().references(() => events.id),
    email: text("email").notNull(),
    /** Why this address is on the list (e.g. a no-show last year); shown to the student. */
    reason: text("reason"),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.email] })],
);

/**
 * The deprioritized list's memory of erased students (GDPR erasure, cli/commands/privacy.ts): the
 * address itself is gone, a salted SHA-256 of it stays, so that the same address signing up again
 * is put back on the event's list (worker/lib/deprioritized.ts) instead of escaping it.
 */
export const deprioritizedErased = sqliteTable(
  "deprioritized_erased",
  {
    eventId: text("event_id").notNull().references(() => events.id),
    /** Random per row (hex): equal addresses do not give equal hashes across rows. */
    salt: text("salt").notNull(),
    /** Hex SHA-256 of `${salt}:${normalized address}` (worker/lib/erased-address.ts). */
    emailHash: text("email_hash").notNull(),
    erasedAt: text("erased_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.emailHash] })],
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

// ---- the fair opening (issue #13) ------------------------------------------------------------

/** A student's ranked wishes, editable until the next draw seals them. Times of day ("HH:MM") in the event's zone. */
export const wishes = sqliteTable(
  "wishes",
  {
    eventId: text("event_id").notNull().references(() => events.id),
    studentId: text("student_id").notNull().references(() => users.id),
    rank: integer("rank").notNull(),
    companyId: text("company_id").notNull().references(() => companies.id),
    notBefore: text("not_before"),
    notAfter: text("not_after"),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.studentId, t.rank] }), uniqueIndex("wishes_one_per_company").on(t.eventId, t.studentId, t.companyId)],
);

/**
 * One row per event and phase: the published side of the DrawDO's state. The commitment
 * (SHA-256 of the secret seed) is written when wishes open; the seed when the draw runs.
 */
export const draws = sqliteTable(
  "draws",
  {
    eventId: text("event_id").notNull().references(() => events.id),
    phase: integer("phase").notNull(),
    status: text("status", { enum: ["collecting", "running", "done"] }).notNull(),
    commitment: text("commitment").notNull(),
    seed: text("seed"),
    startedAt: text("started_at"),
    finishedAt: text("finished_at"),
    allocated: integer("allocated"),
    /** The time zone and caps the draw sealed with, `{timeZone, caps}`: part of the published snapshot. */
    config: text("config", { mode: "json" }),
    /** The DrawSummary (worker/domain/contract.ts) once done. */
    summary: text("summary", { mode: "json" }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.phase] })],
);

/** The sealed wishes of a draw with their outcome: the students' results and the export's main part. */
export const drawEntries = sqliteTable(
  "draw_entries",
  {
    eventId: text("event_id").notNull().references(() => events.id),
    phase: integer("phase").notNull(),
    studentId: text("student_id").notNull(),
    rank: integer("rank").notNull(),
    companyId: text("company_id").notNull(),
    notBefore: text("not_before"),
    notAfter: text("not_after"),
    eligible: integer("eligible", { mode: "boolean" }).notNull(),
    /** 1-based place in the draw order; null when not drawn. */
    position: integer("position"),
    outcome: text("outcome", { enum: ["won", "lost"] }).notNull(),
    reason: text("reason"),
    /** The slot the allocator chose, and the booking the commit made of it. */
    slotId: text("slot_id"),
    bookingId: text("booking_id"),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.phase, t.studentId, t.rank] })],
);

/** Every slot of the draw's companies as the draw saw it (seats already taken at the seal). */
export const drawSeats = sqliteTable(
  "draw_seats",
  {
    eventId: text("event_id").notNull().references(() => events.id),
    phase: integer("phase").notNull(),
    slotId: text("slot_id").notNull(),
    companyId: text("company_id").notNull(),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    capacity: integer("capacity").notNull(),
    taken: integer("taken").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.phase, t.slotId] })],
);

/** The bookings the drawn students already held at the seal (they count against caps and conflicts). */
export const drawHoldings = sqliteTable(
  "draw_holdings",
  {
    eventId: text("event_id").notNull().references(() => events.id),
    phase: integer("phase").notNull(),
    studentId: text("student_id").notNull(),
    slotId: text("slot_id").notNull(),
    companyId: text("company_id").notNull(),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    bookingPhase: integer("booking_phase").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.phase, t.studentId, t.slotId] })],
);

/**
 * Requests answered per UTC minute, all routes: what the alert check's 5xx rate is computed from.
 * Each Worker isolate adds its counts every few seconds (worker/lib/request-stats.ts); best effort.
 */
export const requestCounts = sqliteTable("request_counts", {
  /** `YYYY-MM-DDTHH:MM`, UTC. */
  minute: text("minute").primaryKey(),
  requests: integer("requests").notNull().default(0),
  serverErrors: integer("server_errors").notNull().default(0),
});

/** The office's alerting configuration (one row, id 1): where alerts go and when they fire. */
export const alertSettings = sqliteTable("alert_settings", {
  id: integer("id").primaryKey(),
  /** An https webhook (Slack, Teams, Mattermost... or any receiver); null: alerts are only shown. */
  webhookUrl: text("webhook_url"),
  /** Share of 5xx answers over the window (seed 002: alert when failures pass 5 %). */
  maxErrorRate: real("max_error_rate").notNull().default(0.05),
  /** p95 of the booking decision time (booking_attempts.response_time_ms) over the window. */
  maxBookingP95Ms: integer("max_booking_p95_ms").notNull().default(1000),
  /** Records acknowledged but not yet written to D1 (the recorders' queues). */
  maxBacklog: integer("max_backlog").notNull().default(2000),
  windowMinutes: integer("window_minutes").notNull().default(5),
  /** Below this many requests (or booking attempts) in the window, rates and p95 do not alert. */
  minRequests: integer("min_requests").notNull().default(50),
  updatedAt: updatedAt(),
});

/** One row per alert raised: open until the check finds the figure back under its threshold. */
export const alerts = sqliteTable(
  "alerts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: ALERT_KINDS }).notNull(),
    openedAt: text("opened_at").notNull(),
    resolvedAt: text("resolved_at"),
    /** The figure when raised, then the latest one while open. */
    value: real("value").notNull(),
    threshold: real("threshold").notNull(),
    /** When the webhook accepted the firing message; else notifyError: no_webhook, unreachable, status_<n>. */
    notifiedAt: text("notified_at"),
    notifyError: text("notify_error"),
  },
  (t) => [index("alerts_open").on(t.kind, t.resolvedAt)],
);
