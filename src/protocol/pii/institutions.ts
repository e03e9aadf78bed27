import { caseless } from './caseless.js';
import { REGION_ABBREVIATIONS } from './places.js';
import { collect, type Found } from './spans.js';

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
export function findInstitutions(text: string, out: Found[]): void {
  const keep = (m: string): number => m.replace(/\s+$/u, '').length;
  // Each group of patterns runs only where what it starts from is found.
  if (CLINIC_HINT.test(text)) for (const pattern of CLINIC_PATTERNS) collect(out, 'place', text, pattern, keep);
  if (NUMBERED_HINT.test(text)) for (const pattern of NUMBERED_PATTERNS) collect(out, 'place', text, pattern, keep);
  collect(out, 'place', text, EMPLOYER, keep);
  collect(out, 'place', text, REGION_ABBREVIATION, keep);
}

const CLINIC_HINT = /спид|aids|житс|hiv|вич|нарко|narcolog|диспансер|dispensar|кожвен|квд|цпмсп|квкдц|пнд|црб|цгб|гкб|бсмп|гп\s*№/iu;
const NUMBERED_HINT = /№|#|(?<![\p{L}])(?:N|No|номер)\s*\d|\d\s*-/iu;
