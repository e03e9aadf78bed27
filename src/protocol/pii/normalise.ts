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
function isDropped(cp: number): boolean {
  return cp === 0xad || cp === 0x34f || cp === 0x180e || (cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 && cp <= 0x2064) ||
    cp === 0xfeff || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0x20e3 || (cp >= 0xe0020 && cp <= 0xe007f);
}
const DASHES = /[\u2010-\u2015\u2043\u2212\ufe58\ufe63\uff0d\u2e3a\u2e3b]/u;
const SPACES = /[\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const APOSTROPHES = /[\u2018\u2019\u02bc\u02b9\u00b4]/u;
// Emoji and other pictographs read as a separator between digit groups ("8📞701📞…").
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|[\u{1f1e6}-\u{1f1ff}]/u;
const COMBINING = /\p{M}/u;

/** NFKC, dashes and spaces unified, decorations dropped, look-alike digits and spelled numbers made digits. */
export function normalise(input: string): Normalised {
  const first = normaliseCharacters(input);
  const edits = [...lookalikeDigitEdits(first.text), ...spelledNumberEdits(first.text)];
  return edits.length === 0 ? first : applyEdits(first, edits);
}

/** A character that is already in its normalised form (ASCII, Cyrillic letters), unless a combining mark follows. */
function isPlain(code: number): boolean {
  return code < 0x80 || (code >= 0x400 && code < 0x530 && (code < 0x483 || code > 0x489));
}

/** The copy being built: text in pieces, and each character's original range. */
class Builder {
  parts: string[] = [];
  from: Int32Array;
  to: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
  }

  /** Characters copied unchanged from `start`. */
  copy(input: string, start: number, end: number): void {
    if (end <= start) return;
    this.reserve(end - start);
    this.parts.push(input.slice(start, end));
    for (let i = start; i < end; i++) {
      this.from[this.length] = i;
      this.to[this.length++] = i + 1;
    }
  }

  /** `s` standing for the original [start, end). */
  put(s: string, start: number, end: number): void {
    this.reserve(s.length);
    this.parts.push(s);
    for (let k = 0; k < s.length; k++) {
      this.from[this.length] = start;
      this.to[this.length++] = end;
    }
  }

  done(): Normalised {
    return { text: this.parts.join(''), from: this.from.subarray(0, this.length), to: this.to.subarray(0, this.length) };
  }

  private reserve(n: number): void {
    if (this.length + n <= this.from.length) return;
    const size = Math.max(this.from.length * 2, this.length + n);
    const [from, to] = [new Int32Array(size), new Int32Array(size)];
    from.set(this.from);
    to.set(this.to);
    [this.from, this.to] = [from, to];
  }
}

function normaliseCharacters(input: string): Normalised {
  const out = new Builder(input.length + 16);
  let plainFrom = 0;
  let i = 0;
  while (i < input.length) {
    if (isPlain(input.charCodeAt(i)) && !isCombining(input, i + 1)) {
      i++;
      continue;
    }
    out.copy(input, plainFrom, i);
    const cp = input.codePointAt(i)!;
    let end = i + (cp > 0xffff ? 2 : 1);
    while (end < input.length && isCombining(input, end)) end += (input.codePointAt(end)! > 0xffff ? 2 : 1);
    const base = String.fromCodePoint(cp);
    if (isDropped(cp)) {
      // Nothing of it stays; a keycap's digit came before it and is already copied.
    } else if (base === '№') {
      out.put('№', i, end); // NFKC would make it "No", and the clinic patterns look for №
    } else if (DASHES.test(base)) {
      out.put('-', i, end);
    } else if (SPACES.test(base)) {
      out.put(' ', i, end);
    } else if (APOSTROPHES.test(base)) {
      out.put("'", i, end);
    } else if (PICTOGRAPH.test(base)) {
      out.put(' ', i, end);
    } else {
      const folded = Array.from(input.slice(i, end)).filter((c) => !isDropped(c.codePointAt(0)!)).join('').normalize('NFKC');
      out.put(folded.replace(/[\u2010-\u2015\u2212]/gu, '-'), i, end);
    }
    i = end;
    plainFrom = end;
  }
  out.copy(input, plainFrom, input.length);
  return out.done();
}

function isCombining(s: string, at: number): boolean {
  if (at >= s.length) return false;
  const code = s.charCodeAt(at);
  // Latin, Greek and Cyrillic letters (most of any text here) without building a string to test.
  if (code < 0x300 || (code >= 0x370 && code < 0x483) || (code > 0x489 && code < 0x591)) return false;
  const cp = s.codePointAt(at)!;
  return isDropped(cp) || COMBINING.test(String.fromCodePoint(cp));
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

// Only text where a look-alike touches a digit, or stands alone between digit groups, is looked at word by word.
const LOOKALIKE_NEAR_DIGIT = /[ОоOoЗзlI]\d|\d[ОоOoЗзlI]|\d[ -]{1,2}[ОоOoЗзlI]{1,2}[ -]{1,2}\d/u;

function lookalikeDigitEdits(text: string): Edit[] {
  if (!LOOKALIKE_NEAR_DIGIT.test(text)) return [];
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
