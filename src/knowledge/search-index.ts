import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/connection.js';
import type { Matcher } from './snippet.js';
import { editDistance, loosePrefix, stem, stemText, tokenize } from './text.js';

// Full-text search over published entries (DESIGN.md §6), in four passes that each run only
// when the ones before found too little:
//   1. exact      every query word's Snowball stem;
//   2. loose      any word by its stem; then, if still too few, also by a shorter stem prefix
//                 (anxious ~ anxiety), the last word as a prefix (it may still be being typed);
//   3. substring  each word looked up as a substring in a trigram index of the vocabulary
//                 (Kazakh suffixes: серіктес → серіктесіме; part-words), then searched by stem;
//   4. corrected  each word replaced by the closest word form in the vocabulary (one edit, two
//                 for long words), then pass 1 again.
// Documents are searched in one FTS5 index of stems. Each pass reads at most CANDIDATES
// matches, newest first, and ranks those by bm25 (title weighted above body): a query matching
// half the corpus costs the same as a rare one, and for any query with fewer matches the
// ranking is exact. Substrings and typos go through the vocabulary, which is small, because a
// trigram index over whole documents costs tens of milliseconds per query at 100,000 entries
// (BENCHMARKS.md).

export const CANDIDATES = 200;
const TITLE_WEIGHT = 5;
const MIN_WORD = 2;
const KAZAKH_LETTERS = /[әғқңөұүһі]/iu;

export interface IndexedText {
  num: number;
  title: string;
  /** Body, and the answer of a question. */
  body: string;
  language: string;
  tags: readonly string[];
}

/**
 * A filter value as one index token: hex, so that any slug is one word for both tokenizers,
 * and closed by 'z' (not a hex digit), so that no token is a substring of another.
 */
function metaToken(kind: 'l' | 't', value: string): string {
  return kind + Array.from(new TextEncoder().encode(value), (b) => b.toString(16).padStart(2, '0')).join('') + 'z';
}

/** Word forms of an entry kept in the vocabulary (short ones need no substring or typo lookup). */
function vocabularyWords(doc: IndexedText): Set<string> {
  return new Set(tokenize(`${doc.title} ${doc.body}`).map((t) => t.word).filter((w) => w.length >= 4));
}

function insertStems(db: Db, doc: IndexedText): void {
  const meta = [metaToken('l', doc.language), ...doc.tags.map((t) => metaToken('t', t))].join(' ');
  prepared(db, 'INSERT INTO kb_stems(rowid, title, body, meta) VALUES (?, ?, ?, ?)').run(doc.num, stemText(doc.title), stemText(doc.body), meta);
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

/** Bump when the indexed form changes (tokenizer, stemmer, vocabulary): the next start rebuilds. */
export const INDEX_VERSION = 1;

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

export interface SearchFilters {
  language?: string | undefined;
  tags?: readonly string[] | undefined;
}

export type SearchPass = 'exact' | 'loose' | 'substring' | 'corrected';

export interface SearchOutcome {
  /** Entry numbers, best first, at most `want` (or all candidates found when fewer). */
  nums: number[];
  /** How many matches were found (a lower bound once it reaches CANDIDATES). */
  total: number;
  /** The last pass that contributed. */
  pass: SearchPass | null;
  /** The query as corrected, when pass 4 ran and found something. */
  corrected: string | null;
  /** For snippets: what counts as a hit. */
  matcher: Matcher;
}

const quote = (term: string): string => `"${term}"`;

// Prepared once per connection and SQL text: preparing costs as much as a small search.
type Statement = BetterSqlite3.Statement<unknown[], unknown>;
const statements = new WeakMap<Db['$client'], Map<string, Statement>>();
function prepared(db: Db, sql: string): Statement {
  let cache = statements.get(db.$client);
  if (!cache) statements.set(db.$client, (cache = new Map()));
  let st = cache.get(sql);
  if (!st) cache.set(sql, (st = db.$client.prepare(sql)));
  return st;
}

interface Ranked {
  /** The best `want` matches, best first. */
  nums: number[];
  /** How many matched (at most CANDIDATES). */
  count: number;
}

function rankedMatches(db: Db, match: string, filters: SearchFilters, want: number): Ranked {
  // Filters are tokens of the meta column: FTS5 intersects their doclists with the query's, so
  // a narrow filter makes the search cheaper, not dearer.
  const meta = [...(filters.language ? [metaToken('l', filters.language)] : []), ...(filters.tags ?? []).map((t) => metaToken('t', t))]
    .map((token) => ` AND meta:${quote(token)}`).join('');
  // Inner: the newest CANDIDATES matches (FTS5 walks its doclists in rowid order and stops).
  // Outer: the best `want` of them by bm25 (lower is better; meta weighs nothing), and how many there were.
  const rows = prepared(db, `
    SELECT num, count(*) OVER () AS total FROM (
      SELECT rowid AS num, bm25(kb_stems, ${TITLE_WEIGHT}, 1, 0) AS score
      FROM kb_stems WHERE kb_stems MATCH ?
      ORDER BY rowid DESC LIMIT ${CANDIDATES}
    ) ORDER BY score, num DESC LIMIT ?`).all(`{title body}: (${match})${meta}`, want) as { num: number; total: number }[];
  return { nums: rows.map((r) => r.num), count: rows[0]?.total ?? 0 };
}

/** Vocabulary words containing `part` (3+ letters), those starting with it first, then the shortest. */
function wordsContaining(db: Db, part: string): string[] {
  const rows = prepared(db, `
    SELECT t.term FROM kb_terms_trigrams f JOIN kb_terms t ON t.id = f.rowid
    WHERE kb_terms_trigrams MATCH ? LIMIT 200`).all(quote(part)) as { term: string }[];
  return rows.map((r) => r.term)
    .sort((a, b) => Number(b.startsWith(part)) - Number(a.startsWith(part)) || a.length - b.length)
    .slice(0, 20);
}

/** The indexed word form closest to `word` (at most one edit, two for long words), or null. */
function closestTerm(db: Db, word: string): string | null {
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= word.length; i++) grams.add(word.slice(i, i + 3));
  if (grams.size === 0) return null;
  // Words sharing the most trigrams with it rank first (bm25 over an OR of its trigrams).
  const candidates = prepared(db, `
    SELECT t.term FROM kb_terms_trigrams f JOIN kb_terms t ON t.id = f.rowid
    WHERE kb_terms_trigrams MATCH ? ORDER BY rank LIMIT 50`).all([...grams].map(quote).join(' OR ')) as { term: string }[];
  const cap = word.length >= 8 ? 2 : 1;
  let best: { term: string; d: number } | null = null;
  for (const { term } of candidates) {
    const d = editDistance(word, term, cap);
    if (d <= cap && d > 0 && (!best || d < best.d)) best = { term, d };
  }
  return best?.term ?? null;
}

/**
 * Searches published entries. `want` is how many results the caller will show (page × size):
 * looser passes run only while fewer than that were found.
 */
export function searchEntries(db: Db, q: string, filters: SearchFilters, want: number): SearchOutcome {
  const words = tokenize(q).map((t) => t.word).filter((w) => w.length >= MIN_WORD);
  const stems = words.map(stem);
  const matcher: { stems: Set<string>; prefixes: string[]; substrings: string[] } = { stems: new Set(stems), prefixes: [], substrings: [] };
  const outcome: SearchOutcome = { nums: [], total: 0, pass: null, corrected: null, matcher };
  if (words.length === 0) return outcome;

  const seen = new Set<number>();
  let total = 0;
  const add = (ranked: Ranked, pass: SearchPass): void => {
    const before = seen.size;
    for (const n of ranked.nums) seen.add(n);
    if (seen.size > before) outcome.pass = pass;
    // Passes overlap; the largest is a lower bound of their union.
    total = Math.max(total, ranked.count, seen.size);
  };

  // Exact stems only: a prefix query merges many terms' doclists and costs several times more.
  const exactQuery = (ws: readonly string[]): string => ws.map((w) => quote(stem(w))).join(' AND ');
  add(rankedMatches(db, exactQuery(words), filters, want), 'exact');

  if (seen.size < want && stems.length > 1) {
    // Any word, by its stem: cheap, and for several words usually enough.
    add(rankedMatches(db, stems.map(quote).join(' OR '), filters, want), 'loose');
  }
  if (seen.size < want) {
    // Loose: any word, by its stem, a shorter stem prefix, or (the last word, perhaps still
    // being typed) as a prefix. Prefixes merge many terms' doclists: the dearest stem query.
    const loose = stems.map((s, i) => {
      const p = loosePrefix(s) ?? (i === stems.length - 1 && s.length >= 3 ? s : null);
      if (p) matcher.prefixes.push(p);
      return p ? `(${quote(s)} OR ${quote(p)}*)` : quote(s);
    });
    add(rankedMatches(db, loose.join(' OR '), filters, want), 'loose');
  }

  // Substrings when nothing was found yet, or for Kazakh, whose suffixes no stemmer here removes:
  // the looser passes already found near matches, and this pass costs the most.
  const long = words.filter((w) => w.length >= 3);
  if (seen.size < want && long.length > 0 && (seen.size === 0 || KAZAKH_LETTERS.test(q))) {
    matcher.substrings.push(...long);
    // Each word: any vocabulary word containing it, by stem. All words if possible, else any.
    const groups = long.map((w) => [...new Set(wordsContaining(db, w).map(stem))]).filter((g) => g.length > 0);
    const clauses = groups.map((g) => `(${g.map(quote).join(' OR ')})`);
    if (clauses.length > 0) {
      const all = rankedMatches(db, clauses.join(' AND '), filters, want);
      add(all.nums.length > 0 || clauses.length === 1 ? all : rankedMatches(db, clauses.join(' OR '), filters, want), 'substring');
    }
  }

  if (seen.size === 0) {
    const corrected = words.map((w) => (w.length >= 4 ? closestTerm(db, w) ?? w : w));
    if (corrected.some((w, i) => w !== words[i])) {
      const ranked = rankedMatches(db, exactQuery(corrected), filters, want);
      if (ranked.nums.length > 0) {
        for (const w of corrected) matcher.stems.add(stem(w));
        add(ranked, 'corrected');
        outcome.corrected = corrected.join(' ');
      }
    }
  }

  outcome.nums = [...seen].slice(0, want);
  outcome.total = total;
  return outcome;
}
