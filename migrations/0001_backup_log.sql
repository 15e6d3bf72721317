CREATE TABLE `backup_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`source` text NOT NULL,
	`location` text NOT NULL,
	`bytes` integer NOT NULL,
	`row_counts` text NOT NULL,
	`deleted_at` text
);
--> statement-breakpoint
CREATE INDEX `backup_log_at` ON `backup_log` (`at`);