CREATE TABLE `impact_counts` (
	`day` integer NOT NULL,
	`metric` text NOT NULL,
	`language` text NOT NULL,
	`topic` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`day`, `metric`, `language`, `topic`),
	CONSTRAINT "impact_counts_positive" CHECK("impact_counts"."count" > 0)
);
--> statement-breakpoint
CREATE TABLE `impact_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`public_page` integer DEFAULT false NOT NULL,
	CONSTRAINT "impact_settings_one_row" CHECK("impact_settings"."id" = 1)
);
