CREATE TABLE `kb_entries` (
	`num` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`language` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`answer` text,
	`asker_id` text,
	`author_staff_id` text,
	`reviewer_staff_id` text,
	`reason_code` text,
	`duplicate_of` text,
	`suggested_tags` text NOT NULL,
	`pii_acknowledged` text NOT NULL,
	`hidden` integer DEFAULT false NOT NULL,
	`sample_key` text,
	`helpful_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`published_at` integer,
	FOREIGN KEY (`asker_id`) REFERENCES `identities`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_entries_id` ON `kb_entries` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `kb_entries_sample_key` ON `kb_entries` (`sample_key`);--> statement-breakpoint
CREATE INDEX `kb_entries_queue` ON `kb_entries` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `kb_entries_public` ON `kb_entries` (`status`,`language`,`published_at`);--> statement-breakpoint
CREATE INDEX `kb_entries_asker` ON `kb_entries` (`asker_id`);--> statement-breakpoint
CREATE TABLE `kb_entry_tags` (
	`entry_num` integer NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`entry_num`, `tag`),
	FOREIGN KEY (`entry_num`) REFERENCES `kb_entries`(`num`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag`) REFERENCES `kb_tags`(`slug`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `kb_entry_tags_tag` ON `kb_entry_tags` (`tag`,`entry_num`);--> statement-breakpoint
CREATE TABLE `kb_flags` (
	`entry_num` integer NOT NULL,
	`flagger_hash` blob NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`entry_num`, `flagger_hash`),
	FOREIGN KEY (`entry_num`) REFERENCES `kb_entries`(`num`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `kb_revisions` (
	`entry_num` integer PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`answer` text,
	`author_staff_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`entry_num`) REFERENCES `kb_entries`(`num`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `kb_tags` (
	`slug` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`label_ru` text NOT NULL,
	`label_kk` text NOT NULL,
	`label_en` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `kb_votes` (
	`entry_num` integer NOT NULL,
	`voter_hash` blob NOT NULL,
	PRIMARY KEY(`entry_num`, `voter_hash`),
	FOREIGN KEY (`entry_num`) REFERENCES `kb_entries`(`num`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `moderation_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_id` text NOT NULL,
	`actor_staff_id` text,
	`actor_kind` text NOT NULL,
	`action` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`reason_code` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `moderation_log_entry` ON `moderation_log` (`entry_id`,`id`);--> statement-breakpoint
CREATE TABLE `pii_words` (
	`word` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL
);
