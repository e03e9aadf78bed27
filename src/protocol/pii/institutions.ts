import { caseless } from './caseless.js';
import { REGION_ABBREVIATIONS } from './places.js';
import { collect, type Found } from './spans.js';
import type { Token } from './tokens.js';

// Clinics and employers, reported as places: the AIDS centre ("ГЦ СПИД", "центр по
// профилактике и борьбе со СПИД", "ЖИТС орталығы"), narcology and the other dispensaries (each
// names a diagnosis as well as a place), a clinic, school or hospital by its number ("в 5-й
// поликлинике", "школа №25", "№3 емхана"), and a company by its legal form ("АО «Казахтелеком»").
// A place of treatment in general terms ("в поликлинике", "у нарколога", "the clinic") is not
// flagged: it identifies nobody.

const L = String.raw`\p{L}*`;
const AIDS = String.raw`(?:СПИД|СПИДа|СПИДом|спид${L}|AIDS)`;
const PREVENTION = caseless(String.raw`(?:по\s+)?(?:профилактик${L}\s+и\s+)?(?:борьб${L}\s+(?:со?|против)\s+)?`);

const CLINIC_PATTERNS: readonly RegExp[] = [
  // The AIDS centre by its abbreviation, its official name, or with the city or region it
  // serves. "центр СПИД" alone is the kind of place, said in general terms (answers say "a
  // psychologist at the AIDS centre" all the time), and is not flagged.
  new RegExp(String.raw`(?<![\p{L}])(?:[ГРО]Ц|ГорЦ|ОблЦ|КНЦ)\s*${PREVENTION}${AIDS}(?![\p{L}])`, 'gu'),
  new RegExp(String.raw`(?<![\p{L}])${caseless(`центр${L}\\s+по\\s+`)}${PREVENTION}${AIDS}(?![\p{L}])`, 'gu'),
  new RegExp(String.raw`(?<![\p{L}])${caseless(`(?:городск|областн|республиканск|региональн|алматинск|астанинск|шымкентск|карагандинск)${L}\\s+центр${L}\\s+`)}${PREVENTION}${AIDS}(?![\p{L}])`, 'gu'),
  new RegExp(String.raw`(?<![\p{L}])${AIDS}[\s-]?${caseless(`(?:центр${L}|centers?|centres?|clinics?)`)}`, 'gu'),
  new RegExp(String.raw`(?<![\p{L}])(?:ЖИТС|житс)(?:${L}[\s-]+(?:\p{L}+[\s-]+){0,5}?${caseless('күрес')}${L}[\s-]+|[\s-]+)${caseless(`орталығ${L}`)}`, 'gu'),
  // Narcology and the dispensaries.
  new RegExp(String.raw`(?<![\p{L}])${caseless(String.raw`(?:наркологи(?:я|и|ю|ей|ческ\p{L}*|ялық\p{L}*)|нарко(?:диспансер|центр|больниц|логическ)\p{L}*|психдиспансер\p{L}*|психоневрологическ\p{L}*\s+диспансер\p{L}*|тубдиспансер\p{L}*|противотуберкул[её]зн\p{L}*\s+диспансер\p{L}*|кожвен\p{L}*|диспансер(?!изац)\p{L}*|narcolog\p{L}*|(?:drug|psychiatric)\s+dispensar\p{L}*)`)}(?![\p{L}])`, 'gu'),
  new RegExp(String.raw`(?<![\p{L}])(?:${caseless('квд|цпмсп|квкдц')}|ПНД|ЦРБ|ЦГБ|ГКБ\s*№?\s*\d{0,3}|БСМП|ГП\s*№\s*\d{1,3})(?![\p{L}])`, 'gu'),
];

// Institutions that a number identifies.
const NUMBERED = caseless(String.raw`(?:поликлиник${L}|горбольниц${L}|больниц${L}|роддом${L}|родильн${L}\s+дом${L}|школ${L}|гимнази${L}|лице[йяеюм]${L}|садик${L}|детсад${L}|детск${L}\s+сад${L}|ясл${L}|колледж${L}|интернат${L}|колони${L}|емхана${L}|аурухана${L}|мектеп${L}|балабақша${L}|clinic|hospital|school|kindergarten|polyclinic)`);
// "3-я городская больница", "5-я детская поликлиника".
const QUALIFIER = caseless(String.raw`(?:городск|областн|районн|детск|центральн|республиканск|инфекционн|многопрофильн|общеобразовательн|средн|қалалық|облыстық|аудандық|балалар)${L}`);
// An ordinal written with a hyphen: "5-й", "7-ая", "3-емхана", "№3".
const ORDINAL = caseless('(?:ая|ой|ую|ые|ий|ом|я|й|ю|інші|ыншы|ші|шы)');
const NUMBERED_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`(?<![\p{L}\d])${NUMBERED}\s*(?:№|N|No\.?|#|${caseless('номер')})\s*\d{1,4}(?!\d)`, 'gu'),
  new RegExp(String.raw`(?<![\p{L}\d])(?:№\s*\d{1,4}|\d{1,3}\s*-\s*${ORDINAL}?)\s*(?:${QUALIFIER}\s+)?${NUMBERED}`, 'gu'),
];

// A company by its legal form, then its name in quotes or capitalised words. Case-sensitive:
// "АО" and "ИП" are capitals.
const EMPLOYER = new RegExp(
  String.raw`(?<![\p{L}])(?:АО|ТОО|ИП|ГУ|КГУ|КГП|РГП|ГКП|ГККП|ОО|ОФ|АҚ|ЖШС|МКК|ООО|ЗАО|ПАО|LLP|JSC|LLC|Ltd)(?![\p{L}])(?:\s+на\s+ПХВ)?(?:\s*(?:«[^»\n]{1,60}»|"[^"\n]{1,60}"|“[^”\n]{1,60}”|„[^“\n]{1,60}“)|\s+\p{Lu}[\p{L}-]+(?:\s+\p{Lu}[\p{L}-]+){0,2})`,
  'gu',
);
const REGION_ABBREVIATION = new RegExp(String.raw`(?<![\p{L}])(?:${REGION_ABBREVIATIONS.join('|')})(?![\p{L}])`, 'gu');

/** Adds every clinic, numbered institution, employer and region abbreviation in `text`. */
export function findInstitutions(text: string, tokens: readonly Token[], out: Found[]): void {
  // The clinic and numbered patterns run only on the stretches around a word they need (a few
  // dozen characters), not from every position of the whole text.
  collectAround(out, text, CLINIC_ANCHOR, 90, CLINIC_PATTERNS);
  if (tokens.some((t) => NUMBERED_WORD.test(t.key))) collectAround(out, text, NUMBERED_ANCHOR, 50, NUMBERED_PATTERNS);
  collect(out, 'place', text, EMPLOYER, trimmed);
  collect(out, 'place', text, REGION_ABBREVIATION, trimmed);
}

const trimmed = (m: string): number => m.replace(/\s+$/u, '').length;
const CLINIC_ANCHOR = /спид|aids|житс|hiv|вич|нарко|narcolog|диспансер|dispensar|кожвен|квд|цпмсп|квкдц|пнд|црб|цгб|гкб|бсмп|гп\s*№/giu;
const NUMBERED_ANCHOR = /№|#|(?<![\p{L}])(?:N|No|номер)(?=\.?\s*\d)|\d\s*-/giu;
// The start of an institution word, in lower case and folded (tokens.ts).
const NUMBERED_WORD = /^(?:поликлиник|горбольниц|больниц|роддом|родильн|школ|гимнази|лице[йяеюм]|садик|детсад|детск|ясл|колледж|интернат|колони|емхана|аурухана|мектеп|балабакша|clinic|hospital|school|kindergarten|polyclinic)/u;

/** Runs `patterns` on the stretches of `text` within `reach` characters of a match of `anchor`, each widened to whole words. */
function collectAround(out: Found[], text: string, anchor: RegExp, reach: number, patterns: readonly RegExp[]): void {
  const windows: { start: number; end: number }[] = [];
  for (const m of text.matchAll(anchor)) {
    let start = Math.max(0, m.index - reach);
    while (start > 0 && !/\s/u.test(text[start - 1]!)) start--;
    let end = Math.min(text.length, m.index + m[0].length + reach);
    while (end < text.length && !/\s/u.test(text[end]!)) end++;
    const last = windows.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else windows.push({ start, end });
  }
  for (const w of windows) {
    const found: Found[] = [];
    const slice = text.slice(w.start, w.end);
    for (const pattern of patterns) collect(found, 'place', slice, pattern, trimmed);
    for (const f of found) out.push({ kind: f.kind, start: f.start + w.start, end: f.end + w.start });
  }
}
