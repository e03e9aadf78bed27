import { caseless } from './caseless.js';
import type { Found } from './spans.js';
import type { Token } from './tokens.js';

// Street addresses as they are written in Kazakhstan: Russian puts the street word first
// ("ул. Абая 150, кв. 7", "мкр Самал-2, д. 15"), Kazakh after the name ("Абай көшесі 15, 12
// пәтер"), English either way ("15 Abay Street", "apt 4"); and the colloquial "на Сатпаева 30а",
// "угол Абая и Байтурсынова". A house or flat number alone counts ("дом 5", "үй 15"), unless a
// unit follows it ("квартиру 2 года назад", "в доме 5 человек").

const WORD = String.raw`\p{L}[\p{L}'’]*(?:-\d{1,2}|-\p{L}+)?`;
const CAP_WORD = String.raw`\p{Lu}[\p{L}'’]*(?:-\d{1,2}|-\p{L}+)?`;
const UNITS = caseless(String.raw`лет|год\p{L}*|раз\p{L}*|мес\p{L}*|дн\p{L}*|день|недел\p{L}*|час\p{L}*|мин\p{L}*|сек\p{L}*|мг|мл|кг|г|л|км|м|тенге|тг|₸|копий|клет\p{L}*|шт|человек|люд\p{L}*|комнат\p{L}*|этаж\p{L}*|градус\p{L}*|процент\p{L}*|таблет\p{L}*|январ\p{L}*|феврал\p{L}*|март\p{L}*|апрел\p{L}*|ма[яй]|июн\p{L}*|июл\p{L}*|август\p{L}*|сентябр\p{L}*|октябр\p{L}*|ноябр\p{L}*|декабр\p{L}*|years?|times|mg|ml|kg|days?|weeks?|months?|hours?|minutes?|people|rooms?|floors?|жыл\p{L}*|ай|күн\p{L}*|рет|жас\p{L}*|сағат\p{L}*|минут\p{L}*|мың|адам`);
const NOT_A_QUANTITY = String.raw`(?!\d)(?![.,]\d)`;
// Checked in code after a match, not inside the patterns, where it would be repeated at every number.
const QUANTITY = new RegExp(String.raw`\s*(?:%|(?:${UNITS})(?![\p{L}]))`, 'uy');
// A house number: "150", "30а", "124/1", "5-2", but not "2 года" or "5 человек".
const NUM = String.raw`\d{1,4}(?:[а-яА-Яa-zA-Z](?![\p{L}\d]))?(?:[ ]?[/\\-][ ]?\d{1,4}[а-яa-z]?(?![\p{L}\d]))?${NOT_A_QUANTITY}`;
// The parts after the street: house, building, flat, office, entrance, in the three languages.
const PART_WORD = caseless(String.raw`(?:дом|доме|д|корпус|корп|к|строение|стр|квартира|квартире|квартиру|кв-ра|кв|офис|оф|подъезд|под|блок|участок|уч|үйі|үй|пәтері|пәтер|apartment|apt|flat|house|building|bldg|block|suite|room)`);
const PART = String.raw`(?:,?\s*${PART_WORD}\.?\s*№?\s*${NUM}|,?\s*${NUM}\s?-?\s?(?:үйі|үйде|үй|пәтері|пәтерде|пәтер)(?![\p{L}]))`;
// Words that are a house or flat number on their own ("д" and "к" need more around them).
const ALONE_WORD = caseless(String.raw`(?:дом|д\.|квартира|квартире|квартиру|кв-ра|кв|үйі|үй|пәтері|пәтер|apartment|apt|flat|house|building|bldg)`);

const RU_STREET = caseless(String.raw`(?:улица|улице|улицу|улицы|улицей|ул|проспекте|проспекта|проспекту|проспектом|проспект|пр-кт|пр-т|просп|пр|микрорайоне|микрорайона|микрорайон|мкр-н|мкрн|мкр|переулок|переулке|переулка|пер|бульваре|бульвара|бульвар|б-р|бул|шоссе|жк|жилмассиве|жилмассив|ж/м)`);
const KK_STREET = String.raw`(?:көшесі\p{L}*|көш\.|даңғылы\p{L}*|даңғ\.|шағын\s+аудан\p{L}*|ш\.\s?а\.?|ш/а|ықшам\s+аудан\p{L}*|алаңы\p{L}*|тұйық\s+көшесі\p{L}*)`;
const EN_STREET = caseless(String.raw`(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|microdistrict|mcr)`);
const STREET_NUMBER_NAME = String.raw`\d{1,3}(?:-?\p{L}{1,3})?(?![\d\p{L}])${NOT_A_QUANTITY}`;

// Each pattern runs only on text that has a word it starts from (a set lookup per word, much
// cheaper than letting the pattern try every position of a text that has none).
type Hint = (text: string, tokens: readonly Token[]) => boolean;
const anyWord = (...keys: string[]): Hint => {
  const set = new Set(keys);
  return (_text, tokens) => tokens.some((t) => set.has(t.key));
};
const inText = (re: RegExp): Hint => (text) => re.test(text);
const always: Hint = () => true;

/** Each pattern's group 1, when it has one, is the address; otherwise the whole match. */
const PATTERNS: readonly (readonly [hint: Hint, pattern: RegExp])[] = [
  // Russian: the street word, its name (a capital, a number, or any words before a house number), the house and the rest.
  [anyWord('ул', 'улица', 'улице', 'улицу', 'улицы', 'улицей', 'проспект', 'проспекте', 'проспекта', 'проспекту', 'проспектом', 'пр', 'просп', 'мкр', 'мкрн', 'микрорайон', 'микрорайоне', 'микрорайона', 'пер', 'переулок', 'переулке', 'переулка', 'бул', 'бульвар', 'бульваре', 'бульвара', 'б', 'шоссе', 'жк', 'ж', 'жилмассив', 'жилмассиве'),
    new RegExp(String.raw`(?<![\p{L}\d])${RU_STREET}(?![\p{L}])\.?\s*(?:«[^»\n]{1,40}»|"[^"\n]{1,40}"|${STREET_NUMBER_NAME}|${CAP_WORD}(?:[ ]${WORD}){0,2}|${WORD}(?:[ ]${WORD}){0,2}(?=,?\s*(?:${PART_WORD}\.?\s*)?\d))(?:,?\s*(?:д\.?\s*|дом\s*)?${NUM})?(?:${PART})*`, 'gu')],
  // Kazakh: the name, the street word after it, then the numbers.
  [inText(/көш|даңғ|шағын|ш\.\s?а|ш\/а|ықшам|алаң/u),
    new RegExp(String.raw`(?<![\p{L}\d])(?:${CAP_WORD}(?:\s${WORD})?|${WORD}|\d{1,3})\s+${KK_STREET}(?:,?\s*${NUM}(?:\s?-?\s?(?:үйі|үй))?)?(?:${PART})*`, 'gu')],
  // English: "15 Abay Street", "Dostyk Avenue 97", "Samal-2 microdistrict, house 15".
  [anyWord('street', 'st', 'avenue', 'ave', 'road', 'rd', 'boulevard', 'blvd', 'lane', 'ln', 'microdistrict', 'mcr'),
    new RegExp(String.raw`(?<![\p{L}\d])(?:\d{1,4}\s+)?${CAP_WORD}(?:\s${CAP_WORD})?\s+${EN_STREET}\.?(?![\p{L}])(?:,?\s*${NUM})?(?:${PART})*`, 'gu')],
  // A house or flat on its own: "дом 5, квартира 12", "кв. 34", "үй 15", "apartment 12", "12 үй".
  [anyWord('дом', 'д', 'кв', 'квартира', 'квартире', 'квартиру', 'ра', 'уй', 'уйи', 'патер', 'патери', 'apartment', 'apt', 'flat', 'house', 'building', 'bldg'),
    new RegExp(String.raw`(?<![\p{L}\d])(?:${ALONE_WORD}\.?\s*№?\s*${NUM}|${NUM}\s?-?\s?(?:үйі|үй|пәтері|пәтер)(?![\p{L}]))(?:${PART})*`, 'gu')],
  // After "адрес:", "по адресу", "мекенжайым", "my address is": the words up to the last number.
  [inText(/адрес|мекен|address/iu),
    new RegExp(String.raw`(?<![\p{L}])${caseless(String.raw`(?:адресу|адрес|мекен-?жай\p{L}*|address(?:\s+is)?)`)}\s*[:—–-]?\s*(?!${caseless('почт|электрон|эл|e-?mail|сайт|пошта')})([^\n.!?@:]{0,50}?\d{1,4}(?:[а-яa-z](?![\p{L}]))?(?:[/-]\d{1,4})?(?:${PART})*)(?!\d)`, 'gu')],
  // Colloquial: "на Сатпаева 30а", "по Абая 10".
  [always,
    new RegExp(String.raw`(?<![\p{L}])${caseless('(?:на|по|возле|около)')}\s+(\p{Lu}\p{L}+[ая]\s+${NUM}(?:${PART})*)`, 'gu')],
  // Corners: "угол Абая и Байтурсынова".
  [anyWord('угол', 'углу', 'пересечение', 'пересечении', 'пересечения', 'киылысы'),
    new RegExp(String.raw`(?<![\p{L}])${caseless('(?:углу|угол|пересечение|пересечении|қиылысы)')}\s+(?:ул\.?\s*)?\p{Lu}\p{L}+\s*(?:и|/|,|-|және)\s*(?:ул\.?\s*)?\p{Lu}\p{L}+`, 'gu')],
];

/** Adds every street address in `text`. */
export function findAddresses(text: string, tokens: readonly Token[], out: Found[]): void {
  for (const [hint, pattern] of PATTERNS) {
    if (!hint(text, tokens)) continue;
    const re = pattern;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const part = m[1];
      const start = part === undefined ? m.index : m.index + m[0].length - part.length;
      const body = (part ?? m[0]).replace(/[\s,.;:-]+$/u, '');
      if (body.length > 0 && !hasQuantity(text, start, start + body.length)) out.push({ kind: 'address', start, end: start + body.length });
      if (m[0].length === 0) re.lastIndex++;
    }
    re.lastIndex = 0;
  }
}

/** A number in [start, end) is followed by a unit ("дом 2 года", "в доме 5 человек", "улице 30 градусов"). */
function hasQuantity(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (!isDigit(text.charCodeAt(i)) || isDigit(text.charCodeAt(i + 1))) continue;
    QUANTITY.lastIndex = i + 1;
    if (QUANTITY.test(text)) return true;
  }
  return false;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
