import { foldKey } from './fold.js';
import {
  AREA_NOUN, COMPOUND_START, lexicon, PLACE, PLACE_ADJECTIVE, PLACE_BEFORE_AREA, PLACE_CAPITAL, PLACE_CONTEXT,
} from './lexicon.js';
import { PLACE_PREPOSITIONS } from './places.js';
import type { Found } from './spans.js';
import { gap, startsSentence, type Token } from './tokens.js';

// Towns, districts and regions of Kazakhstan in any case form, by word lookup in the lexicon.
// A name that is also an ordinary word needs context: a preposition before it and a capital
// ("из Орала", not "она орала"), or an area noun after it ("Семей қаласы").

const ANY_PLACE = PLACE | PLACE_CAPITAL | PLACE_CONTEXT | PLACE_BEFORE_AREA | PLACE_ADJECTIVE;
const PREPOSITIONS = new Set(PLACE_PREPOSITIONS.map(foldKey));
const COMPOUND_GAP = /^[\s-]{1,3}$/u;
const WORD_GAP = /^\s{1,3}$/u;

/** Adds the place names found among `tokens`. */
export function findPlaces(text: string, tokens: Token[], out: Found[]): void {
  const lex = lexicon();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let last = i;
    let flags = lex.get(t.key) ?? 0;
    if (flags & COMPOUND_START) {
      // The longest name of several words that starts here ("Усть-Каменогорске", "Алма Ате").
      for (let n = Math.min(3, tokens.length - i); n >= 2; n--) {
        const words = tokens.slice(i, i + n);
        if (!words.slice(1).every((w, k) => COMPOUND_GAP.test(gap(text, words[k]!, w)))) continue;
        const compound = lex.get(words.map((w) => w.key).join(' ')) ?? 0;
        if (compound & ANY_PLACE) {
          flags = compound;
          last = i + n - 1;
          break;
        }
      }
    }
    if (!(flags & ANY_PLACE)) continue;
    const next = tokens[last + 1];
    const area = next !== undefined && (lex.get(next.key) ?? 0) & AREA_NOUN && WORD_GAP.test(gap(text, tokens[last]!, next)) ? next : null;
    const prev = tokens[i - 1];
    const afterPreposition = prev !== undefined && PREPOSITIONS.has(prev.key) && /^\.?\s{1,2}$/u.test(gap(text, prev, t));
    const isPlace =
      flags & PLACE ||
      (flags & PLACE_CAPITAL && t.capital) ||
      (flags & PLACE_CONTEXT && (area || (t.capital && afterPreposition))) ||
      (flags & PLACE_BEFORE_AREA && area) ||
      (flags & PLACE_ADJECTIVE && (area || (t.capital && !startsSentence(text, t))));
    if (!isPlace) continue;
    // The area noun belongs to the name ("Алматинской области", "Түркістан облысында").
    let end = area ? area.end : tokens[last]!.end;
    if (area && text[end] === '.' && area.end - area.start <= 4) end++;
    out.push({ kind: 'place', start: t.start, end });
    i = area ? last + 1 : last;
  }
}
