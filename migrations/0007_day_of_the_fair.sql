CREATE TABLE `event_students` (
	`event_id` text NOT NULL,
	`student_id` text NOT NULL,
	PRIMARY KEY(`event_id`, `student_id`)
);
--> statement-breakpoint
ALTER TABLE `bookings` ADD `cancelled_by` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `attendance` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `checked_in_at` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `checked_in_by` text;--> statement-breakpoint
ALTER TABLE `companies` ADD `booth` text;--> statement-breakpoint
ALTER TABLE `companies` ADD `note` text;--> statement-breakpoint
ALTER TABLE `deprioritized_emails` ADD `reason` text;--> statement-breakpoint
ALTER TABLE `event_companies` ADD `day_start` text;--> statement-breakpoint
ALTER TABLE `event_companies` ADD `day_end` text;--> statement-breakpoint
ALTER TABLE `event_companies` ADD `withdrawn_at` text;--> statement-breakpoint
ALTER TABLE `event_companies` ADD `withdrawn_by` text;--> statement-breakpoint
ALTER TABLE `event_companies` ADD `withdraw_reason` text;--> statement-breakpoint
ALTER TABLE `events` ADD `booking_cutoff_minutes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `contact_email` text;--> statement-breakpoint
ALTER TABLE `slots` ADD `blocked` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `slots` ADD `capacity_custom` integer DEFAULT false NOT NULL;