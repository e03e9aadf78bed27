import { spelledNumberEdits } from './number-words.js';

// People who do not want a filter to see a phone number write it so that a pattern over the raw
// text misses it: full-width or keycap digits, an emoji or a non-breaking hyphen between the
// groups, the Cyrillic letter О for a zero, the number spelled out in words. The detectors run on
// a normalised copy in which all of these read as plain ASCII digits and separators, and every
// character of the copy remembers which characters of the original it came from, so that a span
// found in the copy highlights exactly the original characters.

/** The normalised text; `from[i]`/`to[i]` are the original UTF-16 range that `text[i]` came from. */
export interface Normalised {
  text: string;
  from: Int32Array;
  to: Int32Array;
}

/** The original range of the normalised range [start, end). */
export function originalRange(n: Normalised, start: number, end: number): [number, number] {
  return [n.from[start]!, n.to[end - 1]!];
}

// Characters that only decorate (variation selectors, the keycap frame, zero-width joiners and
// spaces, the soft hyphen): dropped, so "8️⃣" is "8" and "с\u200bобака" is "собака".
const DROPPED = /[\u00ad\u034f\u180e\u200b-\u200d\u2060-\u2064\ufeff\ufe00-\ufe0f\u20e3\u{e0020}-\u{e007f}]/u;
const DASHES = /[\u2010-\u2015\u2043\u2212\ufe58\ufe63\uff0d\u2e3a\u2e3b]/u;
const SPACES = /[\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const APOSTROPHES = /[\u2018\u2019\u02bc\u02b9\u0060\u00b4]/u;
// Emoji and other pictographs read as a separator between digit groups ("8📞701📞…").
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|[\u{1f1e6}-\u{1f1ff}]/u;
const COMBINING = /\p{M}/u;

/** NFKC, dashes and spaces unified, decorations dropped, look-alike digits and spelled numbers made digits. */
export function normalise(input: string): Normalised {
  const first = normaliseCharacters(input);
  const edits = [...lookalikeDigitEdits(first.text), ...spelledNumberEdits(first.text)];
  return edits.length === 0 ? first : applyEdits(first, edits);
}

function normaliseCharacters(input: string): Normalised {
  const chars: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const push = (s: string, start: number, end: number): void => {
    for (const c of s) {
      // A character outside the BMP stays one unit of the copy's arrays per UTF-16 unit.
      for (let k = 0; k < c.length; k++) {
        chars.push(c[k]!);
        from.push(start);
        to.push(end);
      }
    }
  };
  let i = 0;
  while (i < input.length) {
    const code = input.charCodeAt(i);
    // Fast path: ASCII and Cyrillic letters are already in NFKC unless a combining mark follows.
    if ((code < 0x80 || (code >= 0x400 && code < 0x530)) && !isCombining(input, i + 1)) {
      push(input[i]!, i, i + 1);
      i++;
      continue;
    }
    const cp = input.codePointAt(i)!;
    let end = i + (cp > 0xffff ? 2 : 1);
    while (end < input.length && isCombining(input, end)) end += (input.codePointAt(end)! > 0xffff ? 2 : 1);
    const cluster = input.slice(i, end);
    const base = String.fromCodePoint(cp);
    if (DROPPED.test(base)) {
      // Nothing of it stays; a keycap's digit came before it and is already pushed.
    } else if (base === '№') {
      push('№', i, end); // NFKC would make it "No", and the clinic patterns look for №
    } else if (DASHES.test(base)) {
      push('-', i, end);
    } else if (SPACES.test(base)) {
      push(' ', i, end);
    } else if (APOSTROPHES.test(base)) {
      push("'", i, end);
    } else if (PICTOGRAPH.test(base)) {
      push(' ', i, end);
    } else {
      const folded = Array.from(cluster).filter((c) => !DROPPED.test(c)).join('').normalize('NFKC');
      push(folded.replace(/[\u2010-\u2015\u2212]/gu, '-'), i, end);
    }
    i = end;
  }
  return { text: chars.join(''), from: Int32Array.from(from), to: Int32Array.from(to) };
}

function isCombining(s: string, at: number): boolean {
  if (at >= s.length) return false;
  const code = s.charCodeAt(at);
  if (code < 0x300) return false;
  return COMBINING.test(String.fromCodePoint(s.codePointAt(at)!)) || DROPPED.test(s[at]!);
}

/** Replace normalised [start, end) by `text`; each new character maps to the whole replaced range. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(n: Normalised, edits: Edit[]): Normalised {
  edits.sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let at = 0;
  const copy = (end: number): void => {
    if (end <= at) return;
    parts.push(n.text.slice(at, end));
    for (let k = at; k < end; k++) {
      from.push(n.from[k]!);
      to.push(n.to[k]!);
    }
  };
  for (const e of edits) {
    if (e.start < at) continue; // overlapping edits: the first wins
    copy(e.start);
    parts.push(e.text);
    for (let k = 0; k < e.text.length; k++) {
      from.push(n.from[e.start]!);
      to.push(n.to[e.end - 1]!);
    }
    at = e.end;
  }
  copy(n.text.length);
  return { text: parts.join(''), from: Int32Array.from(from), to: Int32Array.from(to) };
}

// Letters that stand for digits inside a run of digits: Cyrillic and Latin O for 0, Cyrillic З
// for 3, Latin l and I for 1. Only where the word they are in is otherwise digits ("87О1",
// "З45"), or where they stand alone between digit groups ("701 О 12"), never inside a word.
const LOOKALIKE: Readonly<Record<string, string>> = { 'О': '0', 'о': '0', 'O': '0', 'o': '0', 'З': '3', 'з': '3', 'l': '1', 'I': '1' };
const WORD = /[\p{L}\p{N}]+/gu;

function lookalikeDigitEdits(text: string): Edit[] {
  if (!/\d/.test(text)) return [];
  const edits: Edit[] = [];
  const words: { start: number; end: number; digits: boolean; lookalikeOnly: boolean }[] = [];
  for (const m of text.matchAll(WORD)) {
    const w = m[0];
    let digits = 0;
    let lookalikes = 0;
    for (const c of w) {
      if (c >= '0' && c <= '9') digits++;
      else if (LOOKALIKE[c] !== undefined) lookalikes++;
    }
    words.push({ start: m.index, end: m.index + w.length, digits: digits > 0 && digits + lookalikes === w.length, lookalikeOnly: lookalikes === w.length && w.length <= 2 });
    if (digits > 0 && lookalikes > 0 && digits + lookalikes === w.length) edits.push(...swapLookalikes(m.index, w));
  }
  // A lone look-alike between two digit groups, separated by at most a space or hyphen each side.
  for (let k = 1; k + 1 < words.length; k++) {
    const [prev, word, next] = [words[k - 1]!, words[k]!, words[k + 1]!];
    if (!word.lookalikeOnly || !prev.digits || !next.digits) continue;
    if (/^[ -]{1,2}$/.test(text.slice(prev.end, word.start)) && /^[ -]{1,2}$/.test(text.slice(word.end, next.start))) {
      edits.push(...swapLookalikes(word.start, text.slice(word.start, word.end)));
    }
  }
  return edits;
}

/** One edit per look-alike letter, so that each digit keeps its own place in the original. */
function swapLookalikes(start: number, word: string): Edit[] {
  const edits: Edit[] = [];
  for (let k = 0; k < word.length; k++) {
    const digit = LOOKALIKE[word[k]!];
    if (digit !== undefined) edits.push({ start: start + k, end: start + k + 1, text: digit });
  }
  return edits;
}
