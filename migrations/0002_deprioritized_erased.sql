CREATE TABLE `deprioritized_erased` (
	`event_id` text NOT NULL,
	`salt` text NOT NULL,
	`email_hash` text NOT NULL,
	`erased_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`event_id`, `email_hash`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
