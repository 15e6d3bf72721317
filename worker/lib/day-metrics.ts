// The per-event figures of the day, written once for the admin monitor (D1 binding) and the CLI's
// `status` (wrangler): the SQL takes the event id as a SQL expression (`?1` bound by the Worker, a
// sub-select in the CLI) and `dayMetricsOf` reads the rows the same way for both.
//
// Definitions (README "Metrics"):
// - students of the event: students who tried to book at this event or hold or held a booking
//   there (not every account ever created);
// - a late cancellation: cancelled after the event's cancellation deadline, or after the
//   interview's start when no deadline is set (only the office, the recruiter or a withdrawal can);
//   a move by the office is not a cancellation (the interview goes on, at another time);
// - attendance and no-show rates: over the bookings marked so far (present, late, no_show).
import type { DayMetrics } from "../domain/contract.ts";

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** A late cancellation, over `bookings b JOIN events e`. */
const LATE = "b.cancelled_at > coalesce(e.cancel_deadline, b.starts_at)";

/**
 * The students who did not come (no_show) or cancelled late themselves or through the office
 * (a recruiter's release or a withdrawal is not theirs), one row per booking: the export, and the
 * explicit step that puts them on next year's deprioritized list.
 */
export function noShowsSql(ev: string): string {
  return `SELECT u.email AS student_email, u.full_name AS student_name, c.name AS company, b.starts_at,
      CASE WHEN b.status = 'confirmed' THEN 'no_show' ELSE 'late_cancellation' END AS kind,
      b.cancelled_at, b.cancelled_by, b.cancel_reason
    FROM bookings b JOIN events e ON e.id = b.event_id JOIN users u ON u.id = b.student_id JOIN companies c ON c.id = b.company_id
    WHERE b.event_id = ${ev} AND ((b.status = 'confirmed' AND b.attendance = 'no_show')
      OR (b.status = 'cancelled' AND coalesce(b.cancelled_by, 'student') IN ('student', 'office') AND ${LATE}))
    ORDER BY u.email, b.starts_at, b.id`;
}

export const NO_SHOW_COLUMNS = ["student_email", "student_name", "company", "starts_at", "kind", "cancelled_at", "cancelled_by", "cancel_reason"] as const;

export function dayMetricsSql(ev: string): string[] {
  return [
    // event_students, kept as attempts arrive: the monitor polls this, never scanning booking_attempts.
    `SELECT (SELECT count(*) FROM (SELECT student_id FROM event_students WHERE event_id = ${ev} UNION SELECT student_id FROM bookings WHERE event_id = ${ev})) AS ofEvent,
            (SELECT count(DISTINCT student_id) FROM bookings WHERE event_id = ${ev} AND status = 'confirmed') AS withBooking,
            (SELECT count(*) FROM deprioritized_emails WHERE event_id = ${ev}) AS deprioritized`,
    `SELECT n AS interviews, count(*) AS students FROM
       (SELECT count(*) AS n FROM bookings WHERE event_id = ${ev} AND status = 'confirmed' GROUP BY student_id)
     GROUP BY n ORDER BY n`,
    `SELECT c.id AS companyId, c.name AS name, count(*) AS slots, sum(s.capacity) AS seats, sum(min(s.taken, s.capacity)) AS taken
       FROM slots s JOIN companies c ON c.id = s.company_id WHERE s.event_id = ${ev} GROUP BY c.id ORDER BY c.name, c.id`,
    `SELECT coalesce(attendance, CASE WHEN starts_at <= ${NOW} THEN 'unmarked' ELSE 'upcoming' END) AS k, count(*) AS n
       FROM bookings WHERE event_id = ${ev} AND status = 'confirmed' GROUP BY 1`,
    `SELECT coalesce(b.cancelled_by, 'student') AS who, count(*) AS n, sum(${LATE}) AS late
       FROM bookings b JOIN events e ON e.id = b.event_id WHERE b.event_id = ${ev} AND b.status = 'cancelled' AND coalesce(b.cancelled_by, '') <> 'move' GROUP BY 1`,
  ];
}

type Rows = Record<string, unknown>[];
const num = (v: unknown) => Number(v ?? 0);
const ratio = (a: number, b: number) => (b ? a / b : 0);

/** The figures from the rows of dayMetricsSql's statements, in order. */
export function dayMetricsOf([students = [], perStudent = [], perCompany = [], attendance = [], cancelled = []]: Rows[]): DayMetrics {
  const s = students[0] ?? {};
  const withBooking = num(s.withBooking);
  const distribution = perStudent.map((r) => ({ interviews: num(r.interviews), students: num(r.students) }));
  const interviews = distribution.reduce((a, d) => a + d.interviews * d.students, 0);
  const count = (k: string) => num(attendance.find((r) => r.k === k)?.n);
  const [present, late, noShow] = [count("present"), count("late"), count("no_show")];
  const marked = present + late + noShow;
  const byWho = Object.fromEntries(cancelled.map((r) => [String(r.who), { total: num(r.n), late: num(r.late) }]));
  return {
    students: { ofEvent: num(s.ofEvent), withBooking, deprioritized: num(s.deprioritized), withBookingRate: ratio(withBooking, num(s.ofEvent)) },
    interviewsPerStudent: { mean: ratio(interviews, withBooking), distribution },
    fillByCompany: perCompany.map((r) => ({ companyId: String(r.companyId), name: String(r.name), slots: num(r.slots), seats: num(r.seats), taken: num(r.taken), fillRate: ratio(num(r.taken), num(r.seats)) })),
    attendance: { present, late, noShow, unmarked: count("unmarked"), upcoming: count("upcoming"), attendanceRate: ratio(present + late, marked), noShowRate: ratio(noShow, marked) },
    cancellations: {
      total: Object.values(byWho).reduce((a, x) => a + x.total, 0),
      late: Object.values(byWho).reduce((a, x) => a + x.late, 0),
      byWho,
    },
  };
}
