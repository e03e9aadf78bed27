CREATE TABLE `crisis_contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`language` text NOT NULL,
	`region` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`short` text NOT NULL,
	`phone` text,
	`link` text,
	`hours` text NOT NULL,
	`audiences` text NOT NULL,
	`compact` integer NOT NULL,
	`verified_at` integer,
	CONSTRAINT "crisis_contacts_reachable" CHECK("crisis_contacts"."phone" IS NOT NULL OR "crisis_contacts"."link" IS NOT NULL)
);
--> statement-breakpoint
CREATE INDEX `crisis_contacts_order` ON `crisis_contacts` (`language`,`position`);