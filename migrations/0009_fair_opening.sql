CREATE TABLE `draw_entries` (
	`event_id` text NOT NULL,
	`phase` integer NOT NULL,
	`student_id` text NOT NULL,
	`rank` integer NOT NULL,
	`company_id` text NOT NULL,
	`not_before` text,
	`not_after` text,
	`eligible` integer NOT NULL,
	`position` integer,
	`outcome` text NOT NULL,
	`reason` text,
	`slot_id` text,
	`booking_id` text,
	PRIMARY KEY(`event_id`, `phase`, `student_id`, `rank`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `draw_holdings` (
	`event_id` text NOT NULL,
	`phase` integer NOT NULL,
	`student_id` text NOT NULL,
	`slot_id` text NOT NULL,
	`company_id` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`booking_phase` integer NOT NULL,
	PRIMARY KEY(`event_id`, `phase`, `student_id`, `slot_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `draw_seats` (
	`event_id` text NOT NULL,
	`phase` integer NOT NULL,
	`slot_id` text NOT NULL,
	`company_id` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`capacity` integer NOT NULL,
	`taken` integer NOT NULL,
	PRIMARY KEY(`event_id`, `phase`, `slot_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `draws` (
	`event_id` text NOT NULL,
	`phase` integer NOT NULL,
	`status` text NOT NULL,
	`commitment` text NOT NULL,
	`seed` text,
	`started_at` text,
	`finished_at` text,
	`allocated` integer,
	`config` text,
	`summary` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`event_id`, `phase`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `wishes` (
	`event_id` text NOT NULL,
	`student_id` text NOT NULL,
	`rank` integer NOT NULL,
	`company_id` text NOT NULL,
	`not_before` text,
	`not_after` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`event_id`, `student_id`, `rank`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`student_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wishes_one_per_company` ON `wishes` (`event_id`,`student_id`,`company_id`);--> statement-breakpoint
ALTER TABLE `bookings` ADD `origin` text DEFAULT 'fcfs' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `draw_phase1` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `draw_phase2` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `wishes_open` text;--> statement-breakpoint
ALTER TABLE `events` ADD `max_wishes` integer DEFAULT 10 NOT NULL;