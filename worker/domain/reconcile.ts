// The reconcile report's shape: shared by the Worker route and the CLI that prints it.

export type DriftKind =
  | "missing_in_d1"
  | "status_mismatch"
  | "not_in_do"
  | "taken_mismatch"
  | "outbox_backlog"
  | "seat_without_booking"
  | "booking_without_seat"
  | "dead_letter"
  | "open_hold";

export interface Drift {
  kind: DriftKind;
  slotId?: string;
  studentId?: string;
  bookingId?: string;
  /** What D1 says, and what the objects say (short, human-readable). */
  d1?: string;
  do?: string;
  fixable: boolean;
}

export interface ReconcileReport {
  event: { id: string; name: string };
  checked: { slots: number; students: number; bookingsInD1: number };
  drifts: Drift[];
  fixed: number;
  remaining: Drift[];
}
