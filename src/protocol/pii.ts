// Personal data an anonymous asker may type without meaning to be found: a phone number, an
// e-mail, a link or messenger handle, the national ID (ИИН), a card number, a name, a street
// address, the town, the clinic or the employer. Pure and import-free of Node, in protocol/
// because both sides run it: the browser warns while a question is typed, and the server checks
// again before anything is published.
//
// People who fear a filter write around it ("восемь семьсот один…", "ivan собака mail ру",
// "87О1…" with a Cyrillic О), so the text is normalised first (pii/normalise.ts) and every
// finder works on the normalised copy; each span is mapped back to the original characters, so
// the highlight covers exactly what was typed. The finders:
//   pii/digits.ts        phones, IIN, cards: digit groups with any separators
//   pii/contacts.ts      e-mail (also written out), links, handles (also after "тг:")
//   pii/addresses.ts     streets, houses and flats in ru/kk/en
//   pii/institutions.ts  the AIDS centre, narcology, numbered clinics and schools, employers
//   pii/find-places.ts   towns, districts, regions in all case forms (word lists: pii/places.ts)
//   pii/find-names.ts    given names, patronymics, surnames, "меня зовут…" (word lists: pii/names.ts)
//
// JavaScript's `\b` knows only ASCII letters, so in Russian or Kazakh text every position is a
// "boundary". Word edges are spelt out instead with Unicode properties: (?<![\p{L}\p{N}_]) and
// (?![\p{L}\p{N}_]).

import { adminWordsPattern } from './pii/admin-words.js';
import { findAddresses } from './pii/addresses.js';
import { findContacts } from './pii/contacts.js';
import { findNumbers } from './pii/digits.js';
import { findNames } from './pii/find-names.js';
import { findPlaces } from './pii/find-places.js';
import { findInstitutions } from './pii/institutions.js';
import { normalise, originalRange } from './pii/normalise.js';
import { collect, type Found, type PiiKind } from './pii/spans.js';
import { tokenize } from './pii/tokens.js';

export { PII_KINDS, type PiiKind } from './pii/spans.js';

/** One finding; `start`/`end` are UTF-16 offsets into the input (end exclusive), `text` their slice. */
export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
  text: string;
}

export interface DetectOptions {
  /** Words an administrator added (a clinic, a town), matched as places, with endings. */
  places?: readonly string[];
}

/** The result of `detectPersonalData`: sorted by start, non-overlapping; on overlap the longer (then more specific) span wins. */
export function detectPersonalData(text: string, options: DetectOptions = {}): PiiSpan[] {
  const n = normalise(text);
  const found: Found[] = [];
  const tokens = tokenize(n.text);
  findNumbers(n.text, found);
  findContacts(n.text, tokens, found);
  findAddresses(n.text, tokens, found);
  findInstitutions(n.text, tokens, found);
  findPlaces(n.text, tokens, found);
  findNames(n.text, tokens, found);
  const admin = options.places?.length ? adminWordsPattern(options.places) : null;
  if (admin) collect(found, 'place', n.text, admin);
  return resolveOverlaps(text, found.map((f) => {
    const [start, end] = originalRange(n, f.start, f.end);
    return { kind: f.kind, start, end };
  }));
}

// Which span wins when two of the same length overlap: the one whose format is the stricter check.
const SPECIFICITY: Readonly<Record<PiiKind, number>> = { iin: 0, card: 1, email: 2, handle: 3, phone: 4, url: 5, address: 6, name: 7, place: 8 };

function resolveOverlaps(text: string, found: Found[]): PiiSpan[] {
  found.sort(
    (a, b) => b.end - b.start - (a.end - a.start) || SPECIFICITY[a.kind] - SPECIFICITY[b.kind] || a.start - b.start,
  );
  const taken = new Uint8Array(found.length > 1 ? text.length : 0);
  const kept: PiiSpan[] = [];
  for (const f of found) {
    if (f.end <= f.start) continue;
    if (taken.subarray(f.start, f.end).includes(1)) continue;
    taken.fill(1, f.start, f.end);
    kept.push({ ...f, text: text.slice(f.start, f.end) });
  }
  return kept.sort((a, b) => a.start - b.start);
}
