CREATE TABLE `directory_manifests` (
	`version` integer PRIMARY KEY NOT NULL,
	`manifest` blob NOT NULL,
	`signature` blob NOT NULL,
	`signer` blob NOT NULL,
	`endorsement` blob,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `staff_audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject` text,
	`detail` text
);
--> statement-breakpoint
ALTER TABLE `staff` ADD `disabled_at` integer;--> statement-breakpoint
CREATE TRIGGER `staff_audit_log_no_update` BEFORE UPDATE ON `staff_audit_log` BEGIN SELECT RAISE(ABORT, 'staff_audit_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `staff_audit_log_no_delete` BEFORE DELETE ON `staff_audit_log` BEGIN SELECT RAISE(ABORT, 'staff_audit_log is append-only'); END;
