-- Custom SQL migration file, put your code below! --
-- Data migration: attempts recorded before attempt_stats existed, counted into it once (the
-- buckets are LATENCY_BUCKETS_MS of durable-objects/d1-sink.ts as of this migration).
INSERT INTO attempt_stats (event_id, minute, code, bucket, attempts, ms_max)
SELECT event_id, substr(attempted_at, 1, 16), coalesce(error_code, 'ok'),
  CASE WHEN response_time_ms <= 1 THEN 0 WHEN response_time_ms <= 2 THEN 1 WHEN response_time_ms <= 3 THEN 2 WHEN response_time_ms <= 5 THEN 3 WHEN response_time_ms <= 7 THEN 4 WHEN response_time_ms <= 10 THEN 5 WHEN response_time_ms <= 15 THEN 6 WHEN response_time_ms <= 20 THEN 7 WHEN response_time_ms <= 30 THEN 8 WHEN response_time_ms <= 50 THEN 9 WHEN response_time_ms <= 70 THEN 10 WHEN response_time_ms <= 100 THEN 11 WHEN response_time_ms <= 150 THEN 12 WHEN response_time_ms <= 200 THEN 13 WHEN response_time_ms <= 300 THEN 14 WHEN response_time_ms <= 500 THEN 15 WHEN response_time_ms <= 700 THEN 16 WHEN response_time_ms <= 1000 THEN 17 WHEN response_time_ms <= 1500 THEN 18 WHEN response_time_ms <= 2000 THEN 19 WHEN response_time_ms <= 3000 THEN 20 WHEN response_time_ms <= 5000 THEN 21 WHEN response_time_ms <= 7000 THEN 22 WHEN response_time_ms <= 10000 THEN 23 WHEN response_time_ms <= 15000 THEN 24 WHEN response_time_ms <= 20000 THEN 25 WHEN response_time_ms <= 30000 THEN 26 ELSE 27 END,
  count(*), max(response_time_ms)
FROM booking_attempts WHERE true
GROUP BY 1, 2, 3, 4
ON CONFLICT (event_id, minute, code, bucket) DO UPDATE SET attempts = attempts + excluded.attempts, ms_max = max(ms_max, excluded.ms_max);
