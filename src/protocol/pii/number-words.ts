import { foldKey } from './fold.js';
import type { Edit } from './normalise.js';

// Numbers spelled out in Russian or Kazakh ("восемь семьсот один сто двадцать три…", "сегіз жеті
// жүз бір…") become their digits in the normalised copy, grouped as they were said: "семьсот
// один" is one group, 701, so the phone and IIN rules see "8 701 123 45 67". Only runs of two or
// more number items are rewritten: a lone "три" or "он" (Kazakh ten, Russian "he") stays a word.

type NumberWord =
  | { kind: 'unit' | 'teen' | 'tens' | 'hundreds'; value: number }
  | { kind: 'kkHundred' }
  | { kind: 'kkTen' };

const WORDS = new Map<string, NumberWord>();
const SPELLINGS: string[] = ['жүз'];
const add = (kind: 'unit' | 'teen' | 'tens' | 'hundreds', words: string, step: number, first: number): void => {
  words.split(' ').forEach((w, i) => {
    for (const variant of w.split('/')) {
      WORDS.set(foldKey(variant), { kind, value: first + i * step });
      SPELLINGS.push(variant);
    }
  });
};
add('unit', 'ноль/нуль/нөл/нол один/одна/одно/бір два/две/екі три/үш четыре/төрт пять/бес шесть/алты семь/жеті восемь/сегіз девять/тоғыз', 1, 0);
add('teen', 'десять одиннадцать двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать восемнадцать девятнадцать', 1, 10);
add('tens', 'двадцать/жиырма тридцать/отыз сорок/қырық пятьдесят/елу шестьдесят/алпыс семьдесят/жетпіс восемьдесят/сексен девяносто/тоқсан', 10, 20);
add('hundreds', 'сто двести триста четыреста пятьсот шестьсот семьсот восемьсот девятьсот', 100, 100);
WORDS.set(foldKey('жүз'), { kind: 'kkHundred' });
WORDS.set('он', { kind: 'kkTen' });

interface Item {
  start: number;
  end: number;
  word: NumberWord | null; // null: a group of digits
  /** A comma or other mark before it: "сто, десять" is two groups, "сто десять" one. */
  pause: boolean;
}

// Number words (as typed and folded, in lower case) and digit groups: only these are looked at.
// The pattern runs on the lower-cased text and the start of a word is checked in code: both
// the i flag and a lookbehind at every position make the scan twice as slow.
const ITEM = new RegExp(
  String.raw`(?:${[...new Set([...SPELLINGS, ...WORDS.keys()])].sort((a, b) => b.length - a.length).join('|')})(?![\p{L}])|\d+`,
  'gu',
);
const LETTER = /\p{L}/u;
const BETWEEN = /^[\s,.\-_/()]{1,3}$/u;


/** Edits that replace each spelled-out number group of a run with its digits. */
export function spelledNumberEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  let run: Item[] = [];
  let lastEnd = -1;
  const flush = (): void => {
    if (run.length >= 2 && run.some((i) => i.word)) edits.push(...runEdits(run));
    run = [];
  };
  const lower = text.toLowerCase();
  // Lower-casing keeps every offset except for a few letters no number word has; skip such text.
  if (lower.length !== text.length) return edits;
  for (const m of lower.matchAll(ITEM)) {
    if (m.index > 0 && LETTER.test(lower[m.index - 1]!)) continue;
    const isDigits = m[0].charCodeAt(0) <= 0x39;
    const word = isDigits ? null : WORDS.get(foldKey(m[0]));
    if (word === undefined) continue;
    const between = lastEnd >= 0 ? text.slice(lastEnd, m.index) : '';
    if (lastEnd >= 0 && !BETWEEN.test(between)) flush();
    run.push({ start: m.index, end: m.index + m[0].length, word, pause: /[^\s]/u.test(between) });
    lastEnd = m.index + m[0].length;
  }
  flush();
  return edits;
}

interface Group {
  start: number;
  end: number;
  h: number | null;
  t: number | null;
  u: number | null;
  teen: boolean;
}

function runEdits(run: Item[]): Edit[] {
  const groups: Group[] = [];
  let cur: Group | null = null;
  const open = (item: Item, g: Partial<Group>): void => {
    cur = { start: item.start, end: item.end, h: null, t: null, u: null, teen: false, ...g };
    groups.push(cur);
  };
  for (let k = 0; k < run.length; k++) {
    const item = run[k]!;
    const w = item.word;
    if (item.pause) cur = null;
    const c = cur as Group | null;
    if (w === null) {
      cur = null; // digits stay as typed
      continue;
    }
    if (w.kind === 'kkTen') {
      // Kazakh "он" is ten only next to another number word; otherwise it is the Russian "he".
      const near = run[k + 1]?.word ?? run[k - 1]?.word;
      if (!near) {
        cur = null;
        continue;
      }
      if (c && c.h !== null && c.t === null && c.u === null) Object.assign(c, { t: 10, end: item.end });
      else open(item, { t: 10 });
    } else if (w.kind === 'kkHundred') {
      // "жеті жүз" is seven hundred; "жүз" after a finished group starts one hundred.
      if (c && c.h === null && c.t === null && c.u !== null) Object.assign(c, { h: c.u, u: null, end: item.end });
      else open(item, { h: 1 });
    } else if (w.kind === 'hundreds') {
      open(item, { h: w.value / 100 });
    } else if (w.kind === 'tens' || w.kind === 'teen') {
      if (c && c.h !== null && c.t === null && c.u === null) Object.assign(c, { t: w.value, teen: w.kind === 'teen', end: item.end });
      else open(item, { t: w.value, teen: w.kind === 'teen' });
    } else if (w.value === 0) {
      open(item, { u: 0 });
      cur = null;
    } else if (c && c.u === null && !c.teen && (c.t !== null || c.h !== null)) {
      Object.assign(c, { u: w.value, end: item.end });
    } else {
      open(item, { u: w.value });
    }
  }
  return groups.map((g) => ({ start: g.start, end: g.end, text: groupDigits(g) }));
}

function groupDigits(g: Group): string {
  const rest = (g.t ?? 0) + (g.u ?? 0);
  if (g.h !== null) return String(g.h * 100 + rest).padStart(3, '0');
  if (g.t !== null) return String(rest);
  return String(g.u ?? 0);
}
