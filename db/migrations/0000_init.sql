CREATE TABLE `identities` (
	`id` text PRIMARY KEY NOT NULL,
	`auth_hash` blob NOT NULL,
	`box_public_key` blob NOT NULL,
	`sign_public_key` blob NOT NULL,
	`pseudonym` text NOT NULL,
	`created_day` integer NOT NULL,
	`last_seen_day` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identities_auth_hash` ON `identities` (`auth_hash`);--> statement-breakpoint
CREATE TABLE `invites` (
	`code_hash` blob PRIMARY KEY NOT NULL,
	`roles` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`thread_id` text NOT NULL,
	`seq` integer NOT NULL,
	`sender_id` text NOT NULL,
	`nonce` blob NOT NULL,
	`ciphertext` blob NOT NULL,
	`signature` blob NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`thread_id`, `seq`),
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` blob PRIMARY KEY NOT NULL,
	`identity_id` text,
	`staff_id` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`identity_id`) REFERENCES `identities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "sessions_one_subject" CHECK(("sessions"."identity_id" IS NULL) <> ("sessions"."staff_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `sessions_identity` ON `sessions` (`identity_id`);--> statement-breakpoint
CREATE INDEX `sessions_staff` ON `sessions` (`staff_id`);--> statement-breakpoint
CREATE TABLE `staff` (
	`id` text PRIMARY KEY NOT NULL,
	`login` text NOT NULL,
	`display_name` text NOT NULL,
	`auth_hash` blob NOT NULL,
	`kdf_salt` blob NOT NULL,
	`kdf_params` text NOT NULL,
	`box_public_key` blob NOT NULL,
	`sign_public_key` blob NOT NULL,
	`wrapped_keys` blob NOT NULL,
	`roles` text NOT NULL,
	`languages` text NOT NULL,
	`directory_signature` blob,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_login` ON `staff` (`login`);--> statement-breakpoint
CREATE TABLE `thread_keys` (
	`thread_id` text NOT NULL,
	`principal_id` text NOT NULL,
	`sealed_key` blob NOT NULL,
	PRIMARY KEY(`thread_id`, `principal_id`),
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `thread_keys_principal` ON `thread_keys` (`principal_id`);--> statement-breakpoint
CREATE TABLE `threads` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`asker_id` text,
	`opener_staff_id` text,
	`topic` text NOT NULL,
	`language` text NOT NULL,
	`populations` text NOT NULL,
	`urgency` integer NOT NULL,
	`status` text NOT NULL,
	`assigned_staff_id` text,
	`last_seq` integer DEFAULT 0 NOT NULL,
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
CREATE INDEX `threads_assigned` ON `threads` (`assigned_staff_id`);