import { foldKey } from './fold.js';

// The words of the normalised text, shared by the finders that work on words (places, names).

export interface Token {
  start: number;
  end: number;
  /** The lookup key (fold.ts). */
  key: string;
  /** Starts with a capital letter. */
  capital: boolean;
}

const LETTER_OR_MARK = /[\p{L}\p{M}]/u;

/** A letter or combining mark: by range for the scripts of this service's texts, by Unicode property otherwise. */
function isWordChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  if (c >= 0x400 && c < 0x530) return c !== 0x482; // Cyrillic letters and combining marks, not the thousands sign
  if ((c >= 0xc0 && c < 0x250 && c !== 0xd7 && c !== 0xf7) || (c >= 0x300 && c < 0x370)) return true;
  if (c >= 0x2000 && c < 0x2c00) return false; // punctuation, symbols, arrows
  // The second half of a surrogate pair is what the pair is.
  const at = c >= 0xdc00 && c < 0xe000 && i > 0 ? i - 1 : i;
  return LETTER_OR_MARK.test(String.fromCodePoint(text.codePointAt(at)!));
}

/** The words of `text` (runs of letters and marks), scanned without a match object per word. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (!isWordChar(text, i)) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isWordChar(text, i)) i++;
    // Word by word: slicing the lower-cased whole text is much slower in V8 (its result is not flat).
    tokens.push({ start, end: i, key: foldKey(text.slice(start, i)), capital: isCapital(text, start) });
  }
  return tokens;
}

/** The letter at `i` is a capital (by range for ASCII and basic Cyrillic, by lower-casing otherwise). */
function isCapital(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return c >= 0x41 && c <= 0x5a;
  if (c >= 0x400 && c < 0x460) return c < 0x430;
  const ch = text[i]!;
  return ch !== ch.toLowerCase();
}

/** The characters between two tokens. */
export function gap(text: string, a: Token, b: Token): string {
  return text.slice(a.end, b.start);
}

/** A token is the first of its sentence (a capital there says nothing). */
export function startsSentence(text: string, t: Token): boolean {
  for (let i = t.start - 1; i >= 0; i--) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '"' || c === '«' || c === '(' || c === '-' || c === '—' || c === '–') continue;
    return c === '.' || c === '!' || c === '?' || c === '…' || c === '\n' || c === ':';
  }
  return true;
}
