// A StudentDO's tables (student-store.ts reads and writes them), as an append-only list of steps
// and the one statement a new object runs instead (sql-migrations.ts).
//
// `out` of a row: 0 nothing owed (a booking D1 has, a pending hold, an undecided attempt),
// 1 owed to D1, 2 written (an attempt kept only for its idempotency key), 3 dead letter.
import type { Schema } from "./sql-migrations.ts";

export const OWED = 1;
export const SENT = 2;
export const DEAD = 3;

/** Issue #13: who made the booking, a phase's draw or the student (first come, first served). */
const ORIGIN = "origin TEXT NOT NULL DEFAULT 'fcfs' CHECK (origin IN ('draw', 'fcfs'))";

const BOOKINGS = `CREATE TABLE bookings (
  id TEXT PRIMARY KEY,
  slot_id TEXT NOT NULL,
  company_id TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  phase INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelling', 'cancelled')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  cancelled_at INTEGER,
  cancel_reason TEXT,
  out INTEGER NOT NULL DEFAULT 0,
  tries INTEGER NOT NULL DEFAULT 0,
  retry_at INTEGER,
  cancelled_by TEXT,
  ${ORIGIN}
)`;
// No primary key of its own: rows are few and found by scanning; the implicit rowid keeps their order.
const ATTEMPTS = `CREATE TABLE attempts (
  id TEXT NOT NULL,
  idem_key TEXT,
  slot_id TEXT NOT NULL,
  booking_id TEXT,
  code TEXT,
  message TEXT,
  details TEXT,
  received_at INTEGER NOT NULL,
  answered_at INTEGER,
  out INTEGER NOT NULL DEFAULT 0,
  tries INTEGER NOT NULL DEFAULT 0,
  retry_at INTEGER
)`;

const toMs = (iso: string) => `CAST(round((julianday(${iso}) - 2440587.5) * 86400000) AS INTEGER)`;

export const STUDENT_SCHEMA: Schema = {
  steps: [
    // v1 (the first outbox design: JSON copies in `outbox`, keys in `idempotency`).
    `CREATE TABLE bookings (
       id TEXT PRIMARY KEY, slot_id TEXT NOT NULL, company_id TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,
       phase INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelling', 'cancelled')),
       idem_key TEXT, received_at INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, cancelled_at INTEGER, cancel_reason TEXT
     )`,
    "CREATE INDEX bookings_status ON bookings (status)",
    "CREATE TABLE idempotency (key TEXT PRIMARY KEY, slot_id TEXT NOT NULL, booking_id TEXT, result TEXT, created_at INTEGER NOT NULL)",
    "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)",
    "CREATE TABLE dead_letter (seq INTEGER PRIMARY KEY, record TEXT NOT NULL, error TEXT NOT NULL, at INTEGER NOT NULL)",
    "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    // v2: the rows are the outbox. Every booking state is owed again (D1's upsert is idempotent and
    // monotonic); the v1 outbox's and dead letters' attempt records, the keys' outcomes and any
    // open hold become attempt rows.
    `${ATTEMPTS};
     INSERT INTO attempts (id, idem_key, slot_id, booking_id, code, message, details, received_at, answered_at, out)
       SELECT lower(hex(randomblob(16))), key, slot_id, booking_id,
         CASE WHEN json_extract(result, '$.ok') THEN 'ok' ELSE json_extract(result, '$.code') END,
         json_extract(result, '$.message'), json_extract(result, '$.details'), created_at, created_at, ${SENT}
       FROM idempotency WHERE result IS NOT NULL;
     INSERT INTO attempts (id, idem_key, slot_id, booking_id, received_at, out)
       SELECT lower(hex(randomblob(16))), idem_key, slot_id, id, received_at, 0 FROM bookings WHERE status = 'pending' AND idem_key IS NOT NULL;
     INSERT INTO attempts (id, slot_id, code, message, received_at, answered_at, out)
       SELECT json_extract(record, '$.row.id'), json_extract(record, '$.row.slotId'), coalesce(json_extract(record, '$.row.errorCode'), 'ok'),
         json_extract(record, '$.row.errorMessage'), ${toMs("json_extract(record, '$.row.attemptedAt')")},
         ${toMs("json_extract(record, '$.row.attemptedAt')")} + json_extract(record, '$.row.responseTimeMs'), ${OWED}
       FROM (SELECT seq, record FROM outbox UNION ALL SELECT seq, record FROM dead_letter ORDER BY seq) WHERE json_extract(record, '$.kind') = 'attempt';
     DROP INDEX bookings_status;
     ALTER TABLE bookings DROP COLUMN idem_key;
     ALTER TABLE bookings DROP COLUMN received_at;
     ALTER TABLE bookings ADD COLUMN out INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE bookings ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE bookings ADD COLUMN retry_at INTEGER;
     UPDATE bookings SET out = ${OWED} WHERE status IN ('confirmed', 'cancelled');
     DROP TABLE outbox; DROP TABLE dead_letter; DROP TABLE idempotency; DROP TABLE meta;`,
    // v3 (#15, the day of the fair): who cancelled (student, office, recruiter, withdrawal, move);
    // cancel_reason keeps the words.
    "ALTER TABLE bookings ADD COLUMN cancelled_by TEXT",
    // v4 (#13): a booking's origin; every booking made before it was first come, first served.
    `ALTER TABLE bookings ADD COLUMN ${ORIGIN}`,
  ],
  fresh: `${BOOKINGS}; ${ATTEMPTS}`,
};
