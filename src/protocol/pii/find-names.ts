import { foldKey } from './fold.js';
import { GIVEN, GIVEN_CONTEXT, lexicon, PLACE } from './lexicon.js';
import { HONORIFICS, INTRODUCERS, PERSON_WORDS } from './names.js';
import { PLACE_PREPOSITIONS } from './places.js';
import type { Found } from './spans.js';
import type { Token } from './tokens.js';

// People's names: the words after "меня зовут", "менің атым", "my name is"; given names from the
// lists (with a capital, or in context when the name is also a word); patronymics (-ович, -овна,
// -ұлы, -қызы); surnames by their endings (-ов, -ева, -ин, -ский…) when they stand next to
// another part of a name, initials, or a word like "врач" or "подруга". Consecutive parts make
// one span: "Иванов Иван Иванович", "Ахметов А.Б.".

const PERSON = new Set(PERSON_WORDS.split(/\s+/u).filter(Boolean).map(foldKey));
const PLACE_WORDS_BEFORE = new Set(PLACE_PREPOSITIONS.map(foldKey));
const HONORIFIC = new Set(HONORIFICS.split(' ').map(foldKey));
const INTRO = INTRODUCERS.map((p) => p.split(/[\s'-]+/u).map(foldKey));
const INTRO_FIRST_WORDS = new Set(INTRO.map((p) => p[0]!));
// Capitalised words that can follow an introducer without being a name ("Меня зовут Не важно").
const NOT_NAMES = new Set(['не', 'я', 'и', 'а', 'но', 'как', 'так', 'мне', 'меня', 'это', 'просто', 'i', 'the', 'a', 'not', 'just', 'мен', 'менің']);

const PATRONYMIC = /(?:ович|евич|овна|евна|ична|ovich|evich|ovna|evna)(?:а|у|ем|е|ы|ой|ою)?$/u;
const KAZAKH_PATRONYMIC = /(?:улы|кызы|uly|kyzy|uli|kizi)$/u;
const SURNAME = /(?:ов|ев|ин|ын|ова|ева|ина|ына|ову|овым|ове|овой|еву|евым|еве|евой|ину|иным|ине|иной|ский|ская|ского|ской|скому|скую|цкий|цкая|енко|ук|юк|чук|ян|дзе|швили|зода|заде|ov|ev|ova|eva|in|ina|enko|skiy|skaya|sky|yan|zoda|zade)$/u;

const SAME_NAME = /^[ \t]{1,2}$/u;

/** Adds the names found among `tokens`. */
export function findNames(text: string, tokens: Token[], out: Found[]): void {
  const lex = lexicon();
  const flags = (t: Token): number => lex.get(t.key) ?? 0;
  const isGiven = (t: Token): boolean => (flags(t) & GIVEN) !== 0;
  const isAnyGiven = (t: Token): boolean => (flags(t) & (GIVEN | GIVEN_CONTEXT)) !== 0;
  const isInitial = (t: Token): boolean => t.end - t.start === 1 && t.capital && text[t.end] === '.';
  const isPatronymic = (t: Token): boolean =>
    t.key.length >= 7 && (PATRONYMIC.test(t.key) || (KAZAKH_PATRONYMIC.test(t.key) && (t.capital || isAnyGiven({ ...t, key: t.key.replace(KAZAKH_PATRONYMIC, '') }))));
  const isSurname = (t: Token): boolean => t.capital && t.key.length >= 5 && SURNAME.test(t.key);
  const isKin = (t: Token): boolean => t.key === 'улы' || t.key === 'кызы';
  // Two tokens are parts of one name when only a space is between them, or an initial's dot.
  const joined = (a: Token | undefined, b: Token | undefined): boolean => {
    if (!a || !b) return false;
    const between = text.slice(a.end, b.start);
    return SAME_NAME.test(between) || (isInitial(a) && /^\.[ \t]?$/u.test(between));
  };
  const namePart = (t: Token): boolean => (isAnyGiven(t) && t.capital) || isPatronymic(t) || isSurname(t) || isInitial(t);

  const isPlaceAfterPreposition = (t: Token, prev: Token | undefined): boolean =>
    (flags(t) & PLACE) !== 0 && prev !== undefined && PLACE_WORDS_BEFORE.has(prev.key) && /^\.?\s{1,2}$/u.test(text.slice(prev.end, t.start));

  const marked = new Uint8Array(tokens.length);
  const mark = (from: number, to: number): void => {
    out.push({ kind: 'name', start: tokens[from]!.start, end: tokens[to]!.end });
    marked.fill(1, from, to + 1);
  };

  // 1. After an introducing phrase.
  for (let i = 0; i < tokens.length; i++) {
    if (!INTRO_FIRST_WORDS.has(tokens[i]!.key)) continue;
    const after = introducerEnd(text, tokens, i);
    if (after === null) continue;
    const first = tokens[after];
    if (!first || !/^[\s:,—–-]{1,4}$/u.test(text.slice(tokens[after - 1]!.end, first.start))) continue;
    const ok = (t: Token): boolean => !NOT_NAMES.has(t.key) && (t.capital || isAnyGiven(t) || isPatronymic(t));
    if (!ok(first)) continue;
    let last = after;
    while (last - after < 3 && joined(tokens[last], tokens[last + 1]) && (ok(tokens[last + 1]!) || isKin(tokens[last + 1]!))) last++;
    mark(after, last);
    i = last;
  }

  // 2. Names standing on their own: an anchor, then the parts joined to it on either side.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // Without a capital only a patronymic starts a name ("иванович"); most words go no further.
    if (marked[i] || (!t.capital && !isPatronymic(t))) continue;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const afterPersonWord = prev !== undefined && PERSON.has(prev.key) && /^[\s,:.]{1,3}$/u.test(text.slice(prev.end, t.start));
    const beforeHonorific = next !== undefined && HONORIFIC.has(next.key) && joined(t, next);
    const partNearby = (joined(prev, t) && namePart(prev!)) || (joined(t, next) && (namePart(next!) || isKin(next!)));
    // "в Алмате" is the town, though Алмат is also a name.
    if (isPlaceAfterPreposition(t, prev)) continue;
    const anchor =
      (isGiven(t) && t.capital) ||
      (isAnyGiven(t) && t.capital && (afterPersonWord || beforeHonorific || partNearby)) ||
      isPatronymic(t) ||
      (isSurname(t) && (afterPersonWord || partNearby));
    if (!anchor) continue;
    let from = i;
    let to = i;
    while (from > 0 && !marked[from - 1] && joined(tokens[from - 1], tokens[from]) && namePart(tokens[from - 1]!)) from--;
    while (to + 1 < tokens.length && !marked[to + 1] && joined(tokens[to], tokens[to + 1]) && (namePart(tokens[to + 1]!) || isKin(tokens[to + 1]!))) to++;
    mark(from, to);
    i = to;
  }
}

/** The index of the token after an introducing phrase that starts at `i`, or null. */
function introducerEnd(text: string, tokens: Token[], i: number): number | null {
  for (const phrase of INTRO) {
    if (tokens[i]!.key !== phrase[0]) continue;
    let k = 1;
    while (k < phrase.length && tokens[i + k]?.key === phrase[k] && /^[\s'-]{1,2}$/u.test(text.slice(tokens[i + k - 1]!.end, tokens[i + k]!.start))) k++;
    if (k === phrase.length) return i + k;
  }
  return null;
}
