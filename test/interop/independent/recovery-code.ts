import { assertLength } from './bytes.js';

// The recovery code (PROTOCOL.md §2): the 16-byte secret as Crockford base32 (26 characters, the
// last one carrying 3 bits and two zero bits), a Luhn mod 32 check character over those 26, a
// position-weighted sum mod 29 over the 27 before it, in groups of four joined by "-".

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_CHARS = 26;

function luhn32(symbols: number[]): number {
  let sum = 0;
  // From the right, the rightmost symbol doubled (Luhn mod N with N = 32).
  [...symbols].reverse().forEach((s, i) => {
    const addend = (i % 2 === 0 ? 2 : 1) * s;
    sum += Math.floor(addend / 32) + (addend % 32);
  });
  return (32 - (sum % 32)) % 32;
}

/** Σ symbol[i]·(i+1) mod 29, positions counted from 1 at the left. */
const weighted29 = (symbols: number[]): number => symbols.reduce((sum, s, i) => (sum + s * (i + 1)) % 29, 0);

export function formatRecoveryCode(secret: Uint8Array): string {
  assertLength(secret, 16, 'recoverySecret');
  let bits = '';
  for (const b of secret) bits += b.toString(2).padStart(8, '0');
  bits = bits.padEnd(DATA_CHARS * 5, '0');
  const symbols: number[] = [];
  for (let i = 0; i < DATA_CHARS; i++) symbols.push(parseInt(bits.slice(5 * i, 5 * i + 5), 2));
  symbols.push(luhn32(symbols));
  symbols.push(weighted29(symbols));
  return symbols.map((s) => ALPHABET[s]).join('').match(/.{1,4}/g)!.join('-');
}

export type RecoveryCodeParse = { ok: true; secret: Uint8Array } | { ok: false; reason: 'length' | 'character' | 'checksum' };

/** Parses a typed code (§2.3, in its order); a typo is a reason, not a throw. */
export function parseRecoveryCode(input: string): RecoveryCodeParse {
  if (input.length > 112) return { ok: false, reason: 'length' };
  const compact = input.replace(/[\s-]/g, '');
  if (compact.length !== DATA_CHARS + 2) return { ok: false, reason: 'length' };
  const symbols = [...compact.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1')].map((ch) => ALPHABET.indexOf(ch));
  if (symbols.some((s) => s < 0)) return { ok: false, reason: 'character' };
  const data = symbols.slice(0, DATA_CHARS);
  if (luhn32(data) !== symbols[DATA_CHARS] || weighted29(symbols.slice(0, DATA_CHARS + 1)) !== symbols[DATA_CHARS + 1]) return { ok: false, reason: 'checksum' };
  const bits = data.map((s) => s.toString(2).padStart(5, '0')).join('');
  if (bits.slice(128) !== '00') return { ok: false, reason: 'checksum' };
  const secret = new Uint8Array(16);
  for (let i = 0; i < 16; i++) secret[i] = parseInt(bits.slice(8 * i, 8 * i + 8), 2);
  return { ok: true, secret };
}
