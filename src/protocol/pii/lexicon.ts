import { compoundForms, kazakhForms, latinSpellings, russianAdjectiveForms, russianNounForms } from './declension.js';
import { foldKey } from './fold.js';
import { CENTRAL_ASIAN_NAMES, KAZAKH_NAMES, RUSSIAN_NAMES } from './names.js';
import { AMBIGUOUS_FORMS, AREA_NOUNS, KAZAKH_AREAS, REGION_ADJECTIVES, SETTLEMENTS } from './places.js';

// One map from a folded word form (fold.ts) to what it can be, built from the lemma lists the
// first time the detector runs (a few milliseconds; the browser pays it only on the question
// form). Several lemmas can give the same form; their flags are combined.

/** A place wherever it appears. */
export const PLACE = 1;
/** A place when written with a capital. */
export const PLACE_CAPITAL = 2;
/** A place only in context (a preposition or an area noun next to it). */
export const PLACE_CONTEXT = 4;
/** A place only before an area noun ("Жамбыл облысы", "Медеу ауданы"). */
export const PLACE_BEFORE_AREA = 8;
/** A region or district adjective ("Алматинской", "Медеуский"): a place with a capital or before an area noun. */
export const PLACE_ADJECTIVE = 16;
/** A given name (flagged when capitalised). */
export const GIVEN = 32;
/** A given name that is also an ordinary word (flagged only in context). */
export const GIVEN_CONTEXT = 64;
/** An area noun ("области", "облысында", "району"). */
export const AREA_NOUN = 128;
/** The first word of a name of several words ("Усть", "Алма", "Шығыс"): try it with the next ones. */
export const COMPOUND_START = 256;

let built: Map<string, number> | null = null;

/** The word-form map (built once). */
export function lexicon(): Map<string, number> {
  built ??= build();
  return built;
}

function build(): Map<string, number> {
  const map = new Map<string, number>();
  const add = (form: string, flag: number): void => {
    const words = form.split(/[\s-]+/u).filter(Boolean);
    const key = words.map(foldKey).join(' ');
    map.set(key, (map.get(key) ?? 0) | flag);
    if (words.length > 1) {
      const first = foldKey(words[0]!);
      map.set(first, (map.get(first) ?? 0) | COMPOUND_START);
    }
  };
  const nounForms = (lemma: string): string[] => [
    ...compoundForms(lemma, russianNounForms),
    ...compoundForms(lemma, kazakhForms),
    ...latinSpellings(lemma),
  ];

  for (const entry of listEntries(SETTLEMENTS, '/')) {
    const flag = entry.mark === '?' ? PLACE_CONTEXT : entry.mark === '^' ? PLACE_CAPITAL : PLACE;
    for (const form of nounForms(entry.word)) add(form, flag);
  }
  for (const entry of listEntries(KAZAKH_AREAS, '/')) {
    for (const form of nounForms(entry.word)) add(form, PLACE_BEFORE_AREA);
  }
  for (const entry of listEntries(REGION_ADJECTIVES, ' ')) {
    const flag = entry.mark === '?' ? PLACE_BEFORE_AREA : PLACE_ADJECTIVE;
    for (const form of compoundForms(entry.word, russianAdjectiveForms)) add(form, flag);
  }
  for (const noun of AREA_NOUNS.ru) for (const form of [...russianNounForms(noun), ...russianPlural(noun)]) add(form, AREA_NOUN);
  for (const noun of AREA_NOUNS.kk) for (const form of kazakhPossessiveForms(noun)) add(form, AREA_NOUN);
  for (const word of AREA_NOUNS.other) add(word, AREA_NOUN);
  for (const form of AMBIGUOUS_FORMS) {
    const key = foldKey(form);
    const flags = map.get(key) ?? 0;
    if (flags & PLACE) map.set(key, (flags & ~PLACE) | PLACE_CONTEXT);
  }

  for (const list of [RUSSIAN_NAMES, KAZAKH_NAMES, CENTRAL_ASIAN_NAMES]) {
    for (const entry of listEntries(list, ' ')) {
      const flag = entry.mark === '?' ? GIVEN_CONTEXT : GIVEN;
      const spellings = list === RUSSIAN_NAMES ? [entry.word] : softSignSpellings(entry.word);
      for (const spelling of spellings) for (const form of nounForms(spelling)) add(form, flag);
    }
  }
  // A name listed both ways is ambiguous: the ordinary word is still a word.
  for (const [key, flags] of map) if (flags & GIVEN_CONTEXT && flags & GIVEN) map.set(key, flags & ~GIVEN);
  return map;
}

interface Entry {
  word: string;
  mark: '' | '?' | '^';
}

/** The entries of a list: lines or words, each with its spellings, and the mark before each. */
function listEntries(list: string, separator: '/' | ' '): Entry[] {
  const out: Entry[] = [];
  for (const line of list.split('\n')) {
    for (const raw of separator === '/' ? line.split('/') : line.split(/\s+/u)) {
      const item = raw.trim();
      if (!item) continue;
      const mark = item[0] === '?' || item[0] === '^' ? item[0] : '';
      out.push({ word: mark ? item.slice(1) : item, mark });
    }
  }
  return out;
}

/**
 * Kazakh and Central Asian names as Russian spelling writes them, with a soft sign after an л
 * before a consonant or at the end (Гүлмира → Гульмира, Әсел → Әсель), and without one (Асель →
 * Асел). Only for these lists: dropping the sign everywhere would make the Russian "Дарьи" the
 * Kazakh "дәрі" (medicine).
 */
function softSignSpellings(name: string): string[] {
  const withSign = name.replace(/л(?=[бвгғджзйкқлмнңпрстфхцчшщ]|$)/gu, 'ль');
  return [...new Set([name, withSign, name.replace(/ь/gu, '')])];
}

/** Russian plural forms of an area noun ("районах", "областей"): "в Алматинской и Жамбылской областях". */
function russianPlural(noun: string): string[] {
  const stem = noun.replace(/[ьаоейя]$/u, '');
  return [`${stem}и`, `${stem}ы`, `${stem}ей`, `${stem}ов`, `${stem}ям`, `${stem}ам`, `${stem}ях`, `${stem}ах`];
}

/** A Kazakh noun with the third-person possessive and its cases: облыс → облысы, облысында, облысының… */
function kazakhPossessiveForms(noun: string): string[] {
  const words = noun.split(' ');
  const last = words.pop()!;
  const front = /[әөүіе][^аәеоөұүыіэяюуи]*$/u.test(last);
  const possessive = /[аәеоөұүыіэяю]$/u.test(last) ? `${last}с${front ? 'і' : 'ы'}` : `${last}${front ? 'і' : 'ы'}`;
  const [a, y] = front ? ['е', 'і'] : ['а', 'ы'];
  const forms = [last, possessive, `${possessive}н`, `${possessive}н${y}ң`, `${possessive}н${a}`, `${possessive}нд${a}`,
    `${possessive}нд${a}${front ? 'гі' : 'ғы'}`, `${possessive}н${a}н`, `${possessive}мен`];
  return forms.map((f) => [...words, f].join(' '));
}
