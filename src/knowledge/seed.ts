import { count, eq } from 'drizzle-orm';
import { kbEntries, moderationLog } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { storedTime } from '../db/time-granularity.js';
import { newId } from '../protocol/ids.js';
import { DEMO_ENTRIES } from './demo-content.js';
import { indexEntry } from './search-index.js';
import { indexedText } from './service.js';
import { ensureDefaultTags, setEntryTags } from './tags.js';

// Sample content (DESIGN.md §6, issue 3): published entries marked as samples, so a fresh
// install shows what the service is for. Idempotent: entries already present (by key) are skipped.

export function seedDemoContent(db: Db, now: number): { added: number } {
  return db.transaction(() => {
    ensureDefaultTags(db);
    let added = 0;
    for (const e of DEMO_ENTRIES) {
      if (db.select({ num: kbEntries.num }).from(kbEntries).where(eq(kbEntries.sampleKey, e.key)).get()) continue;
      const row = db.insert(kbEntries).values({
        id: newId('entry'), kind: e.kind, status: 'published', language: e.language, title: e.title, body: e.body,
        answer: e.answer ?? null, sampleKey: e.key, suggestedTags: [], piiAcknowledged: [],
        createdAt: storedTime('kb_entries.created_at', now), updatedAt: storedTime('kb_entries.updated_at', now),
        publishedAt: storedTime('kb_entries.published_at', now),
      }).returning().get();
      setEntryTags(db, row.num, e.tags);
      indexEntry(db, indexedText(row, e.tags));
      db.insert(moderationLog).values({ entryId: row.id, actorKind: 'system', action: 'seed_sample', toStatus: 'published', at: storedTime('moderation_log.at', now) }).run();
      added++;
    }
    return { added };
  });
}

/** True when the knowledge base has no entries at all (a fresh install). */
export function knowledgeBaseIsEmpty(db: Db): boolean {
  return (db.select({ n: count() }).from(kbEntries).get()?.n ?? 0) === 0;
}
