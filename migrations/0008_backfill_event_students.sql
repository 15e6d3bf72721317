-- Custom SQL migration file, put your code below! --
-- Data migration: the students of each event who made booking attempts before event_students
-- existed (from then on the outbox's D1 writes note them as their attempts arrive).
INSERT INTO event_students (event_id, student_id)
SELECT DISTINCT event_id, student_id FROM booking_attempts WHERE true
ON CONFLICT DO NOTHING;
