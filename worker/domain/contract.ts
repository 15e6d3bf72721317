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

export type ErrorCode =
  | "validation_failed"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "idempotency_conflict"
  | "rate_limited"
  | "payload_too_large"
  | "unavailable"
  | "internal"
  | "capacity_below_taken"
  | BookingRefusal;

export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
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
  payload_too_large: 413,
  idempotency_conflict: 422,
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
