CREATE TABLE `alert_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`webhook_url` text,
	`max_error_rate` real DEFAULT 0.05 NOT NULL,
	`max_booking_p95_ms` integer DEFAULT 1000 NOT NULL,
	`max_backlog` integer DEFAULT 2000 NOT NULL,
	`window_minutes` integer DEFAULT 5 NOT NULL,
	`min_requests` integer DEFAULT 50 NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`opened_at` text NOT NULL,
	`resolved_at` text,
	`value` real NOT NULL,
	`threshold` real NOT NULL,
	`notified_at` text,
	`notify_error` text
);
--> statement-breakpoint
CREATE INDEX `alerts_open` ON `alerts` (`kind`,`resolved_at`);--> statement-breakpoint
CREATE TABLE `deprioritized_erased` (
	`event_id` text NOT NULL,
	`salt` text NOT NULL,
	`email_hash` text NOT NULL,
	`erased_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`event_id`, `email_hash`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `request_counts` (
	`minute` text PRIMARY KEY NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`server_errors` integer DEFAULT 0 NOT NULL
);
