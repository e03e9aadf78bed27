import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { kbSynonymGroups } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { preparedFor } from '../db/prepared.js';
import { AppError } from '../errors.js';
import type { Language } from '../protocol/api/common.js';
import { synonymTermsSchema, type SynonymGroup, type SynonymTerms } from '../protocol/api/knowledge.js';
import DEFAULT_SYNONYM_DATA from './default-synonyms.json' with { type: 'json' };
import { compileSynonyms, type SynonymDictionary } from './synonym-dictionary.js';

// Search synonyms: groups of words and phrases, in ru, kk and en, that people use for one thing
// ("бессонница", "не спится", "ұйқысыздық", "can't sleep"). Moderators keep them; a fresh
// install starts from a curated set for this service's topics (default-synonyms.json). Search
// reads them compiled (synonym-dictionary.ts), from a cache that every change here empties, so an
// edit takes effect with the next search, without a restart.

type GroupRow = typeof kbSynonymGroups.$inferSelect;

const toGroup = (r: GroupRow): SynonymGroup => ({ id: r.id, terms: { ru: r.termsRu, kk: r.termsKk, en: r.termsEn } });
const toRow = (t: SynonymTerms) => ({ termsRu: t.ru, termsKk: t.kk, termsEn: t.en });

const allGroups = preparedFor((db) => db.select().from(kbSynonymGroups).orderBy(asc(kbSynonymGroups.id)).prepare());

/** Every group, oldest first; with `language`, only those with terms in it. */
export function listSynonymGroups(db: Db, language?: Language): SynonymGroup[] {
  const groups = allGroups(db).all().map(toGroup);
  return language ? groups.filter((g) => g.terms[language].length > 0) : groups;
}

export function createSynonymGroup(db: Db, terms: SynonymTerms): SynonymGroup {
  const row = db.insert(kbSynonymGroups).values(toRow(terms)).returning().get();
  dictionaryCache.delete(db);
  return toGroup(row);
}

export function updateSynonymGroup(db: Db, id: number, terms: SynonymTerms): SynonymGroup {
  const row = db.update(kbSynonymGroups).set(toRow(terms)).where(eq(kbSynonymGroups.id, id)).returning().get();
  if (!row) throw new AppError('synonym_group_not_found');
  dictionaryCache.delete(db);
  return toGroup(row);
}

export function deleteSynonymGroup(db: Db, id: number): void {
  const r = db.delete(kbSynonymGroups).where(eq(kbSynonymGroups.id, id)).run();
  if (r.changes === 0) throw new AppError('synonym_group_not_found');
  dictionaryCache.delete(db);
}

const defaultSynonyms = z.object({ groups: z.array(synonymTermsSchema).min(1) });

/** The curated groups a fresh install starts with (validated like a moderator's). */
export function defaultSynonymGroups(): SynonymTerms[] {
  return defaultSynonyms.parse(DEFAULT_SYNONYM_DATA).groups;
}

/**
 * Loads the curated groups once, into a table that has never held a row. SQLite keeps an
 * AUTOINCREMENT table's highest id in sqlite_sequence even after every row is deleted, so groups
 * moderators removed (all of them, even) do not come back at the next start.
 */
export function ensureDefaultSynonyms(db: Db): { added: number } {
  return db.transaction(() => {
    const seeded = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM sqlite_sequence WHERE name = 'kb_synonym_groups'`);
    if ((seeded?.n ?? 0) > 0) return { added: 0 };
    const groups = defaultSynonymGroups();
    db.insert(kbSynonymGroups).values(groups.map(toRow)).run();
    dictionaryCache.delete(db);
    return { added: groups.length };
  });
}

// Compiled once and kept until this module changes a group, or another connection (the admin
// CLI, a second process) commits anything: SQLite's data_version moves then, not for this
// connection's own writes, which is why those empty the cache themselves.
const dictionaryCache = new WeakMap<Db, { dataVersion: number; dictionary: SynonymDictionary }>();
const dataVersion = preparedFor((db) => db.$client.prepare('PRAGMA data_version').pluck());

/** The synonym groups compiled for search, as they stand now. */
export function synonymDictionary(db: Db): SynonymDictionary {
  const version = dataVersion(db).get() as number;
  const cached = dictionaryCache.get(db);
  if (cached && cached.dataVersion === version) return cached.dictionary;
  const dictionary = compileSynonyms(listSynonymGroups(db));
  dictionaryCache.set(db, { dataVersion: version, dictionary });
  return dictionary;
}
