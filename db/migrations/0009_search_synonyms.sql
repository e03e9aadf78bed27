-- Search synonyms kept by moderators (src/knowledge/synonyms.ts); the curated set is loaded at the
-- first start after this migration, once (see db/schema.ts).
CREATE TABLE `kb_synonym_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`terms_ru` text NOT NULL,
	`terms_kk` text NOT NULL,
	`terms_en` text NOT NULL
);
