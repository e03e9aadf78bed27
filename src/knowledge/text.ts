import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemRussian } from '@orama/stemmers/russian';
import type { Language } from '../protocol/api/common.js';
import { stemKazakh } from './kazakh-stem.js';

// Text processing shared by indexing and querying, so that both sides see the same terms.
// Snowball stemmers (compiled from the Snowball project, packaged by Orama) for Russian and
// English; Kazakh has no maintained Snowball stemmer: Kazakh entries go through a light
// inflection stripper (kazakh-stem.ts), and part-words through the trigram index.

const WORD = /[\p{L}\p{N}]+/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;
// eslint-disable-next-line no-control-regex -- a range that starts at U+0000 on purpose: all of ASCII
const PLAIN = /^[\u0000-\u007f\u0400-\u04ff]*$/;

/** Lower case, compatibility forms folded, and ё → е (Russian writers use both for one letter). */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/ё/g, 'е');
}

export interface Token {
  /** The normalised word. */
  word: string;
  /** UTF-16 offsets in the original text. */
  start: number;
  end: number;
}

/**
 * Words of `text`, with offsets into it. NFKC and lower-casing keep the length of Cyrillic,
 * Latin and Kazakh letters, so offsets in the normalised text are offsets in the original;
 * where a character changes length (rare ligatures) the word is still found, its mark may shift.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    // NFKC only where it can change something (it is the costly step, and snippets tokenize
    // every word of every result): ASCII and Cyrillic, Kazakh letters included, have no
    // compatibility forms.
    const lower = (PLAIN.test(m[0]) ? m[0] : m[0].normalize('NFKC')).toLowerCase();
    tokens.push({ word: lower.includes('ё') ? lower.replace(/ё/g, 'е') : lower, start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

/**
 * The search term of a normalised word in a text of `language`: Latin words by the English
 * stemmer, Cyrillic ones by the Kazakh stemmer in Kazakh text (Russian words in it included, so
 * that index and query agree) and by the Russian one elsewhere; anything else as it is.
 */
export function stem(word: string, language: Language = 'ru'): string {
  if (CYRILLIC.test(word)) return language === 'kk' ? stemKazakh(word) : stemRussian(word);
  if (LATIN.test(word)) return stemEnglish(word);
  return word;
}

/** The stems of a text, space-separated: what the stem index stores. */
export function stemText(text: string, language: Language = 'ru'): string {
  return tokenize(text).map((t) => stem(t.word, language)).join(' ');
}

/**
 * A shorter prefix of a stem, for a looser second pass: Snowball leaves derivations apart
 * (anxious → anxiou, anxiety → anxieti; тревога → тревог, тревожный → тревожн), and their
 * common beginning finds both. Short stems are kept whole: a 3-letter prefix matches too much.
 */
export function loosePrefix(stemmed: string): string | null {
  if (stemmed.length < 6) return null;
  return stemmed.slice(0, Math.max(4, stemmed.length - 2));
}

/** Damerau–Levenshtein distance (optimal string alignment), capped: returns cap + 1 once it is exceeded. */
export function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > cap) return cap + 1;
  }
  return Math.min(rows[a.length]![b.length]!, cap + 1);
}
