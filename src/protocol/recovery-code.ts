// The recovery code is the asker's only way back (DESIGN.md §3): 128 random bits written as
// Crockford base32 (no I, L, O, U: nothing to misread on a shared phone's screen), plus two
// check characters. The first is a Luhn mod 32 check, which catches every single mistyped
// character; the second is a position-weighted sum mod 29 over everything before it. A swap of
// two neighbours changes that sum by their difference, so together the two catch every swap of
// neighbours that differ (Luhn misses only 0↔Z, whose difference, 31, is not a multiple of 29),
// and most other slips 1 time in 900 at worst.

import { assertBytes } from './bytes.js';
import { KEY_SIZES, RECOVERY_CODE } from './constants.js';

export const RECOVERY_SECRET_BYTES = KEY_SIZES.recoverySecret;
const { alphabet: ALPHABET, dataChars: DATA_CHARS, checkChars: CHECK_CHARS, group: GROUP, luhnModulus: LUHN, weightedModulus: WEIGHTED } = RECOVERY_CODE;

export type RecoveryCodeResult =
  | { ok: true; secret: Uint8Array }
  | { ok: false; reason: 'length' | 'character' | 'checksum' };

function symbolOf(ch: string): number {
  const c = ch.toUpperCase();
  // Crockford's decoding rules: the easily confused letters read as the digits they look like.
  const folded = c === 'O' ? '0' : c === 'I' || c === 'L' ? '1' : c;
  return ALPHABET.indexOf(folded);
}

function luhnMod32(symbols: number[]): number {
  let factor = 2;
  let sum = 0;
  for (let i = symbols.length - 1; i >= 0; i--) {
    let addend = factor * symbols[i]!;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / LUHN) + (addend % LUHN);
    sum += addend;
  }
  return (LUHN - (sum % LUHN)) % LUHN;
}

function weightedMod29(symbols: number[]): number {
  let sum = 0;
  for (let i = 0; i < symbols.length; i++) sum = (sum + symbols[i]! * (i + 1)) % WEIGHTED;
  return sum;
}

function secretToSymbols(secret: Uint8Array): number[] {
  const symbols: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of secret) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      symbols.push((acc >> bits) & 31);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) symbols.push((acc << (5 - bits)) & 31);
  return symbols;
}

/**
 * The two check characters of the 26 data characters (canonical, upper case): Luhn mod 32 of the
 * data, then the weighted sum mod 29 of the data and the first check. Exported for the vectors.
 */
export function recoveryCodeChecks(data: string): string {
  const symbols = [...data].map((ch) => ALPHABET.indexOf(ch));
  if (symbols.length !== DATA_CHARS || symbols.some((s) => s < 0)) throw new RangeError(`data: expected ${DATA_CHARS} characters of the alphabet`);
  const luhn = luhnMod32(symbols);
  return ALPHABET[luhn]! + ALPHABET[weightedMod29([...symbols, luhn])]!;
}

/** Formats a 16-byte secret as `XXXX-XXXX-…` (7 groups of 4). */
export function formatRecoveryCode(secret: Uint8Array): string {
  assertBytes(secret, RECOVERY_SECRET_BYTES, 'recoverySecret');
  const symbols = secretToSymbols(secret);
  symbols.push(luhnMod32(symbols));
  symbols.push(weightedMod29(symbols));
  const text = symbols.map((s) => ALPHABET[s]).join('');
  return text.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/** Parses a code as typed (any case, spaces or dashes anywhere); a typo is a value, not a throw. */
export function parseRecoveryCode(input: string): RecoveryCodeResult {
  // Anything far longer than a code is not one (and is not worth a regular expression's time).
  if (input.length > 4 * (DATA_CHARS + CHECK_CHARS)) return { ok: false, reason: 'length' };
  const compact = input.replace(/[\s-]+/g, '');
  if (compact.length !== DATA_CHARS + CHECK_CHARS) return { ok: false, reason: 'length' };
  const symbols = [...compact].map(symbolOf);
  if (symbols.some((s) => s < 0)) return { ok: false, reason: 'character' };
  const data = symbols.slice(0, DATA_CHARS);
  if (luhnMod32(data) !== symbols[DATA_CHARS] || weightedMod29(symbols.slice(0, DATA_CHARS + 1)) !== symbols[DATA_CHARS + 1]) {
    return { ok: false, reason: 'checksum' };
  }
  const secret = new Uint8Array(RECOVERY_SECRET_BYTES);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const s of data) {
    acc = (acc << 5) | s;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (o < secret.length) secret[o++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  // The two padding bits must be zero; otherwise two codes would name one secret.
  if (acc !== 0) return { ok: false, reason: 'checksum' };
  return { ok: true, secret };
}
