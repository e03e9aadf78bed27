import type { Db } from '../db/connection.js';
import type { Matcher } from './snippet.js';
import { editDistance, loosePrefix, stem, stemText, tokenize, trigramText } from './text.js';

// Full-text search over published entries (DESIGN.md §6), in four passes that each run only
// when the ones before found too little:
//   1. exact   every query word's Snowball stem (the last one also as a prefix, for typing);
//   2. loose   any word, by stem or by a shorter stem prefix (anxious ~ anxiety);
//   3. substring  the words as substrings, on the trigram index (Kazakh suffixes, part-words);
//   4. corrected  each word replaced by the closest indexed word form (one or two typos),
//                 found through a trigram index over the vocabulary, then pass 1 again.
// Every pass reads at most CANDIDATES matches, newest first, and ranks those by bm25 (title
// weighted above body): a query matching half the corpus costs the same as a rare one, and for
// any query with fewer matches than that the ranking is exact.

export const CANDIDATES = 1000;
const TITLE_WEIGHT = 5;
const MIN_WORD = 2;

export interface IndexedText {
  num: number;
  title: string;
  /** Body, and the answer of a question. */
  body: string;
}

/** Puts (or replaces) a published entry in the indexes. */
export function indexEntry(db: Db, doc: IndexedText): void {
  const sqlite = db.$client;
  unindexEntry(db, doc.num);
  sqlite.prepare('INSERT INTO kb_stems(rowid, title, body) VALUES (?, ?, ?)').run(doc.num, stemText(doc.title), stemText(doc.body));
  sqlite.prepare('INSERT INTO kb_trigrams(rowid, title, body) VALUES (?, ?, ?)').run(doc.num, trigramText(doc.title), trigramText(doc.body));
  const addTerm = sqlite.prepare('INSERT OR IGNORE INTO kb_terms(term) VALUES (?)');
  const addTrigrams = sqlite.prepare('INSERT INTO kb_terms_trigrams(rowid, term) VALUES (?, ?)');
  for (const word of new Set(tokenize(`${doc.title} ${doc.body}`).map((t) => t.word))) {
    if (word.length < 4) continue;
    const r = addTerm.run(word);
    if (r.changes > 0) addTrigrams.run(r.lastInsertRowid, word);
  }
}

export function unindexEntry(db: Db, num: number): void {
  db.$client.prepare('DELETE FROM kb_stems WHERE rowid = ?').run(num);
  db.$client.prepare('DELETE FROM kb_trigrams WHERE rowid = ?').run(num);
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

function rankedMatches(db: Db, table: 'kb_stems' | 'kb_trigrams', match: string, filters: SearchFilters): number[] {
  const where: string[] = [`${table} MATCH ?`];
  const params: (string | number)[] = [match];
  if (filters.language) {
    where.push('e.language = ?');
    params.push(filters.language);
  }
  for (const tag of filters.tags ?? []) {
    where.push('EXISTS (SELECT 1 FROM kb_entry_tags t WHERE t.entry_num = f.rowid AND t.tag = ?)');
    params.push(tag);
  }
  // Inner: the newest CANDIDATES matches (FTS5 walks its doclists in rowid order and stops).
  // Outer: bm25 order among them. bm25 is lower-is-better.
  const rows = db.$client.prepare(`
    SELECT num FROM (
      SELECT f.rowid AS num, bm25(${table}, ${TITLE_WEIGHT}, 1) AS score
      FROM ${table} f JOIN kb_entries e ON e.num = f.rowid
      WHERE ${where.join(' AND ')}
      ORDER BY f.rowid DESC LIMIT ${CANDIDATES}
    ) ORDER BY score, num DESC`).all(...params) as { num: number }[];
  return rows.map((r) => r.num);
}

/** The indexed word form closest to `word` (at most one edit, two for long words), or null. */
function closestTerm(db: Db, word: string): string | null {
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= word.length; i++) grams.add(word.slice(i, i + 3));
  if (grams.size === 0) return null;
  const candidates = db.$client.prepare(`
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
  const add = (nums: number[], pass: SearchPass): void => {
    const before = seen.size;
    for (const n of nums) seen.add(n);
    if (seen.size > before) outcome.pass = pass;
  };

  const exactQuery = (ws: string[]): string => ws.map((w, i) => {
    const s = stem(w);
    // The last word may still be being typed: match it as a prefix too (3+ letters, or it matches too much).
    return i === ws.length - 1 && s.length >= 3 ? `${quote(s)}*` : quote(s);
  }).join(' AND ');
  add(rankedMatches(db, 'kb_stems', exactQuery(words), filters), 'exact');
  const lastStem = stems[stems.length - 1]!;
  if (lastStem.length >= 3) matcher.prefixes.push(lastStem);

  if (seen.size < want) {
    const loose = stems.map((s) => {
      const p = loosePrefix(s);
      if (p) matcher.prefixes.push(p);
      return p ? `(${quote(s)} OR ${quote(p)}*)` : quote(s);
    });
    add(rankedMatches(db, 'kb_stems', loose.join(' OR '), filters), 'loose');
  }

  const long = words.filter((w) => w.length >= 3);
  if (seen.size < want && long.length > 0) {
    matcher.substrings.push(...long);
    const all = rankedMatches(db, 'kb_trigrams', long.map(quote).join(' AND '), filters);
    add(all.length > 0 || long.length === 1 ? all : rankedMatches(db, 'kb_trigrams', long.map(quote).join(' OR '), filters), 'substring');
  }

  if (seen.size === 0) {
    const corrected = words.map((w) => (w.length >= 4 ? closestTerm(db, w) ?? w : w));
    if (corrected.some((w, i) => w !== words[i])) {
      const nums = rankedMatches(db, 'kb_stems', exactQuery(corrected), filters);
      if (nums.length > 0) {
        for (const w of corrected) matcher.stems.add(stem(w));
        add(nums, 'corrected');
        outcome.corrected = corrected.join(' ');
      }
    }
  }

  outcome.nums = [...seen];
  outcome.total = seen.size;
  return outcome;
}
