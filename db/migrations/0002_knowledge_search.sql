-- Search indexes (DESIGN.md §6), written by src/knowledge/search-index.ts; only published,
-- unhidden entries are in them, so a search can never surface unpublished text.
-- Contentless: the text lives once, in kb_entries; the indexes hold stems and trigrams only.
-- kb_stems holds Snowball stems (Russian, English), ё folded to е, computed in TypeScript.
-- `meta` holds one token per language and tag, so that filters are intersections inside FTS5
-- rather than a lookup per match (see search-index.ts).
CREATE VIRTUAL TABLE `kb_stems` USING fts5(title, body, meta, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
--> statement-breakpoint
-- Every word form ever indexed, with a trigram index over it (rowid = kb_terms.id): substrings
-- (Kazakh suffixes, part-words) and typos are looked up in this small vocabulary, then searched
-- by stem. Append-only: a stale term only makes a lookup find nothing.
CREATE TABLE `kb_terms` (`id` integer PRIMARY KEY, `term` text NOT NULL UNIQUE);
--> statement-breakpoint
CREATE VIRTUAL TABLE `kb_terms_trigrams` USING fts5(term, content='', contentless_delete=1, tokenize='trigram');
--> statement-breakpoint
-- The moderation log is append-only: history cannot be rewritten, even by the service itself.
CREATE TRIGGER `moderation_log_no_update` BEFORE UPDATE ON `moderation_log` BEGIN SELECT RAISE(ABORT, 'moderation_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `moderation_log_no_delete` BEFORE DELETE ON `moderation_log` BEGIN SELECT RAISE(ABORT, 'moderation_log is append-only'); END;
--> statement-breakpoint
-- Erasing (or purging) an identity takes its unpublished questions with it (DESIGN.md §2.4);
-- published ones stay as public content, unlinked by the foreign key's SET NULL.
CREATE TRIGGER `identities_erase_questions` BEFORE DELETE ON `identities` BEGIN DELETE FROM `kb_entries` WHERE `asker_id` = OLD.`id` AND `status` NOT IN ('published', 'retired'); END;
--> statement-breakpoint
-- Whatever removes an entry row removes it from the indexes too.
CREATE TRIGGER `kb_entries_unindex` AFTER DELETE ON `kb_entries` BEGIN DELETE FROM `kb_stems` WHERE rowid = OLD.`num`; END;
