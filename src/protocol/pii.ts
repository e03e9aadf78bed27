// Personal data an anonymous asker may type without meaning to be found: a phone number, an
// e-mail, a link or messenger handle, the national ID (ИИН), a card number, the city or the
// clinic. Pure and import-free, in protocol/ because both sides run it: the browser warns before
// a question is sent, and the server checks again before anything is published.
//
// JavaScript's `\b` knows only ASCII letters, so in Russian or Kazakh text every position is a
// "boundary". Word edges are spelt out instead with Unicode properties: (?<![\p{L}\p{N}_]) and
// (?![\p{L}\p{N}_]). Numbers are bounded by digits only ("ИИН900101300123" is still an IIN), and a
// digit after a decimal point or comma continues the number (3.1415926535897 is not a card).

/** What the detector finds; part of the API (moderators see each match's kind). */
export const PII_KINDS = ['phone', 'email', 'url', 'handle', 'iin', 'card', 'place'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** One finding; `start`/`end` are UTF-16 offsets into the input (end exclusive), `text` their slice. */
export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
  text: string;
}

export interface DetectOptions {
  /** Place words an administrator added (cities, clinic names), matched like the defaults. */
  places?: readonly string[];
}

/** Kazakhstan's cities (Russian, Kazakh and Latin spellings) and the kinds of clinic whose name locates or labels a patient. */
export const DEFAULT_PLACE_WORDS: readonly string[] = Object.freeze([
  'Алматы', 'Алма-Ата', 'Almaty', 'Alma-Ata',
  'Астана', 'Нур-Султан', 'Astana', 'Nur-Sultan',
  'Шымкент', 'Shymkent',
  'Караганда', 'Қарағанды', 'Karaganda', 'Karagandy', 'Qaraghandy',
  'Актобе', 'Ақтөбе', 'Aktobe', 'Aqtobe',
  'Тараз', 'Taraz',
  'Павлодар', 'Pavlodar',
  'Усть-Каменогорск', 'Өскемен', 'Ust-Kamenogorsk', 'Oskemen', 'Öskemen',
  // Not 'Семей' or 'Орал': in Russian they are also 'of families' and 'shouted', words this
  // service's texts use all the time; an admin can add them where the trade-off differs.
  'Семипалатинск', 'Semey', 'Semipalatinsk',
  'Атырау', 'Atyrau',
  'Костанай', 'Қостанай', 'Kostanay', 'Qostanay',
  'Кызылорда', 'Қызылорда', 'Kyzylorda', 'Qyzylorda',
  // Not the Latin "Oral": in English it is a common word in medical text ("oral contraceptives").
  'Уральск', 'Uralsk',
  'Петропавловск', 'Петропавл', 'Petropavlovsk', 'Petropavl',
  'Актау', 'Ақтау', 'Aktau', 'Aqtau',
  'Темиртау', 'Теміртау', 'Temirtau',
  'Туркестан', 'Түркістан', 'Turkestan', 'Turkistan',
  'Кокшетау', 'Көкшетау', 'Kokshetau',
  'Талдыкорган', 'Талдықорған', 'Taldykorgan',
  'Экибастуз', 'Екібастұз', 'Ekibastuz',
  'Жезказган', 'Жезқазған', 'Zhezkazgan',
  'Конаев', 'Қонаев', 'Konaev',
  'Жанаозен', 'Жаңаөзен', 'Zhanaozen',
  'Балхаш', 'Балқаш', 'Balkhash',
  'Байконур', 'Байқоңыр', 'Baikonur',
  'Степногорск', 'Щучинск', 'Риддер', 'Кентау',
  'СПИД-центр', 'ЖИТС орталығы', 'AIDS center', 'AIDS centre',
  'наркодиспансер', 'психдиспансер', 'диспансер', 'КВД', 'ЦПМСП',
  'поликлиника №', 'емхана №', 'clinic',
]);

/** The result of `detectPersonalData`: sorted by start, non-overlapping; on overlap the longer (then more specific) span wins. */
export function detectPersonalData(text: string, options: DetectOptions = {}): PiiSpan[] {
  const found: Found[] = [];
  findPhones(text, found);
  findCards(text, found);
  collect(found, 'iin', text, IIN, (m) => (isIin(m) ? m.length : null));
  if (text.includes('@')) {
    collect(found, 'email', text, EMAIL);
    collect(found, 'handle', text, AT_HANDLE);
  }
  collect(found, 'handle', text, MESSENGER_LINK);
  for (const pattern of URL_PATTERNS) collect(found, 'url', text, pattern, trimmedUrlLength);
  const places = options.places?.length ? placePattern([...DEFAULT_PLACE_WORDS, ...options.places]) : DEFAULT_PLACES;
  if (places) collect(found, 'place', text, places);
  return resolveOverlaps(text, found);
}

type Found = Omit<PiiSpan, 'text'>;

/**
 * Adds the matches of `pattern` that `keep` accepts; `keep` returns how much of the match to keep.
 * A rejected match restarts the search one character later, so that a long invalid candidate
 * (a Luhn-invalid run) cannot hide a valid one that starts inside it.
 */
function collect(
  out: Found[],
  kind: PiiKind,
  text: string,
  pattern: RegExp,
  keep: (match: string) => number | null = (m) => m.length,
): void {
  // A fresh copy: `exec` moves lastIndex, and the module's patterns must stay stateless.
  const re = new RegExp(pattern.source, pattern.flags);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const length = keep(m[0]);
    if (length !== null && length > 0) {
      out.push({ kind, start: m.index, end: m.index + length });
      re.lastIndex = m.index + length;
    } else {
      // Step over a whole code point: with the u flag a restart inside a surrogate pair could match the same place again.
      re.lastIndex = m.index + ((text.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
    }
  }
}

// Which span wins when two of the same length overlap: the one whose format is the stricter check.
const SPECIFICITY: Readonly<Record<PiiKind, number>> = { iin: 0, card: 1, email: 2, handle: 3, phone: 4, url: 5, place: 6 };

function resolveOverlaps(text: string, found: Found[]): PiiSpan[] {
  found.sort(
    (a, b) => b.end - b.start - (a.end - a.start) || SPECIFICITY[a.kind] - SPECIFICITY[b.kind] || a.start - b.start,
  );
  const taken = new Uint8Array(found.length > 1 ? text.length : 0);
  const kept: PiiSpan[] = [];
  for (const f of found) {
    if (taken.subarray(f.start, f.end).includes(1)) continue;
    taken.fill(1, f.start, f.end);
    kept.push({ ...f, text: text.slice(f.start, f.end) });
  }
  return kept.sort((a, b) => a.start - b.start);
}

// ---- Phones ----------------------------------------------------------------------------------

// +7 or the trunk prefix 8 (Kazakhstan and Russia share +7), then ten digits however grouped; the
// first group must be the 3–5-digit area code, so "80 000 000 000 тенге" is not a phone.
const PHONE_PLUS7 = /(?<![\d+])(?<!\d[.,])(?:\+7|8)[ -]?(?:\(\d{3,5}\)[ -]?\d+|\d{3,})(?:[ -]\d+)*/gu;
// Without a prefix only the fixed 3-3-2-2 shape with a 7xx code (every Kazakh area code starts with
// 7): looser shapes would take prices written with thousands separators.
const PHONE_LOCAL = /(?<![\d+])(?<!\d[.,])(?:\(7\d{2}\)|7\d{2})[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}(?!\d)(?![.,]\d)/gu;
// Any other country code: 7–15 digits in all (E.164), grouped by spaces, hyphens or a bracketed code.
const PHONE_INTERNATIONAL = /(?<![\p{L}\p{N}_+])\+(?!7)\d+(?:[ -]?\(\d+\)(?:[ -]?\d+)?|[ -]\d+)*/gu;

function findPhones(text: string, out: Found[]): void {
  // The greedy match may run into a following number ("+7 701 123 45 67 2 раза"): cut after the eleventh digit.
  collect(out, 'phone', text, PHONE_PLUS7, (m) => lengthThroughDigits(m, 11));
  collect(out, 'phone', text, PHONE_LOCAL);
  collect(out, 'phone', text, PHONE_INTERNATIONAL, (m) => {
    const digits = countDigits(m);
    return digits >= 7 && digits <= 15 ? m.length : null;
  });
}

/** Length of `s` through its `n`-th digit, or null if there are fewer or that digit does not end a group. */
function lengthThroughDigits(s: string, n: number): number | null {
  let seen = 0;
  for (let i = 0; i < s.length; i++) {
    if (!isDigit(s[i]) || ++seen < n) continue;
    return isDigit(s[i + 1]) ? null : i + 1;
  }
  return null;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function countDigits(s: string): number {
  let n = 0;
  for (const c of s) if (isDigit(c)) n++;
  return n;
}

// ---- National ID and cards -------------------------------------------------------------------

const IIN = /(?<!\d)(?<!\d[.,])\d{12}(?!\d)(?![.,]\d)/gu;

// The two weightings of the official IIN checksum (the second is used when the first gives 10).
const IIN_WEIGHTS = [
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2],
] as const;

/** Twelve digits shaped as YYMMDD + century/sex digit 0–6 + serial, with the official check digit. */
function isIin(s: string): boolean {
  const d = Array.from(s, (c) => c.charCodeAt(0) - 48);
  const month = d[2]! * 10 + d[3]!;
  const day = d[4]! * 10 + d[5]!;
  if (month < 1 || month > 12 || day < 1 || day > 31 || d[6]! > 6) return false;
  for (const weights of IIN_WEIGHTS) {
    const check = weights.reduce((sum, w, i) => sum + w * d[i]!, 0) % 11;
    if (check !== 10) return check === d[11];
  }
  // Both weightings give 10: such numbers are never issued.
  return false;
}

// No issuer number starts with 0, which also keeps zero-filled placeholders out.
const CARD_PATTERNS = [
  /(?<!\d)(?<!\d[.,])[1-9]\d{12,18}(?!\d)(?![.,]\d)/gu,
  /(?<![\d+])(?<!\d[.,])[1-9]\d{3}([ -])\d{4}\1\d{4}\1\d{4}(?!\d)(?![.,]\d)/gu,
  /(?<![\d+])(?<!\d[.,])[1-9]\d{3}([ -])\d{4}\1\d{4}\1\d{4}\1\d{3}(?!\d)(?![.,]\d)/gu,
  // American Express prints 4-6-5.
  /(?<![\d+])(?<!\d[.,])[1-9]\d{3}([ -])\d{6}\1\d{5}(?!\d)(?![.,]\d)/gu,
] as const;

function findCards(text: string, out: Found[]): void {
  for (const pattern of CARD_PATTERNS) collect(out, 'card', text, pattern, (m) => (passesLuhn(m) ? m.length : null));
}

/** The Luhn check over the digits of `s` (separators skipped). */
function passesLuhn(s: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s[i];
    if (!isDigit(c)) continue;
    let d = c!.charCodeAt(0) - 48;
    if (double && (d *= 2) > 9) d -= 9;
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// ---- E-mail, handles, links ------------------------------------------------------------------

// Local parts and domains may be Cyrillic (пример@почта.рф); a punycode TLD (xn--p1ai) is allowed too.
// The lookbehind lets a match start only where a local part starts, which keeps the scan linear.
const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}_%+-][\p{L}\p{N}._%+-]*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,24}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{N}_-])/giu;

// An @ right after a word character belongs to an e-mail address, not to a handle.
const AT_HANDLE = /(?<![\p{L}\p{N}_])@[A-Za-z0-9_]{4,32}(?![\p{L}\p{N}_])/gu;

// Telegram usernames and invite links, WhatsApp numbers; the optional scheme keeps the whole link one handle.
const MESSENGER_LINK =
  /(?<![\p{L}\p{N}_./-])(?:https?:\/\/)?(?:www\.)?(?:(?:t|telegram)\.me\/(?:[A-Za-z0-9_]{4,32}|(?:\+|joinchat\/)[A-Za-z0-9_-]{4,64})|wa\.me\/\+?\d{7,15})(?![\p{L}\p{N}_-])/giu;

// A bare domain needs one of these TLDs, so "Привет.Как" or "e.g." are not links. It may not start
// in the middle of a dotted name: retrying from every dot would make long dotted text quadratic.
const URL_TLDS = ['kz', 'ru', 'com', 'org', 'net', 'info', 'me', 'io', 'рф', 'қаз', 'uz', 'kg', 'ua', 'by', 'de', 'uk', 'us'];

const URL_TAIL = String.raw`[^\s<>"'«»“”\[\]{}]`;
const URL_PATTERNS = [
  new RegExp(String.raw`(?<![\p{L}\p{N}_])https?:\/\/[\p{L}\p{N}]${URL_TAIL}*`, 'giu'),
  new RegExp(String.raw`(?<![\p{L}\p{N}_./])www\.[\p{L}\p{N}]${URL_TAIL}*`, 'giu'),
  new RegExp(
    String.raw`(?<![\p{L}\p{N}_@]|[\p{L}\p{N}]\.)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:${URL_TLDS.join('|')})(?![\p{L}\p{N}_-])(?::\d{2,5})?(?:[/?#]${URL_TAIL}*)?`,
    'giu',
  ),
] as const;

/** Length of a link without the sentence punctuation that follows it; a ")" stays when it closes a "(" in the link. */
function trimmedUrlLength(url: string): number {
  let opened = 0;
  let closed = 0;
  for (const c of url) {
    if (c === '(') opened++;
    else if (c === ')') closed++;
  }
  let end = url.length;
  for (;;) {
    const c = url[end - 1];
    if (c !== undefined && '.,;:!?…'.includes(c)) end--;
    else if (c === ')' && closed > opened) {
      end--;
      closed--;
    } else return end;
  }
}

// ---- Places ----------------------------------------------------------------------------------

/**
 * One alternative per place word. Russian and Kazakh inflect by endings (Шымкент → Шымкенте,
 * Шымкентте), so a Cyrillic word takes up to four more letters; a final а/я/й of a word of six
 * letters or more gives way to the ending (Астана → Астане, Костанай → Костанае). Short words
 * keep theirs: "Семе…" would match "семена". Latin words take only a plural s, so "clinic" does
 * not match "clinical". Hyphens and spaces inside an entry match either or none ("СПИД центр").
 * An entry ending in № takes the number after it, which is what identifies the clinic.
 */
function placeAlternative(entry: string): string | null {
  const tokens = entry.trim().match(/\p{L}+|[\s\-‐–]+|./gsu) ?? [];
  if (!tokens.some((t) => /[\p{L}\p{N}]/u.test(t))) return null; // an entry of punctuation would mark punctuation everywhere
  const parts = tokens.map((t) => {
    if (/^\p{Script=Cyrillic}+$/u.test(t)) {
      if (t.length >= 6 && /[аяй]$/iu.test(t)) return String.raw`${t.slice(0, -1)}\p{Script=Cyrillic}{1,5}`;
      return String.raw`${t}\p{Script=Cyrillic}{0,4}`;
    }
    if (/^\p{Script=Latin}+$/u.test(t)) return `${t}s?`;
    if (/^[\s\-‐–]+$/u.test(t)) return String.raw`[\s\-‐–]{0,3}`;
    return t.replace(/[.*+?^${}()|[\]\\/]/g, String.raw`\$&`);
  });
  if (tokens.at(-1) === '№') parts.push(String.raw`(?:\s?\d+)?`);
  return parts.join('');
}

function placePattern(entries: readonly string[]): RegExp | null {
  // Longest first, so "AIDS center" is tried before an admin's "AIDS".
  const unique = [...new Set(entries)].sort((a, b) => b.length - a.length);
  const alternatives = unique.map(placeAlternative).filter((a): a is string => a !== null);
  if (alternatives.length === 0) return null;
  return new RegExp(String.raw`(?<![\p{L}\p{N}_])(?:${alternatives.join('|')})(?![\p{L}\p{N}_])`, 'giu');
}

const DEFAULT_PLACES = placePattern(DEFAULT_PLACE_WORDS);
