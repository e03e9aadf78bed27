import type { Language } from '../protocol/api/common.js';
import type { SynonymGroup } from '../protocol/api/knowledge.js';
import { editDistance, stem, tokenize } from './text.js';

// The synonym groups moderators keep, compiled for matching against queries: every term becomes
// the stems of its words, in its own language's stemmer, so that "не могу уснуть" matches the
// term "не могу уснуть" and "тоскую по дому" the term "тоска по дому". A query is matched
// left to right, longest term first, so a phrase wins over the single words inside it.

/** Words shorter than this are not searched (single letters: "I", "t" of "can't", "в"). */
export const MIN_WORD = 2;

/** The words of a query or a term as search sees them: normalised, single letters dropped. */
export function searchWords(text: string): string[] {
  return tokenize(text).map((t) => t.word).filter((w) => w.length >= MIN_WORD);
}

export interface CompiledTerm {
  group: number;
  language: Language;
  /** The term's words, normalised. */
  words: readonly string[];
  /** Their stems, in the term's language. */
  stems: readonly string[];
}

export interface SynonymDictionary {
  /** Terms by the stem of their first word. */
  byFirstStem: ReadonlyMap<string, readonly CompiledTerm[]>;
  /** Each group's terms in each language, to expand a match into. */
  groups: ReadonlyMap<number, Readonly<Record<Language, readonly CompiledTerm[]>>>;
  /** Single-word terms of TYPO_MIN_LENGTH or more letters, for matching a mistyped query word. */
  words: readonly CompiledTerm[];
}

/** Typos are looked for only in words this long: shorter ones are within one edit of too many others. */
export const TYPO_MIN_LENGTH = 5;

/** Edits allowed between a mistyped word and the word meant: one, or two from eight letters on. */
export function typoBudget(word: string): number {
  return word.length >= 8 ? 2 : 1;
}

export const EMPTY_DICTIONARY: SynonymDictionary = { byFirstStem: new Map(), groups: new Map(), words: [] };

export function compileSynonyms(groups: readonly SynonymGroup[]): SynonymDictionary {
  const byFirstStem = new Map<string, CompiledTerm[]>();
  const compiled = new Map<number, Record<Language, CompiledTerm[]>>();
  const words: CompiledTerm[] = [];
  for (const g of groups) {
    const perLanguage: Record<Language, CompiledTerm[]> = { ru: [], kk: [], en: [] };
    for (const language of ['ru', 'kk', 'en'] as const) {
      for (const text of g.terms[language]) {
        const termWords = searchWords(text);
        if (termWords.length === 0) continue;
        const term: CompiledTerm = { group: g.id, language, words: termWords, stems: termWords.map((w) => stem(w, language)) };
        perLanguage[language].push(term);
        const list = byFirstStem.get(term.stems[0]!) ?? [];
        list.push(term);
        byFirstStem.set(term.stems[0]!, list);
        if (termWords.length === 1 && termWords[0]!.length >= TYPO_MIN_LENGTH) words.push(term);
      }
    }
    compiled.set(g.id, perLanguage);
  }
  return { byFirstStem, groups: compiled, words };
}

/** A synonym group a query matched, and the language of the term it matched by. */
export interface GroupHit {
  group: number;
  via: Language;
}

export interface SynonymMatch {
  /** Query words [start, end) the match covers. */
  start: number;
  end: number;
  groups: readonly GroupHit[];
}

const hitKey = (h: GroupHit): string => `${h.group}:${h.via}`;

/**
 * Terms found in the query's words, left to right, the longest at each position (several groups
 * when one term is in several). `languages` are the languages whose terms may match: a query is
 * read as its own language, and Kazakh also as Russian (people in Kazakhstan mix both), but a
 * short word of one language is not read as another's ("ем" is "treatment" in Kazakh, "I eat" in Russian).
 */
export function matchSynonyms(words: readonly string[], dict: SynonymDictionary, languages: readonly Language[]): SynonymMatch[] {
  const matches: SynonymMatch[] = [];
  const stemsIn = new Map<Language, string[]>();
  const stemsOf = (language: Language): string[] => {
    let s = stemsIn.get(language);
    if (!s) stemsIn.set(language, (s = words.map((w) => stem(w, language))));
    return s;
  };
  for (let i = 0; i < words.length;) {
    let best: { end: number; groups: Map<string, GroupHit> } | null = null;
    for (const language of languages) {
      const stems = stemsOf(language);
      for (const term of dict.byFirstStem.get(stems[i]!) ?? []) {
        if (term.language !== language) continue;
        const end = i + term.stems.length;
        if (end > words.length || !term.stems.every((s, k) => s === stems[i + k])) continue;
        const hit = { group: term.group, via: term.language };
        if (!best || end > best.end) best = { end, groups: new Map([[hitKey(hit), hit]]) };
        else if (end === best.end) best.groups.set(hitKey(hit), hit);
      }
    }
    if (best) {
      matches.push({ start: i, end: best.end, groups: [...best.groups.values()] });
      i = best.end;
    } else {
      i++;
    }
  }
  return matches;
}

/**
 * The single-word term closest to `word` within its typo budget ("panick" → "panic"), in one of
 * `languages`, or null. The dictionary is small (hundreds of words): a scan costs microseconds.
 */
export function closestSynonymWord(word: string, dict: SynonymDictionary, languages: readonly Language[]): string | null {
  if (word.length < TYPO_MIN_LENGTH) return null;
  const cap = typoBudget(word);
  let best: { word: string; d: number } | null = null;
  for (const term of dict.words) {
    if (!languages.includes(term.language)) continue;
    const d = editDistance(word, term.words[0]!, cap);
    if (d <= cap && (!best || d < best.d)) best = { word: term.words[0]!, d };
  }
  return best?.word ?? null;
}

/** Whether some term of `languages` starts with `word` (by stem): a word the dictionary knows is no typo. */
export function startsATerm(word: string, dict: SynonymDictionary, languages: readonly Language[]): boolean {
  return languages.some((l) => (dict.byFirstStem.get(stem(word, l)) ?? []).some((t) => t.language === l));
}
