import type { Db } from '../db/connection.js';
import type { Language } from '../protocol/api/common.js';
import { metaToken, prepared } from './search-index.js';
import type { Matcher } from './snippet.js';
import { isStopWord } from './stop-words.js';
import {
  EMPTY_DICTIONARY, matchSynonyms, misspeltSynonyms, searchWords, typoBudget, TYPO_MIN_LENGTH, type CompiledTerm, type GroupHit, type SynonymDictionary,
} from './synonym-dictionary.js';
import { editDistance, loosePrefix, stem } from './text.js';

// A query as people type it ("не могу спать", "ұйқым келмейді", "homesick", "бесонница"),
// searched over the stem index (search-index.ts). First the query becomes slots, one for each
// thing the person asks about:
//   - a synonym term it contains ("не могу спать") is one slot, which also matches every other
//     term of that group in the entries' language ("бессонница", "сон", "не спится");
//   - stop words ("не", "могу", "how", "алмаймын") are dropped, unless nothing else is left;
//   - every other word is a slot of its own; a word of 5+ letters that no entry contains is
//     looked up as a typo (within one edit, two for long words) in the vocabulary and the synonyms.
// Then passes, each run only when the ones before found fewer than the page needs:
//   1. exact      entries matching every slot;
//   2. loose      entries matching any slot; then also a shorter stem prefix (anxious ~ anxiety)
//                 and the last word as a prefix (it may still be being typed);
//   3. substring  each word looked up as a substring in the vocabulary's trigram index (part-
//                 words, Kazakh forms no stemmer conflates), then searched by stem.
// Each pass reads at most CANDIDATES matches, newest first, and ranks those by bm25 (title
// weighted above body): a query matching half the corpus costs the same as a rare one, and for
// any query with fewer matches the ranking is exact.
//
// Kazakh: people in Kazakhstan mix Kazakh and Russian, and there are fewer Kazakh entries. When
// fewer than KAZAKH_FEW Kazakh entries match a Kazakh query fully, Russian entries found by its
// Russian words and synonyms follow, as a second tier.

export const CANDIDATES = 200;
// Title over body in bm25: 10 ranked the labelled queries (test/knowledge) best of 5, 10 and 20, by a little.
const TITLE_WEIGHT = 10;
/** Alternatives per slot at most (the query's own words first): each one is a doclist FTS5 reads. */
const MAX_ALTERNATIVES = 16;
const KAZAKH_LETTERS = /[әғқңөұүһі]/iu;
export const KAZAKH_FEW = 5;

export interface SearchFilters {
  language?: Language | undefined;
  tags?: readonly string[] | undefined;
}

export type SearchPass = 'exact' | 'loose' | 'substring' | 'corrected';

export interface SearchOutcome {
  /** Entry numbers, best first, at most `want` (or all candidates found when fewer). */
  nums: number[];
  /** How many matches were found (a lower bound once it reaches CANDIDATES). */
  total: number;
  /** The last pass that contributed; 'corrected' when a typo was corrected. */
  pass: SearchPass | null;
  /** The query as corrected, when a word was read as a typo of another and something was found. */
  corrected: string | null;
  /** For snippets: what counts as a hit. */
  matcher: Matcher;
}

/** One thing the query asks about. */
interface Slot {
  /** The query's words it stands for, normalised. */
  words: readonly string[];
  /** Synonym groups its words are a term of (or, for a typo, a term of within the budget). */
  groups: readonly GroupHit[];
  /** For one word no entry contains: the closest word form of the vocabulary. */
  correction: string | null;
}

const quote = (term: string): string => `"${term}"`;
// Stems are letters and digits only (the tokenizer's words), so quoting needs no escaping; a
// quoted run of several stems is an FTS5 phrase.
const phrase = (stems: readonly string[]): string => quote(stems.join(' '));

/** Whether an entry in `languages` contains `word` (as a form of 4+ letters, or by its stem). */
function isKnown(db: Db, word: string, languages: readonly Language[]): boolean {
  if (prepared(db, 'SELECT 1 FROM kb_terms WHERE term = ?').get(word)) return true;
  const stems = [...new Set(languages.map((l) => stem(word, l)))];
  return prepared(db, 'SELECT 1 FROM kb_stems WHERE kb_stems MATCH ? LIMIT 1').get(`{title body}: (${stems.map(quote).join(' OR ')})`) !== undefined;
}

/** The indexed word form closest to `word` within its typo budget, or null. */
function closestTerm(db: Db, word: string): string | null {
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= word.length; i++) grams.add(word.slice(i, i + 3));
  // Words sharing the most trigrams with it rank first (bm25 over an OR of its trigrams).
  const candidates = prepared(db, `
    SELECT t.term FROM kb_terms_trigrams f JOIN kb_terms t ON t.id = f.rowid
    WHERE kb_terms_trigrams MATCH ? ORDER BY rank LIMIT 50`).all([...grams].map(quote).join(' OR ')) as { term: string }[];
  const cap = typoBudget(word);
  let best: { term: string; d: number } | null = null;
  for (const { term } of candidates) {
    const d = editDistance(word, term, cap);
    if (d <= cap && d > 0 && (!best || d < best.d)) best = { term, d };
  }
  return best?.term ?? null;
}

/** The query's slots (see the top of this file). `languages`: those whose entries are searched. */
function planQuery(db: Db, words: readonly string[], dict: SynonymDictionary, languages: readonly Language[]): Slot[] {
  const matchable: Language[] = languages.includes('kk') && !languages.includes('ru') ? [...languages, 'ru'] : [...languages];
  const slots: Slot[] = [];
  const matches = matchSynonyms(words, dict, matchable);
  for (let i = 0, m = 0; i < words.length;) {
    const match = matches[m];
    if (match && match.start === i) {
      slots.push({ words: words.slice(match.start, match.end), groups: match.groups, correction: null });
      i = match.end;
      m++;
    } else {
      slots.push({ words: [words[i]!], groups: [], correction: null });
      i++;
    }
  }
  const content = slots.filter((s) => s.groups.length > 0 || !s.words.every(isStopWord));
  if (content.length === 0) return slots;
  return content.map((s) => {
    const word = s.words[0]!;
    if (s.groups.length > 0 || s.words.length > 1 || word.length < TYPO_MIN_LENGTH || isKnown(db, word, languages)) return s;
    return { ...s, groups: misspeltSynonyms(word, dict, matchable), correction: closestTerm(db, word) };
  });
}

/** A slot's alternatives, each a phrase of stems (of one stem, for a word). */
interface Alternatives {
  /** The slot's own words, and a correction of them. */
  literal: string[][];
  /** The literal ones and its synonym groups' terms, at most MAX_ALTERNATIVES. */
  all: string[][];
}

/**
 * The terms a slot's synonym groups add for entries in `languages`: for one language, the
 * group's terms in it, whatever language the query matched by (that is how a Kazakh query finds
 * Russian entries); across all languages (no language filter), the terms of the language it
 * matched by, so that an English word finds English entries.
 */
function expansions(slot: Slot, dict: SynonymDictionary, languages: readonly Language[]): CompiledTerm[] {
  return slot.groups.flatMap((hit) => (languages.length === 1 ? languages : [hit.via]).flatMap((l) => dict.groups.get(hit.group)?.[l] ?? []));
}

/** A slot as FTS5 alternatives for entries in `languages`. */
function alternatives(slot: Slot, dict: SynonymDictionary, languages: readonly Language[]): Alternatives {
  const literal = new Map<string, string[]>();
  const put = (into: Map<string, string[]>, stems: readonly string[]): void => { into.set(stems.join(' '), [...stems]); };
  for (const l of languages) put(literal, slot.words.map((w) => stem(w, l)));
  for (const l of languages) if (slot.correction) put(literal, [stem(slot.correction, l)]);
  const all = new Map(literal);
  for (const term of expansions(slot, dict, languages)) put(all, term.stems);
  return { literal: [...literal.values()], all: [...all.values()].slice(0, MAX_ALTERNATIVES) };
}

const any = (alts: readonly string[]): string => (alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`);

interface Ranked {
  /** The best `want` matches, best first. */
  nums: number[];
  /** How many matched (at most CANDIDATES). */
  count: number;
}

/** The filters as FTS5 conditions on the meta column. */
function metaFilter(languages: readonly Language[], tags: readonly string[]): string {
  // Filters are tokens of the meta column: FTS5 intersects their doclists with the query's, so
  // a narrow filter makes the search cheaper, not dearer.
  const language = languages.length === 1 ? ` AND meta:${quote(metaToken('l', languages[0]!))}` : '';
  return language + tags.map((t) => ` AND meta:${quote(metaToken('t', t))}`).join('');
}

/** Whether any entry within the filters matches any of `alts` (stops at the first). */
function matchesAny(db: Db, alts: readonly string[], languages: readonly Language[], tags: readonly string[]): boolean {
  return prepared(db, 'SELECT 1 FROM kb_stems WHERE kb_stems MATCH ? LIMIT 1').get(`{title body}: (${alts.join(' OR ')})${metaFilter(languages, tags)}`) !== undefined;
}

function rankedMatches(db: Db, match: string, languages: readonly Language[], tags: readonly string[], want: number): Ranked {
  const meta = metaFilter(languages, tags);
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

/** Whether `phrase` occurs in `stems` as a run. */
function containsPhrase(stems: readonly string[], phrase: readonly string[]): boolean {
  for (let i = 0; i + phrase.length <= stems.length; i++) if (phrase.every((s, k) => stems[i + k] === s)) return true;
  return false;
}

/**
 * Full matches reordered by their titles: those whose title names more of what was asked come
 * first, then those that name it in the query's own words, then those whose title holds more of
 * its terms ("Сон и бессонница" above "Бессонница с тех пор…" for "не могу спать"); bm25 order
 * otherwise. Only titles are read, and only of the matches shown (`want`), so it costs one
 * lookup by primary key.
 */
function byTitle(db: Db, nums: readonly number[], slots: readonly Alternatives[]): number[] {
  if (nums.length < 2) return [...nums];
  const rows = prepared(db, 'SELECT num, title, language FROM kb_entries WHERE num IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(nums)) as { num: number; title: string; language: Language }[];
  const key = new Map(rows.map((r) => {
    const stems = searchWords(r.title).map((w) => stem(w, r.language));
    const hits = slots.map((a) => ({ literal: a.literal.some((p) => containsPhrase(stems, p)), all: a.all.filter((p) => containsPhrase(stems, p)).length }));
    return [r.num, [hits.filter((h) => h.all > 0).length, hits.filter((h) => h.literal).length, hits.reduce((n, h) => n + h.all, 0)]];
  }));
  const rank = (n: number): number[] => key.get(n) ?? [0, 0, 0];
  return nums.map((n, i) => ({ n, i })).sort((a, b) => {
    const ka = rank(a.n);
    const kb = rank(b.n);
    return kb[0]! - ka[0]! || kb[1]! - ka[1]! || kb[2]! - ka[2]! || a.i - b.i;
  }).map((x) => x.n);
}

interface MutableMatcher { stems: Set<string>; prefixes: string[]; substrings: string[] }

interface TierResult {
  /** Matches of every slot, best first. */
  strict: number[];
  /** The rest, in the order of the passes that found them. */
  rest: number[];
  total: number;
  pass: SearchPass | null;
}

/** Runs the passes over entries in `languages` until `want` are found; `full` allows the costlier prefix and substring passes. */
function searchTier(db: Db, slots: readonly Slot[], dict: SynonymDictionary, languages: readonly Language[], tags: readonly string[],
  want: number, matcher: MutableMatcher, options: { full: boolean }): TierResult {
  const found: TierResult = { strict: [], rest: [], total: 0, pass: null };
  const seen = new Set<number>();
  const add = (ranked: Ranked, pass: SearchPass): void => {
    for (const n of ranked.nums) {
      if (seen.has(n)) continue;
      seen.add(n);
      (pass === 'exact' ? found.strict : found.rest).push(n);
      found.pass = pass;
    }
    // Passes overlap; the largest is a lower bound of their union.
    found.total = Math.max(found.total, ranked.count, seen.size);
  };
  // A slot no entry here matches (a word only the other language has, a word nobody wrote) would
  // make every AND fail: it is left out, unless it is all there is.
  const probed = slots.map((s) => ({ slot: s, alts: alternatives(s, dict, languages) }));
  const live = probed.filter((p) => matchesAny(db, p.alts.all.map(phrase), languages, tags));
  const used = live.length > 0 ? live : probed;
  for (const { slot: s } of used) {
    for (const l of languages) {
      for (const w of s.words) if (!isStopWord(w) || used.length === 1) matcher.stems.add(stem(w, l));
      if (s.correction) matcher.stems.add(stem(s.correction, l));
    }
    for (const term of expansions(s, dict, languages)) term.words.forEach((w, k) => { if (!isStopWord(w)) matcher.stems.add(term.stems[k]!); });
  }
  const alts = used.map((p) => p.alts.all.map(phrase));

  // The query's own words first: an entry that says "мазасыздық" in its title ranks above one
  // that says "уайым" and "қорқыныш" many times; then its synonyms.
  add(rankedMatches(db, used.map((p) => any(p.alts.literal.map(phrase))).join(' AND '), languages, tags, want), 'exact');
  if (seen.size < want && used.some((p) => p.alts.all.length > p.alts.literal.length)) {
    add(rankedMatches(db, alts.map(any).join(' AND '), languages, tags, want), 'exact');
  }
  found.strict = byTitle(db, found.strict, used.map((p) => p.alts));
  if (seen.size < want && used.length > 1) add(rankedMatches(db, alts.map(any).join(' OR '), languages, tags, want), 'loose');
  if (!options.full) return found;

  if (seen.size < want) {
    // Prefixes merge many terms' doclists: the dearest stem query, so only when stems found too little.
    const prefixes: string[] = [];
    const loose = used.map(({ slot: s }, i) => {
      if (s.words.length > 1 || s.groups.length > 0) return alts[i]!;
      const extra = languages.map((l) => stem(s.words[0]!, l)).map((st) => loosePrefix(st) ?? (i === used.length - 1 && st.length >= 3 ? st : null))
        .filter((p): p is string => p !== null);
      prefixes.push(...extra);
      return [...alts[i]!, ...[...new Set(extra)].map((p) => `${quote(p)}*`)];
    });
    if (prefixes.length > 0) {
      matcher.prefixes.push(...prefixes);
      add(rankedMatches(db, loose.map(any).join(' OR '), languages, tags, want), 'loose');
    }
  }

  // Substrings when nothing was found yet, or for Kazakh, whose forms the light stemmer leaves
  // apart: the looser passes already found near matches, and this pass costs the most.
  const long = used.flatMap((p) => p.slot.words).filter((w) => w.length >= 3 && !isStopWord(w));
  const kazakh = languages.includes('kk') && used.some((p) => p.slot.words.some((w) => KAZAKH_LETTERS.test(w)));
  if (seen.size < want && long.length > 0 && (seen.size === 0 || kazakh)) {
    matcher.substrings.push(...long);
    // Each word: any vocabulary word containing it, by stem. All words if possible, else any.
    const groups = long.map((w) => [...new Set(wordsContaining(db, w).flatMap((v) => languages.map((l) => stem(v, l))))]).filter((g) => g.length > 0);
    const clauses = groups.map((g) => any(g.map(quote)));
    if (clauses.length > 0) {
      const all = rankedMatches(db, clauses.join(' AND '), languages, tags, want);
      add(all.nums.length > 0 || clauses.length === 1 ? all : rankedMatches(db, clauses.join(' OR '), languages, tags, want), 'substring');
    }
  }
  return found;
}

/**
 * Searches published entries. `want` is how many results the caller will show (page × size):
 * looser passes run only while fewer than that were found.
 */
export function searchEntries(db: Db, q: string, filters: SearchFilters, want: number, dict: SynonymDictionary = EMPTY_DICTIONARY): SearchOutcome {
  const words = searchWords(q);
  const matcher: MutableMatcher = { stems: new Set(), prefixes: [], substrings: [] };
  const outcome: SearchOutcome = { nums: [], total: 0, pass: null, corrected: null, matcher };
  if (words.length === 0) return outcome;

  const tags = filters.tags ?? [];
  const languages: readonly Language[] = filters.language ? [filters.language] : ['ru', 'kk', 'en'];
  const slots = planQuery(db, words, dict, languages);
  const first = searchTier(db, slots, dict, languages, tags, want, matcher, { full: true });
  let nums = [...first.strict, ...first.rest];
  let total = first.total;
  outcome.pass = first.pass;

  if (filters.language === 'kk' && first.strict.length < KAZAKH_FEW) {
    // Russian entries follow those matching every slot, ahead of Kazakh entries matching less.
    const second = searchTier(db, slots, dict, ['ru'], tags, want, matcher, { full: false });
    nums = [...first.strict, ...second.strict, ...first.rest, ...second.rest];
    total += second.total;
    outcome.pass ??= second.pass;
  }

  const corrections = new Map(slots.filter((s) => s.correction !== null).map((s) => [s.words[0]!, s.correction!]));
  if (nums.length > 0 && corrections.size > 0) {
    outcome.pass = 'corrected';
    outcome.corrected = words.map((w) => corrections.get(w) ?? w).join(' ');
  }
  outcome.nums = nums.slice(0, want);
  outcome.total = total;
  return outcome;
}
