-- The seed's design (shared/seeds/000, "Row-level locking"), reduced to what the bench touches:
-- the event's configuration row, profiles, companies and their offers, slots of capacity 2,
-- bookings with the seed's partial indexes, and one PostgreSQL function per booking that locks
-- the slot row `FOR UPDATE` and checks every rule inside its transaction.

-- The seed's `event_config`: one row (phase windows, caps, the booking switch).
CREATE TABLE events (
  id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  booking_open boolean NOT NULL,
  phase1_start timestamptz,
  phase1_end timestamptz,
  phase2_start timestamptz,
  phase2_end timestamptz,
  max_bookings_phase1 int NOT NULL,
  max_bookings_total int NOT NULL,
  max_bookings_per_company int NOT NULL,
  cancel_deadline timestamptz
);

CREATE TABLE profiles (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  is_deprioritized boolean NOT NULL DEFAULT false
);

CREATE TABLE companies (
  id uuid PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE offers (
  id uuid PRIMARY KEY,
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  title text NOT NULL
);

CREATE TABLE event_slots (
  id uuid PRIMARY KEY,
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  start_time timestamptz NOT NULL,
  end_time timestamptz NOT NULL,
  capacity int NOT NULL DEFAULT 2
);
CREATE INDEX idx_event_slots_company ON event_slots (company_id, start_time);

CREATE TABLE bookings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slot_id uuid NOT NULL REFERENCES event_slots (id) ON DELETE CASCADE,
  student_id uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
  booking_phase int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz
);
-- The seed's UNIQUE (slot_id, student_id), on confirmed bookings only: a cancelled seat can be
-- booked again, as ours allows.
CREATE UNIQUE INDEX bookings_one_seat ON bookings (slot_id, student_id) WHERE status = 'confirmed';
CREATE INDEX idx_bookings_student_active ON bookings (student_id) WHERE status = 'confirmed';
CREATE INDEX idx_bookings_slot_active ON bookings (slot_id) WHERE status = 'confirmed';

-- The seed's booking function, as written: the slot row is locked first, so the bookings of one
-- slot queue there, then the rules in our order (worker/domain/rules.ts decideBooking, then the
-- seat). Nothing of the student's is locked: a student's parallel requests on different slots
-- each count the student's bookings before the others commit, and can all pass the caps.
CREATE FUNCTION fn_book_interview(p_student uuid, p_slot uuid, OUT code text, OUT booking_id uuid)
LANGUAGE plpgsql AS $$
DECLARE
  ev events;
  slot event_slots;
  phase int;
BEGIN
  SELECT * INTO slot FROM event_slots WHERE id = p_slot FOR UPDATE;
  IF NOT FOUND THEN code := 'not_found'; RETURN; END IF;
  SELECT * INTO ev FROM events;
  -- Phase 2 wins when the windows overlap; 0 outside both.
  phase := CASE
    WHEN now() >= ev.phase2_start AND (ev.phase2_end IS NULL OR now() < ev.phase2_end) THEN 2
    WHEN now() >= ev.phase1_start AND (ev.phase1_end IS NULL OR now() < ev.phase1_end) THEN 1
    ELSE 0
  END;

  IF NOT ev.booking_open OR phase = 0 THEN code := 'booking_closed'; RETURN; END IF;
  IF phase = 1 AND (SELECT is_deprioritized FROM profiles WHERE id = p_student) THEN
    code := 'phase_gate'; RETURN;
  END IF;
  IF EXISTS (SELECT FROM bookings WHERE student_id = p_student AND slot_id = p_slot AND status = 'confirmed') THEN
    code := 'already_booked'; RETURN;
  END IF;
  IF (SELECT count(*) FROM bookings b JOIN event_slots s ON s.id = b.slot_id
      WHERE b.student_id = p_student AND b.status = 'confirmed' AND s.company_id = slot.company_id) >= ev.max_bookings_per_company THEN
    code := 'company_already_booked'; RETURN;
  END IF;
  IF EXISTS (SELECT FROM bookings b JOIN event_slots s ON s.id = b.slot_id
             WHERE b.student_id = p_student AND b.status = 'confirmed' AND s.start_time < slot.end_time AND slot.start_time < s.end_time) THEN
    code := 'time_conflict'; RETURN;
  END IF;
  IF phase = 1 AND (SELECT count(*) FROM bookings
                    WHERE student_id = p_student AND status = 'confirmed' AND booking_phase = 1) >= ev.max_bookings_phase1 THEN
    code := 'phase_cap'; RETURN;
  END IF;
  IF (SELECT count(*) FROM bookings WHERE student_id = p_student AND status = 'confirmed') >= ev.max_bookings_total THEN
    code := 'total_cap'; RETURN;
  END IF;
  IF (SELECT count(*) FROM bookings WHERE slot_id = p_slot AND status = 'confirmed') >= slot.capacity THEN
    code := 'slot_full'; RETURN;
  END IF;

  INSERT INTO bookings (slot_id, student_id, booking_phase) VALUES (p_slot, p_student, phase) RETURNING id INTO booking_id;
  code := 'ok';
END $$;

-- The race-free variant: the student's row is locked first (always before the slot, so no
-- deadlock), so that one student's requests run one after the other; the rules are the same.
CREATE FUNCTION fn_book_interview_race_free(p_student uuid, p_slot uuid, OUT code text, OUT booking_id uuid)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM FROM profiles WHERE id = p_student FOR UPDATE;
  SELECT f.code, f.booking_id INTO code, booking_id FROM fn_book_interview(p_student, p_slot) f;
END $$;

-- A student cancels one of their confirmed bookings, until the event's cancel deadline (or the
-- interview's start when none is set). The seat is free again once this commits: a slot's count
-- is read from bookings under the slot's lock.
CREATE FUNCTION fn_cancel_booking(p_student uuid, p_booking uuid) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  starts timestamptz;
BEGIN
  SELECT s.start_time INTO starts FROM bookings b JOIN event_slots s ON s.id = b.slot_id
  WHERE b.id = p_booking AND b.student_id = p_student AND b.status = 'confirmed'
  FOR UPDATE OF b;
  IF NOT FOUND THEN RETURN 'not_found'; END IF;
  IF now() > coalesce((SELECT cancel_deadline FROM events), starts) THEN RETURN 'cancel_deadline_passed'; END IF;
  UPDATE bookings SET status = 'cancelled', cancelled_at = now() WHERE id = p_booking;
  RETURN 'ok';
END $$;
