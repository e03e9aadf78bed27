import { foldKey } from './fold.js';

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
  for (const m of text.matchAll(WORD)) {
    const first = m[0][0]!;
    tokens.push({ start: m.index, end: m.index + m[0].length, text: m[0], key: foldKey(m[0]), capital: first !== first.toLowerCase() });
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
