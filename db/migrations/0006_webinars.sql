CREATE TABLE `webinars` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`title` text NOT NULL,
	`speaker` text NOT NULL,
	`description` text NOT NULL,
	`language` text NOT NULL,
	`audience` text NOT NULL,
	`starts_at` integer NOT NULL,
	`time_zone` text NOT NULL,
	`duration_minutes` integer NOT NULL,
	`join_url` text,
	`recording_url` text,
	`registrations` integer DEFAULT 0 NOT NULL,
	`attendance` integer,
	`recording_views` integer,
	CONSTRAINT "webinars_figures" CHECK("webinars"."registrations" >= 0 AND ("webinars"."attendance" IS NULL OR "webinars"."attendance" >= 0) AND ("webinars"."recording_views" IS NULL OR "webinars"."recording_views" >= 0))
);
--> statement-breakpoint
CREATE INDEX `webinars_public` ON `webinars` (`status`,`language`,`starts_at`);