import { foldKey, foldLower } from './fold.js';

// The words of the normalised text, shared by the finders that work on words (places, names).

export interface Token {
  start: number;
  end: number;
  text: string;
  /** The lookup key (fold.ts). */
  key: string;
  /** Starts with a capital letter. */
  capital: boolean;
}

const WORD = /[\p{L}\p{M}]+/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // Lower-cased once for the whole text (a few letters change length when lower-cased: then word by word).
  const lower = text.toLowerCase();
  const sameLength = lower.length === text.length;
  for (const m of text.matchAll(WORD)) {
    const end = m.index + m[0].length;
    const key = sameLength ? foldLower(lower.slice(m.index, end)) : foldKey(m[0]);
    const first = m[0][0]!;
    const capital = sameLength ? lower.charCodeAt(m.index) !== text.charCodeAt(m.index) : first !== first.toLowerCase();
    tokens.push({ start: m.index, end, text: m[0], key, capital });
  }
  return tokens;
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
