CREATE TABLE `attempt_stats` (
	`event_id` text NOT NULL,
	`minute` text NOT NULL,
	`code` text NOT NULL,
	`bucket` integer NOT NULL,
	`attempts` integer NOT NULL,
	`ms_max` integer NOT NULL,
	PRIMARY KEY(`event_id`, `minute`, `code`, `bucket`)
);
