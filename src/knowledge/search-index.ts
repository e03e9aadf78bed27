import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/connection.js';
import type { Language } from '../protocol/api/common.js';
import { stemText, tokenize } from './text.js';

// The search indexes over published entries (DESIGN.md §6), kept by the knowledge service:
//   kb_stems           an FTS5 index of every word's stem, in the stemmer of the entry's language
//                      and marked with it, with the tags as tokens of a `meta` column (filters);
//   kb_terms           the vocabulary: every word form of 4+ letters, with how many entries use it;
//   kb_terms_trigrams  a trigram index over the vocabulary, for part-words and typos.
// Searching them is search-query.ts. Substrings and typos go through the vocabulary, which is
// small, because a trigram index over whole documents costs tens of milliseconds per query at
// 100,000 entries (BENCHMARKS.md).

// Prepared once per connection and SQL text: preparing costs as much as a small search.
type Statement = BetterSqlite3.Statement<unknown[], unknown>;
const statements = new WeakMap<Db['$client'], Map<string, Statement>>();
export function prepared(db: Db, sql: string): Statement {
  let cache = statements.get(db.$client);
  if (!cache) statements.set(db.$client, (cache = new Map()));
  let st = cache.get(sql);
  if (!st) cache.set(sql, (st = db.$client.prepare(sql)));
  return st;
}

export interface IndexedText {
  num: number;
  title: string;
  /** Body, and the answer of a question. */
  body: string;
  language: Language;
  tags: readonly string[];
}

/**
 * A filter value as one index token: hex, so that any slug is one word for both tokenizers,
 * and closed by 'z' (not a hex digit), so that no token is a substring of another.
 */
export function metaToken(kind: 't', value: string): string {
  return kind + Array.from(new TextEncoder().encode(value), (b) => b.toString(16).padStart(2, '0')).join('') + 'z';
}

/** Word forms of an entry kept in the vocabulary (short ones need no substring or typo lookup). */
function vocabularyWords(doc: IndexedText): Set<string> {
  return new Set(tokenize(`${doc.title} ${doc.body}`).map((t) => t.word).filter((w) => w.length >= 4));
}

// Every indexed stem carries its entry's language as a first letter ("rсон", "kуйк", "esleep"):
// a language filter is then the terms themselves, not a token shared by half the entries, whose
// doclist bm25 would read in full on every search; and one language's stems never match
// another's. A stem is letters and digits, so the mark cannot be confused with part of one.
const LANGUAGE_MARK: Readonly<Record<Language, string>> = { ru: 'r', kk: 'k', en: 'e' };

/** A stem as the index holds it for entries in `language`. */
export function indexTerm(stem: string, language: Language): string {
  return LANGUAGE_MARK[language] + stem;
}

function indexedStems(text: string, language: Language): string {
  return stemText(text, language).split(' ').filter(Boolean).map((s) => indexTerm(s, language)).join(' ');
}

function insertStems(db: Db, doc: IndexedText): void {
  const meta = doc.tags.map((t) => metaToken('t', t)).join(' ');
  prepared(db, 'INSERT INTO kb_stems(rowid, title, body, meta) VALUES (?, ?, ?, ?)').run(doc.num, indexedStems(doc.title, doc.language), indexedStems(doc.body, doc.language), meta);
}

/** Adds a published entry to the indexes. An earlier version must have been removed first (unindexEntry). */
export function indexEntry(db: Db, doc: IndexedText): void {
  insertStems(db, doc);
  const addTerm = prepared(db, 'INSERT INTO kb_terms(term, docs) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET docs = docs + 1 RETURNING id, docs');
  const addTrigrams = prepared(db, 'INSERT INTO kb_terms_trigrams(rowid, term) VALUES (?, ?)');
  for (const word of vocabularyWords(doc)) {
    const t = addTerm.get(word) as { id: number; docs: number };
    if (t.docs === 1) addTrigrams.run(t.id, word);
  }
}

/**
 * Removes an indexed entry, given the text it was indexed with: its row of stems, and the word
 * forms no other published entry uses, so that retired or redacted text leaves the vocabulary.
 */
export function unindexEntry(db: Db, doc: IndexedText): void {
  prepared(db, 'DELETE FROM kb_stems WHERE rowid = ?').run(doc.num);
  const dropUse = prepared(db, 'UPDATE kb_terms SET docs = docs - 1 WHERE term = ? RETURNING id, docs');
  const dropTerm = prepared(db, 'DELETE FROM kb_terms WHERE id = ?');
  const dropTrigrams = prepared(db, 'DELETE FROM kb_terms_trigrams WHERE rowid = ?');
  for (const word of vocabularyWords(doc)) {
    const t = dropUse.get(word) as { id: number; docs: number } | undefined;
    if (t && t.docs <= 0) {
      dropTerm.run(t.id);
      dropTrigrams.run(t.id);
    }
  }
  prepared(db, 'UPDATE kb_index_state SET pending_deletes = pending_deletes + 1').run();
}

/**
 * Re-files an indexed entry whose text is unchanged (its tags or language changed): only its row
 * of stems is replaced; the vocabulary, which holds text only, stays as it is.
 */
export function retagEntry(db: Db, doc: IndexedText): void {
  prepared(db, 'DELETE FROM kb_stems WHERE rowid = ?').run(doc.num);
  insertStems(db, doc);
}

/**
 * Bump when the indexed form changes (tokenizer, stemmer, vocabulary): the next start rebuilds.
 * 2: Kazakh entries stemmed by kazakh-stem.ts, no longer by the Russian stemmer; stems marked
 * with their language, which is no longer a meta token.
 */
export const INDEX_VERSION = 2;

/** Rebuilds every index from `docs` when they were built by another version; true if it did. */
export function rebuildIndexIfStale(db: Db, docs: () => Iterable<IndexedText>): boolean {
  const state = prepared(db, 'SELECT version FROM kb_index_state').get() as { version: number };
  if (state.version === INDEX_VERSION) return false;
  db.$client.transaction(() => {
    db.$client.exec(`
      INSERT INTO kb_stems(kb_stems) VALUES ('delete-all');
      INSERT INTO kb_terms_trigrams(kb_terms_trigrams) VALUES ('delete-all');
      DELETE FROM kb_terms;`);
    for (const doc of docs()) indexEntry(db, doc);
    prepared(db, 'UPDATE kb_index_state SET version = ?, pending_deletes = 1').run(INDEX_VERSION);
  })();
  return true;
}

/**
 * FTS5 marks a removed document as deleted but keeps its terms in the index segments until they
 * are merged; 'optimize' merges them, so the removed text's stems and trigrams leave the file
 * (with secure_delete, the freed pages are zeroed). Costs a full merge: run by the purge job,
 * and only after removals. Returns whether it ran.
 */
export function compactSearchIndex(db: Db): boolean {
  const state = prepared(db, 'SELECT pending_deletes AS n FROM kb_index_state').get() as { n: number };
  if (state.n === 0) return false;
  db.$client.exec(`
    INSERT INTO kb_stems(kb_stems) VALUES ('optimize');
    INSERT INTO kb_terms_trigrams(kb_terms_trigrams) VALUES ('optimize');
    UPDATE kb_index_state SET pending_deletes = 0;`);
  return true;
}
