// The HTTP contract of DESIGN.md as types: imported by worker/, durable-objects/ and web/.

export const ROLES = ["student", "company", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Refusals of a booking or a cancellation: 409 in the contract. */
export const BOOKING_REFUSALS = [
  "booking_closed",
  "phase_gate",
  "already_booked",
  "company_already_booked",
  "time_conflict",
  "phase_cap",
  "total_cap",
  "slot_full",
  "cancel_deadline_passed",
  "slot_started",
  "slot_blocked",
] as const;
export type BookingRefusal = (typeof BOOKING_REFUSALS)[number];

/** Refusals of the fair opening (issue #13): 409 in the contract. */
export const DRAW_REFUSALS = ["draw_running", "wishes_closed"] as const;
export type DrawRefusal = (typeof DRAW_REFUSALS)[number];

export type ErrorCode =
  | "validation_failed"
  | "unauthenticated"
  | "forbidden"
  | "cross_origin"
  | "not_found"
  | "conflict"
  | "idempotency_conflict"
  | "rate_limited"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unavailable"
  | "internal"
  | "upgrade_required"
  | "capacity_below_taken"
  | "email_not_allowed"
  | "email_unverified"
  | "invalid_token"
  | BookingRefusal
  | DrawRefusal;

export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  invalid_token: 400,
  forbidden: 403,
  email_not_allowed: 403,
  email_unverified: 403,
  cross_origin: 403,
  not_found: 404,
  conflict: 409,
  booking_closed: 409,
  phase_gate: 409,
  already_booked: 409,
  company_already_booked: 409,
  time_conflict: 409,
  phase_cap: 409,
  total_cap: 409,
  slot_full: 409,
  cancel_deadline_passed: 409,
  slot_started: 409,
  slot_blocked: 409,
  capacity_below_taken: 409,
  draw_running: 409,
  wishes_closed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_conflict: 422,
  upgrade_required: 426,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<ErrorCode, number>;

/** Machine-readable facts of a refusal (counts, the colliding booking...), kept flat for RPC. */
export type ErrorDetails = Record<string, string | number | boolean | null>;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export interface User {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  deprioritized: boolean;
  companyId: string | null;
  emailVerified: boolean;
}

export const LANGS = ["fr", "en"] as const;
export type Lang = (typeof LANGS)[number];

/** `GET/PATCH /api/me/preferences`: the language of mails and whether reminders are sent. */
export interface Preferences {
  lang: Lang;
  reminders: boolean;
}

/** `POST /api/auth/signup` and `/api/auth/password/forgot`: the same answer whether or not the address is known. */
export interface AcceptedResponse {
  status: "verification_sent" | "reset_sent" | "sent";
}

export interface Invitation {
  id: string;
  companyId: string;
  email: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
}

/** An account as the career office sees it (account care). */
export interface AdminUser extends User {
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

/** `GET /api/dev/mail` (local only): what the platform would have sent. */
export interface DevMailMessage {
  id: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  links: string[];
  attachments: { filename: string; type: string; url: string }[];
  sentAt: string;
}

export interface AuthResponse {
  user: User;
  token: string;
}

export interface Break {
  start: string;
  end: string;
}

/** The yearly configuration, as the admin API reads and writes it. */
export interface EventConfig {
  name: string;
  date: string;
  timeZone: string;
  slotDurationMinutes: number;
  bufferMinutes: number;
  slotCapacity: number;
  dayStart: string;
  dayEnd: string;
  breaks: Break[];
  phase1Start: string | null;
  phase1End: string | null;
  phase2Start: string | null;
  phase2End: string | null;
  maxBookingsPhase1: number;
  maxBookingsTotal: number;
  maxBookingsPerCompany: number;
  cancelDeadline: string | null;
  /** Minutes before a slot's start from which it can no longer be booked or cancelled by the student. */
  bookingCutoffMinutes: number;
  /** The career office's address (deprioritization appeals). */
  contactEmail: string | null;
  bookingOpen: boolean;
  /** Ceiling on live-seat WebSockets for the event (GET /api/live); past it, clients poll. */
  liveMaxSockets: number;
  /** Whether each phase opens with a draw over the students' ranked wishes (issue #13). */
  drawPhase1: boolean;
  drawPhase2: boolean;
  /** When students may start ranking their wishes (ISO UTC); null: no wishes, no draw. */
  wishesOpen: string | null;
  maxWishes: number;
  /** Lower-cased domains a student's e-mail must be in (or on the roster); empty: any address. */
  studentEmailDomains: string[];
}

export type Phase = 0 | 1 | 2;

export interface PublicEvent extends EventConfig {
  id: string;
  status: "active" | "archived";
  currentPhase: Phase;
  serverTime: string;
}

export interface Offer {
  id: string;
  companyId: string;
  title: string;
  description: string;
  tags: string[];
  contractType: string;
  location: string;
}

export interface Company {
  id: string;
  name: string;
  description: string;
  website: string | null;
  /** Booth or room on the day. */
  booth: string | null;
  /** A short note for students. */
  note: string | null;
}

export interface CompanyWithOffers extends Company {
  offers: Offer[];
}

export interface SlotAvailability {
  id: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  taken: number;
  /** Blocked by the recruiter or the office: no new seats (existing bookings stay). */
  blocked: boolean;
}

export type BookingStatus = "confirmed" | "cancelled";
/** How a booking was made: allocated by a phase's draw, or first come, first served. */
export type BookingOrigin = "draw" | "fcfs";

/** What happened on the day, per booking (null until someone records it). */
export const ATTENDANCE = ["present", "no_show", "late"] as const;
export type Attendance = (typeof ATTENDANCE)[number];

/** Who cancelled a booking; `move`: the office moved it (the new booking replaces it). */
export const CANCELLED_BY = ["student", "office", "recruiter", "withdrawal", "move"] as const;
export type CancelledBy = (typeof CANCELLED_BY)[number];

export interface Booking {
  id: string;
  slotId: string;
  companyId: string;
  startsAt: string;
  endsAt: string;
  phase: 1 | 2;
  status: BookingStatus;
  attendance: Attendance | null;
  origin: BookingOrigin;
}

/** A booking as its student sees it in the schedule (`GET /api/bookings`). */
export interface ScheduleEntry extends Booking {
  /** Kept on the history even when the company is withdrawn or no longer verified. */
  companyName: string;
  booth: string | null;
  note: string | null;
  /** Signed, short: the QR code the recruiter scans (confirmed bookings only). */
  checkInToken: string | null;
  cancelledBy: CancelledBy | null;
  cancelReason: string | null;
}

export interface CompanySlotStudent {
  id: string;
  fullName: string;
  email: string;
  bookingId: string;
  attendance: Attendance | null;
}

export interface CompanySlot extends SlotAvailability {
  students: CompanySlotStudent[];
}

/** A booking at the office's desk: the D1 record, with its company and what happened to it. */
export interface DeskBooking extends Booking {
  studentId: string;
  companyName: string;
  cancelledAt: string | null;
  cancelledBy: CancelledBy | null;
  cancelReason: string | null;
  checkedInAt: string | null;
}

export interface DeskStudent {
  id: string;
  email: string;
  fullName: string;
  deprioritized: boolean;
  deprioritizedReason: string | null;
  bookings: DeskBooking[];
  /** Booking attempts at the active event, by outcome ("ok" or the refusal code). */
  attempts: Record<string, number>;
}

/** The student's standing for the active event: why they book from phase 2, whom to write to. */
export interface Priority {
  deprioritized: boolean;
  reason: string | null;
  contactEmail: string | null;
}

/** The day's per-event figures (worker/lib/day-metrics.ts has the definitions). */
export interface DayMetrics {
  students: { ofEvent: number; withBooking: number; deprioritized: number; withBookingRate: number };
  interviewsPerStudent: { mean: number; distribution: { interviews: number; students: number }[] };
  fillByCompany: { companyId: string; name: string; slots: number; seats: number; taken: number; fillRate: number }[];
  attendance: { present: number; late: number; noShow: number; unmarked: number; upcoming: number; attendanceRate: number; noShowRate: number };
  cancellations: { total: number; late: number; byWho: Record<string, { total: number; late: number }> };
}

/** `GET /api/admin/metrics`: the live numbers of the booking path and the day's figures. */
export interface Metrics extends DayMetrics {
  generatedAt: string;
  bookings: { confirmed: number; cancelled: number };
  slots: { count: number; seats: number; taken: number };
  fillRate: number;
  attempts: { total: number; byCode: Record<string, number> };
  responseTimeMs: { p50: number | null; p95: number | null; max: number | null };
  perMinute: { minute: string; bookings: number; attempts: number }[];
}

/** A company as the office manages it (`GET /api/admin/companies`). */
export interface AdminCompany {
  id: string;
  name: string;
  description: string;
  website: string | null;
  booth: string | null;
  createdAt: string;
  verified: boolean;
  verifiedAt: string | null;
  /** Its own hours for slot generation, or null for the event's. */
  dayStart: string | null;
  dayEnd: string | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
  recruiters: { email: string; fullName: string }[];
  offers: number;
  slots: number;
}

/** An entry of `GET /api/companies`: a verified company, its offers and its seats. */
export interface CatalogueCompany extends CompanyWithOffers {
  slotCount: number;
  freeSeats: number;
}

/** `GET /api/companies/:id`. */
export interface CompanyDetail {
  company: Company;
  offers: Offer[];
  slots: SlotAvailability[];
}

/** `GET /api/company`: the recruiter's own company, and whether it is verified for the active event. */
export interface MyCompany {
  company: Company;
  verified: boolean;
}

// ---- the career office -------------------------------------------------------------------

/** `POST /api/admin/deprioritized`. */
export interface DeprioritizedImport {
  flagged: number;
  added: number;
  unchanged: number;
  total: number;
}

export interface CompanyGeneration {
  companyId: string;
  name: string;
  /** The hours generated within: the company's own, else the event's. */
  dayStart: string;
  dayEnd: string;
  slots: number;
  created: number;
  removed: number;
  reshaped: number;
  keptBooked: number;
  skipped: number;
}

/** `POST /api/admin/slots/generate`. */
export interface GenerationReport {
  dryRun: boolean;
  perCompanySlots: number;
  created: number;
  removed: number;
  reshaped: number;
  keptBooked: number;
  skipped: number;
  companies: CompanyGeneration[];
}

/** An entry of `GET /api/admin/audit`. */
export interface AuditEntry {
  id: number;
  at: string;
  eventId: string | null;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
}

/** Open live-seat sockets of the event, and its ceiling. */
export interface LiveStats {
  sockets: number;
  ceiling: number;
}

/** `GET /api/admin/metrics`; `live` is null when the hub cannot be reached. */
export interface MetricsResponse {
  event: PublicEvent;
  metrics: Metrics;
  live: LiveStats | null;
}

// ---- live seats: GET /api/live (WebSocket, JSON text frames) -----------------------------

/**
 * The one message a client sends (others are ignored). `companyIds`: the companies whose slots
 * it shows; an empty list subscribes to the catalogue's per-company free-seat totals, and
 * `catalogue: true` adds those totals to a list (tabs sharing one socket). `stats` adds the
 * socket count (the admin monitor). `batch: true` lets a frame carry a JSON array of messages
 * (changes that come together, fewer frames; the site uses it). Sending it again replaces the
 * subscription and brings a fresh snapshot.
 */
/** At most this many companies per subscription (the hub keeps them in the socket's attachment). */
export const LIVE_MAX_COMPANIES = 40;

export interface LiveSubscribe {
  type: "subscribe";
  companyIds: string[];
  catalogue?: boolean;
  stats?: boolean;
  batch?: boolean;
}

export interface LiveSlot {
  slotId: string;
  companyId: string;
  taken: number;
  capacity: number;
  /**
   * Blocked by the recruiter or the office: no seats on offer, whatever `capacity - taken` says.
   * In a snapshot, present only on a blocked slot (the contract's four fields otherwise).
   */
  blocked?: boolean;
}

/** A company's free seats and the `seq` of its last change (0: none since the hub started). */
export interface LiveCompany {
  companyId: string;
  free: number;
  seq: number;
}

export interface LivePhase {
  currentPhase: Phase;
  bookingOpen: boolean;
}

/** The state of the subscription at `seq`; every later message has a greater `seq`. */
export interface LiveSnapshotMessage {
  type: "snapshot";
  seq: number;
  slots: LiveSlot[];
  companies: LiveCompany[];
  event: LivePhase;
}

/**
 * A seat change. `prevSeq` is the `seq` of the company's previous change: a client whose last
 * known `seq` for the company differs has missed one and re-reads the snapshot. `free` is the
 * company's new total. `at` is when the slot changed and `sentAt` when the hub sent it (epoch
 * ms): the delivery delay, split into the server's part and the network's and client's.
 */
export interface LiveSeatMessage extends LiveSlot {
  type: "seat";
  /** Always present on a seat message: an unblock is a change too. */
  blocked: boolean;
  seq: number;
  prevSeq: number;
  free: number;
  at: number;
  sentAt: number;
}

export interface LiveEventMessage extends LivePhase {
  type: "event";
  seq: number;
}

export interface LiveStatsMessage extends LiveStats {
  type: "stats";
}

/** Published by other parts of the platform through the hub (e.g. draw progress): `type` is theirs. */
export interface LivePublishedMessage {
  type: string;
  seq: number;
  [field: string]: unknown;
}

export type LiveServerMessage = LiveSnapshotMessage | LiveSeatMessage | LiveEventMessage | LiveStatsMessage;
// ---- the fair opening (issue #13) ----------------------------------------------------------

/** One ranked wish; the window is a time of day in the event's time zone ("HH:MM"). */
export interface Wish {
  companyId: string;
  rank: number;
  notBefore?: string;
  notAfter?: string;
}

export interface WishesResponse {
  wishes: Wish[];
  /** The window in which wishes can be changed (ISO UTC); null when none is scheduled. */
  opensAt: string | null;
  closesAt: string | null;
  maxWishes: number;
}

export type DrawStatus = "collecting" | "running" | "done";

export interface DrawInfo {
  phase: 1 | 2;
  status: DrawStatus;
  /** SHA-256 of the secret seed (hex), published when wishes open. */
  commitment: string;
  /** The 32-byte seed (hex), revealed when the draw runs. */
  seed: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Interviews the draw booked. */
  allocated: number | null;
}

/** Why a wish was not met when the student's turn came. */
export const LOST_REASONS = ["company_full", "phase_cap", "total_cap", "time_conflict", "no_slot_in_window", "not_eligible", "company_already_booked"] as const;
export type LostReason = (typeof LOST_REASONS)[number];

export interface DrawResult {
  companyId: string;
  rank: number;
  outcome: "won" | "lost";
  bookingId: string | null;
  reason: LostReason | null;
}

export interface MyDraw {
  phase: 1 | 2;
  /** 1-based place in the draw order (round 1); null when not drawn (not eligible, or no wishes). */
  position: number | null;
  /** How many students were drawn in this phase. */
  drawn: number;
  results: DrawResult[];
}

/** Fairness figures of one way of allocating a phase (the draw's, or first come first served). */
export interface FairnessStats {
  /** Students counted: the draw's participants, or for FCFS see worker/lib/draw-records.ts. */
  students: number;
  /** Of them, students who ranked at least one wish. */
  wished: number;
  withInterview: number;
  /** The most students who could each get one interview with the seats there were (a maximum matching); null when unknown. */
  maxWithInterview: number | null;
  interviews: number;
  /** distribution[k] = students with exactly k interviews. */
  distribution: number[];
  /** Share of the students who wished that got their first wish; null without wishes. */
  firstChoiceRate: number | null;
  /** Gini coefficient of interviews per student (0 = perfectly even). */
  gini: number;
  perCompany: { companyId: string; seats: number; taken: number }[];
}

export interface DrawSummary {
  phase: 1 | 2;
  dryRun: boolean;
  /** Students drawn (eligible, with at least one wish). */
  drawn: number;
  allocated: number;
  lost: Partial<Record<LostReason, number>>;
  /**
   * The seal as the DrawDO's clock saw it (ms): reading the snapshot, computing, storing. A
   * Worker's clock stands still while it computes, so this is mostly I/O; bench/ times the
   * allocation itself.
   */
  sealMs: number;
  /** Time to book every allocation through the booking path (ms); null for a dry run. */
  commitMs: number | null;
  /** Allocations the live booking path refused (the snapshot was stale); always 0 when nothing moved meanwhile. */
  diverged: number;
  stats: FairnessStats;
}

export interface PhaseFairness {
  phase: 1 | 2;
  /** The draw opens this phase (configuration). */
  drawEnabled: boolean;
  draw: DrawInfo | null;
  /** What the draw did, once it ran. */
  drawSummary: DrawSummary | null;
  fcfsStats: FairnessStats;
}

export interface FairnessResponse {
  phases: PhaseFairness[];
  companies: { id: string; name: string }[];
}

/** What the alert check watches (seed 002: failures over 5 %, slow answers, a growing queue). */
export const ALERT_KINDS = ["error_rate", "booking_p95", "backlog"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The office's alerting configuration (`GET/PATCH /api/admin/alerts`). */
export interface AlertSettings {
  webhookUrl: string | null;
  maxErrorRate: number;
  maxBookingP95Ms: number;
  maxBacklog: number;
  windowMinutes: number;
  minRequests: number;
  updatedAt: string;
}

/** The figures an alert check reads, over the last `windowMinutes`. */
export interface HealthFigures {
  at: string;
  windowMinutes: number;
  requests: number;
  serverErrors: number;
  /** null below `minRequests` requests: too few to judge. */
  errorRate: number | null;
  bookingAttempts: number;
  /** null below `minRequests` attempts. */
  bookingP95Ms: number | null;
  /** Records acknowledged and not yet in D1; null when the recorders could not be asked. */
  backlog: number | null;
}

export interface AlertRecord {
  id: number;
  kind: AlertKind;
  openedAt: string;
  resolvedAt: string | null;
  value: number;
  threshold: number;
  notifiedAt: string | null;
  /** Why the webhook was not told: `no_webhook`, `unreachable`, `status_<http status>`. */
  notifyError: string | null;
}

export interface AlertsResponse {
  settings: AlertSettings;
  figures: HealthFigures;
  /** The open ones first, then the latest resolved. */
  alerts: AlertRecord[];
}
