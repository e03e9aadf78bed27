import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectPersonalData, PII_KINDS, type PiiKind } from '../../src/protocol/pii.js';
import { NEGATIVES, POSITIVES } from './pii-labelled.js';

// Issue 13 point 3: the detector measured on personal data as people in Kazakhstan write it and
// on ordinary questions. Recall at least 95 % overall and 90 % for each kind, false positives on
// at most 3 % of the ordinary questions.

/** A positive is caught when a span of its kind overlaps the labelled fragment. */
function caught(kind: PiiKind, text: string, fragment: string): boolean {
  const start = text.indexOf(fragment);
  const end = start + fragment.length;
  return detectPersonalData(text).some((s) => s.kind === kind && s.start < end && s.end > start);
}

describe('the labelled set', () => {
  it('has at least 300 positives in every kind and 300 negatives, all fragments in their text', () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(300);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(300);
    for (const kind of PII_KINDS) expect(POSITIVES.filter((p) => p[0] === kind).length, kind).toBeGreaterThanOrEqual(10);
    for (const [, text, fragment] of POSITIVES) expect(text).toContain(fragment);
    expect(new Set(NEGATIVES).size).toBe(NEGATIVES.length);
  });

  it('is caught with recall of at least 95 % overall and 90 % for each kind', () => {
    const missed: string[] = [];
    const recall = new Map<PiiKind, { caught: number; total: number }>();
    for (const [kind, text, fragment] of POSITIVES) {
      const r = recall.get(kind) ?? { caught: 0, total: 0 };
      r.total++;
      if (caught(kind, text, fragment)) r.caught++;
      else missed.push(`${kind}: ${text}`);
      recall.set(kind, r);
    }
    const overall = (POSITIVES.length - missed.length) / POSITIVES.length;
    expect(overall, missed.join('\n')).toBeGreaterThanOrEqual(0.95);
    for (const [kind, r] of recall) expect(r.caught / r.total, `${kind}\n${missed.join('\n')}`).toBeGreaterThanOrEqual(0.9);
  });

  it('flags at most 3 % of the ordinary questions', () => {
    const flagged = NEGATIVES.filter((text) => detectPersonalData(text).length > 0)
      .map((text) => `${text} → ${detectPersonalData(text).map((s) => `${s.kind}:${s.text}`).join(', ')}`);
    expect(flagged.length / NEGATIVES.length, flagged.join('\n')).toBeLessThanOrEqual(0.03);
  });
});

// ---- a phone or an IIN in any supported spelling, inside any ordinary question ----------------

const SEPARATORS = [' ', '-', '.', ',', '_', '/', ' – ', '\u2011', '\u00a0', '📞', ' ☎️ ', '—'];
const PHONE_SHAPES = [[3, 3, 2, 2], [3, 2, 2, 3], [3, 3, 4], [3, 7], [10], [3, 4, 3], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]];
const IIN_SHAPES = [[12], [6, 6], [6, 3, 3], [4, 4, 4], [2, 2, 2, 2, 2, 2], [6, 4, 2], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]];
const FULL_WIDTH = (d: string): string => String.fromCharCode(0xff10 + Number(d));
const KEYCAP = (d: string): string => `${d}\ufe0f\u20e3`;

const RU_UNITS = ['ноль', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];
const RU_TEENS = ['десять', 'одиннадцать', 'двенадцать', 'тринадцать', 'четырнадцать', 'пятнадцать', 'шестнадцать', 'семнадцать', 'восемнадцать', 'девятнадцать'];
const RU_TENS = ['', '', 'двадцать', 'тридцать', 'сорок', 'пятьдесят', 'шестьдесят', 'семьдесят', 'восемьдесят', 'девяносто'];
const RU_HUNDREDS = ['', 'сто', 'двести', 'триста', 'четыреста', 'пятьсот', 'шестьсот', 'семьсот', 'восемьсот', 'девятьсот'];
const KK_UNITS = ['нөл', 'бір', 'екі', 'үш', 'төрт', 'бес', 'алты', 'жеті', 'сегіз', 'тоғыз'];
const KK_TENS = ['', 'он', 'жиырма', 'отыз', 'қырық', 'елу', 'алпыс', 'жетпіс', 'сексен', 'тоқсан'];

/** A group read as one number ("701" → "семьсот один"), as people say a phone; digit by digit when it starts with 0. */
function spellGroup(group: string, lang: 'ru' | 'kk'): string {
  if (group[0] === '0' || group.length > 3) return Array.from(group, (d) => (lang === 'ru' ? RU_UNITS : KK_UNITS)[Number(d)]!).join(' ');
  const n = Number(group);
  const [h, t, u] = [Math.floor(n / 100), Math.floor(n / 10) % 10, n % 10];
  const words: string[] = [];
  if (lang === 'ru') {
    if (h) words.push(RU_HUNDREDS[h]!);
    if (t === 1) words.push(RU_TEENS[u]!);
    else {
      if (t) words.push(RU_TENS[t]!);
      if (u || words.length === 0) words.push(RU_UNITS[u]!);
    }
  } else {
    if (h) words.push(...(h > 1 ? [KK_UNITS[h]!] : []), 'жүз');
    if (t) words.push(KK_TENS[t]!);
    if (u || words.length === 0) words.push(KK_UNITS[u]!);
  }
  return words.join(' ');
}

function grouped(digits: string, shape: number[]): string[] {
  const groups: string[] = [];
  let at = 0;
  for (const n of shape) {
    groups.push(digits.slice(at, at + n));
    at += n;
  }
  return groups;
}

type DigitStyle = 'ascii' | 'fullWidth' | 'keycap' | 'lookalike';

function styled(groups: string[], style: DigitStyle, at: number): string[] {
  if (style === 'fullWidth') return groups.map((g) => Array.from(g, FULL_WIDTH).join(''));
  if (style === 'keycap') return groups.map((g) => Array.from(g, KEYCAP).join(''));
  if (style === 'lookalike') {
    // One 0 or 3 written as the Cyrillic О or З, in a group that keeps a real digit.
    return groups.map((g, k) => {
      if (k !== at % groups.length || g.length < 2) return g;
      const i = Array.from(g).findIndex((d) => d === '0' || d === '3');
      return i < 0 ? g : g.slice(0, i) + (g[i] === '0' ? 'О' : 'З') + g.slice(i + 1);
    });
  }
  return groups;
}

const phone = fc
  .record({
    prefix: fc.constantFrom('+7', '8', '+7 ', '8 ', '8 (', '+7('),
    code: fc.integer({ min: 700, max: 778 }),
    rest: fc.integer({ min: 0, max: 9_999_999 }),
    shape: fc.constantFrom(...PHONE_SHAPES),
    separator: fc.constantFrom(...SEPARATORS),
    style: fc.constantFrom<DigitStyle | 'ru' | 'kk'>('ascii', 'fullWidth', 'keycap', 'lookalike', 'ru', 'kk'),
    at: fc.nat(),
  })
  .map(({ prefix, code, rest, shape, separator, style, at }) => {
    const digits = `${code}${String(rest).padStart(7, '0')}`;
    if (style === 'ru' || style === 'kk') {
      const groups = grouped(digits, [3, 3, 2, 2]);
      // Groups read as numbers are ambiguous without a pause ("жүз он" is 110, or 100 and 10),
      // so they are separated as people pause: with a comma, or a space when reading digit by digit.
      const spelled = groups.map((g) => spellGroup(g, style));
      return [style === 'ru' ? 'восемь' : 'сегіз', ...spelled].join(separator === ' ' && groups.every((g) => g[0] === '0') ? ' ' : ', ');
    }
    const groups = styled(grouped(digits, shape), style, at);
    if (prefix.endsWith('(')) return `${prefix}${groups[0]})${groups.slice(1).join(separator)}`;
    return `${prefix}${groups.join(separator)}`;
  });

// The official IIN checksum, written out independently of the module (see pii.test.ts).
function iinCheckDigit(first11: string): number | null {
  for (const weights of [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]]) {
    let sum = 0;
    for (let i = 0; i < 11; i++) sum += weights[i]! * Number(first11[i]);
    if (sum % 11 !== 10) return sum % 11;
  }
  return null;
}

const iin = fc
  .record({
    year: fc.integer({ min: 0, max: 99 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    century: fc.integer({ min: 0, max: 6 }),
    serial: fc.integer({ min: 0, max: 9999 }),
    shape: fc.constantFrom(...IIN_SHAPES),
    separator: fc.constantFrom(' ', '-', '.', '_', '/', '–', '\u00a0', ' - '),
    style: fc.constantFrom<DigitStyle>('ascii', 'fullWidth', 'lookalike'),
    at: fc.nat(),
  })
  .map(({ year, month, day, century, serial, shape, separator, style, at }) => {
    const first11 = [year, month, day].map((n) => String(n).padStart(2, '0')).join('') + century + String(serial).padStart(4, '0');
    const check = iinCheckDigit(first11);
    return check === null ? null : styled(grouped(first11 + check, shape), style, at).join(separator);
  })
  .filter((s): s is string => s !== null);

/** `value` put between two words of `text` (or at either end). */
function insert(text: string, value: string, at: number): { text: string; start: number; end: number } {
  const words = text.split(' ');
  const k = at % (words.length + 1);
  const before = words.slice(0, k).join(' ');
  const start = k === 0 ? 0 : before.length + 1;
  const joined = [...words.slice(0, k), value, ...words.slice(k)].join(' ');
  return { text: joined, start, end: start + value.length };
}

describe('a phone or an IIN inside an ordinary question', () => {
  it.each([
    ['phone', phone],
    ['iin', iin],
  ] as const)('is flagged (%s) in any supported spelling, wherever it is put', (_kind, value) => {
    fc.assert(
      fc.property(fc.constantFrom(...NEGATIVES), value, fc.nat(), (negative, v, at) => {
        const inserted = insert(negative, v, at);
        const spans = detectPersonalData(inserted.text);
        // Flagged, though not always as its own kind: "… 0,8 — 30 01 01 00 00 02" is also a phone
        // "8 30 01 01 00 00", and the longer of two overlapping spans is the one reported.
        expect(spans.some((s) => s.start < inserted.end && s.end > inserted.start), `${inserted.text}\n${JSON.stringify(spans)}`).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});
