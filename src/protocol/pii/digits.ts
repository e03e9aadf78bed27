import { collect, type Found } from './spans.js';

// Phones, the national ID (ИИН) and card numbers, found on the normalised text (digits are ASCII,
// dashes are "-", spelled numbers are digits). People group a number however they like
// ("701-12-34-567", "8.701.234.56.78", "850315 400005", one digit at a time), so a number is read
// as a run of digit groups with short separators between them, and a phone or IIN is any
// stretch of whole groups whose digits have the right shape: the grouping is not trusted, the
// digits and the group boundaries are.

interface Group {
  start: number;
  end: number;
  digits: string;
  /** The separator before this group (empty for the first of a run). */
  before: string;
  plus: boolean;
}

// Digit groups and what may stand between them: spaces, dots, commas, underscores, slashes,
// hyphens and brackets, at most four characters, never a line break.
const RUN = /\+?\d+(?:[ \t.,_/()-]{1,4}\+?\d+)*/g;
const GROUP = /(\+?)(\d+)/g;

/** Adds every phone, IIN and card number in `text`. */
export function findNumbers(text: string, out: Found[]): void {
  let longest = 0;
  for (const m of text.matchAll(RUN)) {
    // Fewer than six digits make no phone, IIN or card: most numbers in a question stop here.
    const digitCount = countDigits(m[0]);
    longest = Math.max(longest, digitCount);
    if (digitCount < 6) continue;
    const groups: Group[] = [];
    let last = 0;
    for (const g of m[0].matchAll(GROUP)) {
      const start = m.index + g.index + g[1]!.length;
      groups.push({ start, end: start + g[2]!.length, digits: g[2]!, before: m[0].slice(last, g.index), plus: g[1] === '+' });
      last = g.index + g[0].length;
    }
    findIins(groups, out);
    findPhones(text, groups, out);
  }
  if (longest >= 13) findCards(text, out);
}

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

// ---- IIN ------------------------------------------------------------------------------------

function findIins(groups: Group[], out: Found[]): void {
  for (let i = 0; i < groups.length; i++) {
    let digits = '';
    for (let j = i; j < groups.length && digits.length < 12; j++) {
      digits += groups[j]!.digits;
      if (digits.length === 12 && isIin(digits) && iinGrouping(groups, i, j)) {
        out.push({ kind: 'iin', start: groups[i]!.start, end: groups[j]!.end });
        i = j;
        break;
      }
    }
  }
}

/**
 * The checksum passes for one random twelve-digit stretch in about 400, so the grouping must be
 * one people use for an IIN: whole, the birth date first (850315 400005, 750707 3120 32), or
 * equal groups (0209 1830 1706, 91 08 11 38 80 32, digit by digit); and not cut out of a longer
 * number written with the same tight separator (4111-1111-1111-1110).
 */
function iinGrouping(groups: Group[], i: number, j: number): boolean {
  const lengths = groups.slice(i, j + 1).map((g) => g.digits.length);
  if (lengths[0] !== 12 && lengths[0] !== 6 && !lengths.every((l) => l === lengths[0])) return false;
  const tight = (sep: string | undefined): boolean => sep !== undefined && /^[-./_]$/.test(sep);
  return !tight(groups[i]!.before && i > 0 ? groups[i]!.before : undefined) && !tight(groups[j + 1]?.before);
}

// The two weightings of the official IIN checksum (the second is used when the first gives 10).
const IIN_WEIGHTS = [
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2],
] as const;

/** Twelve digits shaped as YYMMDD + century/sex digit 0–6 + serial, with the official check digit. */
export function isIin(s: string): boolean {
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

// ---- Phones ---------------------------------------------------------------------------------

// Words that make a short local number a phone: "тел. 55-66-77", "үйдің телефоны 55-66-77".
const PHONE_CONTEXT = /(?:тел|phone|номер|нөмір|звон|call|сотов|моб|ватсап|whatsapp|ұялы|хабарлас)[\p{L}.]*[\s:—–-]*(?:\p{L}+[\s:—–-]+){0,2}$/iu;
const CODE_AFTER = /^\s*\(?\s*(?:код|code|коды)\s*\d{3,5}/iu;

function findPhones(text: string, groups: Group[], out: Found[]): void {
  for (let i = 0; i < groups.length; i++) {
    const j = phoneEnd(text, groups, i);
    if (j === null) continue;
    const first = groups[i]!;
    const last = groups[j]!;
    let start = first.start - (first.plus ? 1 : 0);
    if (!first.plus && text[start - 1] === '(') start--;
    let end = last.end;
    if (text[end] === ')' && text.lastIndexOf('(', end) >= start) end++;
    out.push({ kind: 'phone', start, end });
    i = j;
  }
}

/** The last group of a phone that starts at group `i`, or null. */
function phoneEnd(text: string, groups: Group[], i: number): number | null {
  const first = groups[i]!;
  let digits = '';
  for (let j = i; j < groups.length; j++) {
    if (j > i && first.plus && /,\s/.test(groups[j]!.before)) break; // "+49 30 1234567, 5 раз"
    digits += groups[j]!.digits;
    const n = digits.length;
    if (n > 15) break;
    if (first.plus) {
      // +7 and ten digits, or any other country code with 7–15 digits in all (E.164); the
      // longest such stretch, so "+49 30 1234567" is one number.
      if (digits[0] === '7') {
        if (n === 11) return j;
        continue;
      }
      if (n >= 7 && (j + 1 === groups.length || n + groups[j + 1]!.digits.length > 15 || /,\s/.test(groups[j + 1]!.before))) return j;
      continue;
    }
    if (n !== 6 && n !== 7 && n !== 10 && n !== 11) continue;
    const span = groups.slice(i, j + 1);
    if (!plausibleGrouping(span)) continue;
    // The trunk prefix 8 or a bare 7 and ten digits; the area code after it starts with 3, 4, 7,
    // 8 or 9 (Kazakhstan's all start with 7), so "80 000 000 000 тенге" is not a phone.
    if (n === 11 && (digits[0] === '8' || digits[0] === '7') && '34789'.includes(digits[1]!)) return j;
    // Ten digits from a Kazakh code (700–778): "701-12-34-567", "701 234 5678".
    if (n === 10 && digits[0] === '7' && digits[1]! <= '7' && !startsInsideLongerNumber(groups, i, j)) return j;
    // A local number: 3-2-2 with hyphens or spaces is one as it stands; other shapes of six or
    // seven digits only after a word like "тел." or before "код 701".
    if ((n === 6 || n === 7) && !startsInsideLongerNumber(groups, i, j)) {
      const shape = span.map((g) => g.digits.length).join('-');
      if (n === 7 && shape === '3-2-2' && span.slice(1).every((g) => g.before === '-' || g.before === ' ')) return j;
      const before = text.slice(Math.max(0, first.start - 40), first.start);
      if (shape !== '6' && shape !== '7' && (PHONE_CONTEXT.test(before) || CODE_AFTER.test(text.slice(groups[j]!.end)))) return j;
    }
  }
  return null;
}

/** Groups as a phone is grouped, not as a list ("8, 7, 10, 12…") or an amount ("7 500 000 000"). */
function plausibleGrouping(span: Group[]): boolean {
  const lengths = span.map((g) => g.digits.length);
  // A list with comma and space between all the items ("8, 7, 10, 12, 11…"): only spoken-style
  // groups of 2–4 digits after the prefix ("восемь, семьсот семь, триста двадцать один…").
  if (span.length > 1 && span.slice(1).every((g) => /,\s/.test(g.before)) && lengths.slice(1).some((l) => l < 2 || l > 4)) return false;
  // Thousands separators: 1–3 digits, then groups of exactly three.
  if (span.length >= 3 && lengths[0]! <= 3 && lengths.slice(1).every((l) => l === 3)) {
    const seps = new Set(span.slice(1).map((g) => g.before));
    if (seps.size === 1) return false;
  }
  return true;
}

/** A short number (six, seven or ten digits) taken from the middle of a longer grouped one (a date, a price) is not a phone. */
function startsInsideLongerNumber(groups: Group[], i: number, j: number): boolean {
  const prev = groups[i - 1];
  const next = groups[j + 1];
  const tight = (g: Group | undefined): boolean => g !== undefined && /^[ \t.,/_-]$/.test(g.before);
  return (prev !== undefined && tight(groups[i])) || tight(next);
}

// ---- Cards ----------------------------------------------------------------------------------

// No issuer number starts with 0, which also keeps zero-filled placeholders out.
const CARD_PATTERNS = [
  /(?<!\d)(?<!\d[.,])[1-9]\d{12,18}(?!\d)(?![.,]\d)/gu,
  /(?<![\d+])(?<!\d[.,])[1-9]\d{3}([ ._/-])\d{4}\1\d{4}\1\d{4}(?!\d)(?![.,]\d)/gu,
  /(?<![\d+])(?<!\d[.,])[1-9]\d{3}([ ._/-])\d{4}\1\d{4}\1\d{4}\1\d{3}(?!\d)(?![.,]\d)/gu,
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
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    let d = c;
    if (double && (d *= 2) > 9) d -= 9;
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
