ALTER TABLE `kb_entries` ADD `asker_ref` blob;--> statement-breakpoint
CREATE INDEX `kb_entries_asker_ref` ON `kb_entries` (`asker_ref`);--> statement-breakpoint
-- The vocabulary counts the published entries that use each word form, so that a word leaves
-- it (and its trigrams) when the last entry using it is retired, hidden or edited: removed text
-- must not linger in the search indexes (DESIGN.md §2.5). Existing vocabularies are rebuilt
-- from the published entries at the next start (kb_index_state.version below).
ALTER TABLE `kb_terms` ADD `docs` integer NOT NULL DEFAULT 0;
--> statement-breakpoint
-- One row: the search index's format version (a mismatch rebuilds the indexes from the
-- published entries at start) and how many documents were removed since the indexes were last
-- compacted (FTS5 keeps a removed document's terms in its segments until they are merged).
CREATE TABLE `kb_index_state` (`id` integer PRIMARY KEY CHECK (`id` = 1), `version` integer NOT NULL, `pending_deletes` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `kb_index_state` (`id`, `version`, `pending_deletes`) VALUES (1, 0, 0);
