CREATE TABLE `staged_attempts` (
	`id` text,
	`event_id` text,
	`student_id` text,
	`slot_id` text,
	`success` integer,
	`error_code` text,
	`error_message` text,
	`response_time_ms` integer,
	`attempted_at` text,
	`bucket` integer
);
--> statement-breakpoint
CREATE TABLE `staged_bookings` (
	`id` text,
	`event_id` text,
	`slot_id` text,
	`student_id` text,
	`company_id` text,
	`starts_at` text,
	`ends_at` text,
	`phase` integer,
	`status` text,
	`created_at` text,
	`updated_at` text,
	`cancelled_at` text,
	`cancel_reason` text,
	`cancelled_by` text,
	`origin` text
);
