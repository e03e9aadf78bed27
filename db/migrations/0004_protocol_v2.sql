-- Protocol v2 (issue 10): a thread starts from its opener's signed genesis, and the transcript
-- holds claims and hand-overs beside messages, chained by hash. A v1 thread has no genesis to give
-- it and no deployment holds any, so v1 threads are dropped, not converted. (The migrator runs in
-- one transaction with foreign keys on, where PRAGMA foreign_keys is a no-op: the rows are
-- deleted children first, and the tables recreated as drizzle-kit's snapshot describes them.)
DELETE FROM `thread_keys`;--> statement-breakpoint
DELETE FROM `messages`;--> statement-breakpoint
DELETE FROM `threads`;--> statement-breakpoint
DROP TABLE `messages`;--> statement-breakpoint
DROP TABLE `threads`;--> statement-breakpoint
CREATE TABLE `threads` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`asker_id` text,
	`opener_staff_id` text,
	`topic` text NOT NULL,
	`language` text NOT NULL,
	`urgency` integer NOT NULL,
	`status` text NOT NULL,
	`assigned_staff_id` text,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`genesis` blob NOT NULL,
	`genesis_signature` blob NOT NULL,
	`head_hash` blob NOT NULL,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`asker_id`) REFERENCES `identities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`opener_staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assigned_staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "threads_one_opener" CHECK(("threads"."asker_id" IS NULL) <> ("threads"."opener_staff_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `threads_queue` ON `threads` (`status`,`language`,`urgency`,`created_at`);--> statement-breakpoint
CREATE INDEX `threads_asker` ON `threads` (`asker_id`);--> statement-breakpoint
CREATE INDEX `threads_assigned` ON `threads` (`assigned_staff_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`thread_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`sender_id` text NOT NULL,
	`prev_hash` blob NOT NULL,
	`nonce` blob,
	`ciphertext` blob,
	`signature` blob NOT NULL,
	`to_staff_id` text,
	`to_fingerprint` blob,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`thread_id`, `seq`),
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "messages_item_fields" CHECK(("messages"."type" = 'message') = ("messages"."nonce" IS NOT NULL AND "messages"."ciphertext" IS NOT NULL) AND ("messages"."type" = 'handover') = ("messages"."to_staff_id" IS NOT NULL AND "messages"."to_fingerprint" IS NOT NULL))
);
