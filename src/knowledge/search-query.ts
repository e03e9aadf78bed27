import type { Db } from '../db/connection.js';
import type { Language } from '../protocol/api/common.js';
import { indexTerm, metaToken, prepared } from './search-index.js';
import type { Matcher } from './snippet.js';
import { isStopWord } from './stop-words.js';
import {
  closestSynonymWord, EMPTY_DICTIONARY, matchSynonyms, searchWords, startsATerm, typoBudget, TYPO_MIN_LENGTH,
  type CompiledTerm, type GroupHit, type SynonymDictionary,
} from './synonym-dictionary.js';
import { editDistance, loosePrefix, stem } from './text.js';

// A query as people type it ("не могу спать", "ұйқым келмейді", "homesick", "бесонница"),
// searched over the stem index (search-index.ts). First the query becomes slots, one for each
// thing the person asks about:
//   - a word of 5+ letters that no entry contains is read as a typo of the closest synonym
//     term or vocabulary word (one edit, two from eight letters on): "panick" → "panic";
//   - a synonym term the query contains ("не могу спать") is one slot, which also matches the
//     other terms of its group in the entries' language ("бессонница", "сон", "не спится");
//   - stop words ("не", "могу", "how", "алмаймын") are dropped, unless nothing else is left;
//   - every other word is a slot of its own.
// In the index a slot is a set of alternatives, stop words left out ("не спится" is searched as
// "спится"): a phrase with "не" in it costs FTS5 a walk through nearly every entry, and the stop
// words were needed only to recognise the phrase in the query. Then passes, each run only when
// the ones before found too few:
//   1. exact      entries matching every slot, ordered by their titles, then bm25;
//   2. loose      entries matching any slot; then, when still fewer than LOOSE_FEW, also a
//                 shorter stem prefix (anxious ~ anxiety) and the last word as a prefix;
//   3. substring  each word looked up as a substring in the vocabulary's trigram index (part-
//                 words, Kazakh forms the light stemmer leaves apart), then searched by stem.
// Each pass reads at most CANDIDATES matches, newest first, and ranks those by bm25 (title
// weighted above body): a query matching half the corpus costs the same as a rare one, and for
// any query with fewer matches the ranking is exact. bm25 reads the whole doclist of every
// alternative to weigh it, which is what a pass costs; hence few passes and few alternatives.
//
// Kazakh: people in Kazakhstan mix Kazakh and Russian, and there are fewer Kazakh entries. When
// fewer than KAZAKH_FEW Kazakh entries match a Kazakh query fully, Russian entries found by its
// Russian words and synonyms follow, as a second tier.

export const CANDIDATES = 200;
// Title over body in bm25: 10 ranked the labelled queries (test/knowledge) best of 5, 10 and 20, by a little.
const TITLE_WEIGHT = 10;
// Each alternative is a doclist bm25 reads in full, so they are rationed, the query's own words
// first, then its groups' terms in the order moderators listed them: in the exact pass
// ALTERNATIVES shared by the slots, six at most and never fewer than three a slot (a query is a
// few slots); three a slot in the loose pass, whose matches come after the exact ones anyway.
// Measured on the labelled queries: 8, 12 and 16 a slot ranked them no better, and cost more.
const ALTERNATIVES = 12;
const SLOT_ALTERNATIVES = { most: 6, least: 3, loose: 3 };
/** Full matches whose titles are compared (byTitle): a few more than a page. */
const TITLE_REORDER = 20;
/** The prefix and substring passes run only while fewer than this were found. */
const LOOSE_FEW = 3;
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
  /** The query's words it stands for, normalised, typos corrected. */
  words: readonly string[];
  /** The same words as typed. */
  typed: readonly string[];
  /** Synonym groups its words are a term of. */
  groups: readonly GroupHit[];
}

interface Plan {
  slots: Slot[];
  /** The query's words with typos corrected, when any was. */
  corrected: string | null;
}

/** One way a slot can match: stems in one language's entries, in a run, or near each other once stop words were left out. */
interface Alternative {
  language: Language;
  stems: readonly string[];
  /** How many words may come between them (0: a run, an FTS5 phrase). */
  gap: number;
}

interface Alternatives {
  /** The slot's own words (stop words left out). */
  literal: Alternative[];
  /** The literal ones and its synonym groups' terms. */
  all: Alternative[];
}

const quote = (term: string): string => `"${term}"`;
// Stems are letters and digits only (the tokenizer's words), so quoting needs no escaping; a
// quoted run of several stems is an FTS5 phrase.
const fts = (a: Alternative): string => {
  const terms = a.stems.map((s) => indexTerm(s, a.language));
  return a.gap === 0 ? quote(terms.join(' ')) : `NEAR(${terms.map(quote).join(' ')}, ${a.gap})`;
};
const any = (alts: readonly string[]): string => (alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`);

/** Whether an entry in `languages` contains `word` (as a form of 4+ letters, or by its stem). */
function isKnown(db: Db, word: string, languages: readonly Language[]): boolean {
  if (prepared(db, 'SELECT 1 FROM kb_terms WHERE term = ?').get(word)) return true;
  return prepared(db, 'SELECT 1 FROM kb_stems WHERE kb_stems MATCH ? LIMIT 1')
    .get(`{title body}: ${any(languages.map((l) => fts({ language: l, stems: [stem(word, l)], gap: 0 })))}`) !== undefined;
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
function planQuery(db: Db, typed: readonly string[], dict: SynonymDictionary, languages: readonly Language[]): Plan {
  // A Kazakh query is read as Russian too; a word of one language is otherwise not read as another's.
  const matchable: Language[] = languages.includes('kk') && !languages.includes('ru') ? [...languages, 'ru'] : [...languages];
  const corrections = typed.map((w) => {
    if (w.length < TYPO_MIN_LENGTH || isStopWord(w) || startsATerm(w, dict, matchable) || isKnown(db, w, languages)) return null;
    return closestSynonymWord(w, dict, matchable) ?? closestTerm(db, w);
  });
  const words = typed.map((w, i) => corrections[i] ?? w);
  const slots: Slot[] = [];
  const matches = matchSynonyms(words, dict, matchable);
  for (let i = 0, m = 0; i < words.length;) {
    const match = matches[m]?.start === i ? matches[m++] : undefined;
    const end = match?.end ?? i + 1;
    slots.push({ words: words.slice(i, end), typed: typed.slice(i, end), groups: match?.groups ?? [] });
    i = end;
  }
  const content = slots.filter((s) => s.groups.length > 0 || !s.words.every(isStopWord));
  return { slots: content.length > 0 ? content : slots, corrected: corrections.some((c) => c !== null) ? words.join(' ') : null };
}

/**
 * Stems of `words` in `language` with the stop words left out (unless that leaves none), and
 * how many were left out: "ничего не радует" is searched as «нич» near «рад».
 */
function withoutStopWords(words: readonly string[], language: Language): Alternative | null {
  const content = words.filter((w) => !isStopWord(w));
  if (content.length === 0) return null;
  return { language, stems: content.map((w) => stem(w, language)), gap: content.length > 1 ? words.length - content.length : 0 };
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
  const literal = new Map<string, Alternative>();
  const put = (into: Map<string, Alternative>, a: Alternative): void => { into.set(fts(a), a); };
  for (const language of languages) put(literal, withoutStopWords(slot.words, language) ?? { language, stems: slot.words.map((w) => stem(w, language)), gap: 0 });
  const all = new Map(literal);
  for (const term of expansions(slot, dict, languages)) {
    const a = withoutStopWords(term.words, term.language);
    if (a) put(all, a);
  }
  return { literal: [...literal.values()], all: [...all.values()] };
}

/** The tag filters as FTS5 conditions on the meta column (the language is in every term already). */
function tagFilter(tags: readonly string[]): string {
  // Filters are tokens of the meta column: FTS5 intersects their doclists with the query's, so
  // a narrow filter makes the search cheaper, not dearer.
  return tags.map((t) => ` AND meta:${quote(metaToken('t', t))}`).join('');
}

/** Whether any entry within the tags matches any of `alts` (stops at the first). */
function matchesAny(db: Db, alts: readonly Alternative[], tags: readonly string[]): boolean {
  return prepared(db, 'SELECT 1 FROM kb_stems WHERE kb_stems MATCH ? LIMIT 1').get(`{title body}: ${any(alts.map(fts))}${tagFilter(tags)}`) !== undefined;
}

interface Ranked {
  /** The best `want` matches, best first. */
  nums: number[];
  /** How many matched (at most CANDIDATES). */
  count: number;
}

function rankedMatches(db: Db, match: string, tags: readonly string[], want: number): Ranked {
  // Inner: the newest CANDIDATES matches (FTS5 walks its doclists in rowid order and stops).
  // Outer: the best `want` of them by bm25 (lower is better; meta weighs nothing), and how many there were.
  const rows = prepared(db, `
    SELECT num, count(*) OVER () AS total FROM (
      SELECT rowid AS num, bm25(kb_stems, ${TITLE_WEIGHT}, 1, 0) AS score
      FROM kb_stems WHERE kb_stems MATCH ?
      ORDER BY rowid DESC LIMIT ${CANDIDATES}
    ) ORDER BY score, num DESC LIMIT ?`).all(`{title body}: (${match})${tagFilter(tags)}`, want) as { num: number; total: number }[];
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

/** Whether `run` occurs in `stems` as a run. */
function containsRun(stems: readonly string[], run: readonly string[]): boolean {
  for (let i = 0; i + run.length <= stems.length; i++) if (run.every((s, k) => stems[i + k] === s)) return true;
  return false;
}

/**
 * Full matches reordered by their titles: those whose title names more of what was asked come
 * first, then those that name it in the query's own words, then those whose title holds more of
 * its terms ("Сон и бессонница" above "Бессонница с тех пор…" for "не могу спать"); bm25 order
 * otherwise. Only titles are read, and only of the best TITLE_REORDER by bm25: one lookup by key.
 */
function byTitle(db: Db, nums: readonly number[], slots: readonly Alternatives[]): number[] {
  if (nums.length < 2) return [...nums];
  const rows = prepared(db, 'SELECT num, title, language FROM kb_entries WHERE num IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(nums)) as { num: number; title: string; language: Language }[];
  const key = new Map(rows.map((r) => {
    const stems = searchWords(r.title).map((w) => stem(w, r.language));
    // A title is a few words: stems left near each other are found by being there at all.
    const found = (a: Alternative): boolean => a.language === r.language && (a.gap === 0 ? containsRun(stems, a.stems) : a.stems.every((s) => stems.includes(s)));
    const hits = slots.map((s) => ({ literal: s.literal.some(found), all: s.all.filter(found).length }));
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
  const planned = slots.map((slot) => ({ slot, alts: alternatives(slot, dict, languages) }));
  const ration = (ps: typeof planned): typeof planned => {
    const share = Math.min(SLOT_ALTERNATIVES.most, Math.max(SLOT_ALTERNATIVES.least, Math.floor(ALTERNATIVES / ps.length)));
    return ps.map((p) => ({ ...p, alts: { ...p.alts, all: p.alts.all.slice(0, share) } }));
  };
  // The best TITLE_REORDER by bm25 are reordered by title, then cut to `want`.
  const exact = (ps: typeof planned): Ranked => {
    const strict = rankedMatches(db, ps.map((p) => any(p.alts.all.map(fts))).join(' AND '), tags, Math.max(want, TITLE_REORDER));
    return { nums: byTitle(db, strict.nums, ps.map((p) => p.alts)).slice(0, want), count: strict.count };
  };
  // A slot no entry here matches (a word only the other language has, a word nobody wrote) makes
  // every AND fail: it is left out, unless it is all there is. Probing each slot costs a lookup,
  // so in the query's own language, where such words are rare, only after the AND found nothing.
  const live = (): typeof planned => {
    const found = planned.filter((p) => matchesAny(db, p.alts.all, tags));
    return found.length > 0 ? found : planned;
  };
  let used = ration(options.full || planned.length === 1 ? planned : live());
  let strict = exact(used);
  if (strict.nums.length === 0 && options.full && planned.length > 1) {
    const fewer = ration(live());
    if (fewer.length < used.length) {
      used = fewer;
      strict = exact(used);
    }
  }
  add(strict, 'exact');
  for (const { alts } of used) for (const a of alts.all) for (const s of a.stems) matcher.stems.add(s);
  const alts = used.map((p) => p.alts.all.map(fts));
  if (seen.size < want && used.length > 1) add(rankedMatches(db, alts.map((a) => any(a.slice(0, SLOT_ALTERNATIVES.loose))).join(' OR '), tags, want), 'loose');
  if (!options.full) return found;

  if (seen.size < Math.min(want, LOOSE_FEW)) {
    // Prefixes merge many terms' doclists: the dearest stem query, so only when stems found too little.
    const prefixes: string[] = [];
    const loose = used.map(({ slot, alts: a }, i) => {
      const literal = a.literal.map(fts);
      if (slot.words.length > 1 || slot.groups.length > 0) return literal;
      const extra = a.literal.map((x) => ({ language: x.language, stem: x.stems[0]! }))
        .map((x) => ({ ...x, prefix: loosePrefix(x.stem) ?? (i === used.length - 1 && x.stem.length >= 3 ? x.stem : null) }))
        .filter((x): x is { language: Language; stem: string; prefix: string } => x.prefix !== null);
      prefixes.push(...extra.map((x) => x.prefix));
      return [...literal, ...extra.map((x) => `${quote(indexTerm(x.prefix, x.language))}*`)];
    });
    if (prefixes.length > 0) {
      matcher.prefixes.push(...prefixes);
      add(rankedMatches(db, loose.map(any).join(' OR '), tags, want), 'loose');
    }
  }

  // Substrings when nothing was found yet, or for Kazakh, whose forms the light stemmer leaves
  // apart: the looser passes already found near matches, and this pass costs the most.
  const long = used.flatMap((p) => p.slot.typed).filter((w) => w.length >= 3 && !isStopWord(w));
  const kazakh = languages.includes('kk') && used.some((p) => p.slot.typed.some((w) => KAZAKH_LETTERS.test(w)));
  if (seen.size < Math.min(want, LOOSE_FEW) && long.length > 0 && (seen.size === 0 || kazakh)) {
    matcher.substrings.push(...long);
    // Each word: any vocabulary word containing it, by stem. All words if possible, else any.
    const groups = long.map((w) => {
      const forms = wordsContaining(db, w);
      return [...new Set(forms.flatMap((v) => languages.map((language) => fts({ language, stems: [stem(v, language)], gap: 0 }))))];
    }).filter((g) => g.length > 0);
    const clauses = groups.map(any);
    if (clauses.length > 0) {
      const all = rankedMatches(db, clauses.join(' AND '), tags, want);
      add(all.nums.length > 0 || clauses.length === 1 ? all : rankedMatches(db, clauses.join(' OR '), tags, want), 'substring');
    }
  }
  return found;
}

/**
 * Searches published entries. `want` is how many results the caller will show (page × size):
 * looser passes run only while fewer than that were found. `dict`: the synonym groups (none by default).
 */
export function searchEntries(db: Db, q: string, filters: SearchFilters, want: number, dict: SynonymDictionary = EMPTY_DICTIONARY): SearchOutcome {
  const words = searchWords(q);
  const matcher: MutableMatcher = { stems: new Set(), prefixes: [], substrings: [] };
  const outcome: SearchOutcome = { nums: [], total: 0, pass: null, corrected: null, matcher };
  if (words.length === 0) return outcome;

  const tags = filters.tags ?? [];
  const languages: readonly Language[] = filters.language ? [filters.language] : ['ru', 'kk', 'en'];
  const { slots, corrected } = planQuery(db, words, dict, languages);
  const first = searchTier(db, slots, dict, languages, tags, want, matcher, { full: true });
  let nums = [...first.strict, ...first.rest];
  let total = first.total;
  outcome.pass = first.pass;

  if (filters.language === 'kk' && first.strict.length < Math.min(KAZAKH_FEW, want)) {
    // Russian entries follow those matching every slot, ahead of Kazakh entries matching less.
    const second = searchTier(db, slots, dict, ['ru'], tags, want, matcher, { full: false });
    nums = [...first.strict, ...second.strict, ...first.rest, ...second.rest];
    total += second.total;
    outcome.pass ??= second.pass;
  }

  if (nums.length > 0 && corrected !== null) {
    outcome.pass = 'corrected';
    outcome.corrected = corrected;
  }
  outcome.nums = nums.slice(0, want);
  outcome.total = total;
  return outcome;
}
