import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRecoveryCode, parseRecoveryCode, RECOVERY_SECRET_BYTES } from '../../src/protocol/recovery-code.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const secrets = fc.uint8Array({ minLength: RECOVERY_SECRET_BYTES, maxLength: RECOVERY_SECRET_BYTES });

describe('recovery code', () => {
  it('holds at least 128 bits and reads back as the same secret, in any case and spacing', () => {
    expect(RECOVERY_SECRET_BYTES * 8).toBeGreaterThanOrEqual(128);
    fc.assert(fc.property(secrets, (secret) => {
      const code = formatRecoveryCode(secret);
      expect(code).toMatch(/^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$/);
      for (const typed of [code, code.toLowerCase(), code.replace(/-/g, ' '), code.replace(/-/g, '')]) {
        const parsed = parseRecoveryCode(typed);
        expect(parsed.ok && Buffer.from(parsed.secret).equals(Buffer.from(secret))).toBe(true);
      }
    }));
  });

  it('reads O as 0 and I or L as 1 (Crockford), so those slips are not errors', () => {
    const code = formatRecoveryCode(new Uint8Array(16));
    const parsed = parseRecoveryCode(code.replace(/0/g, 'O'));
    expect(parsed.ok).toBe(true);
  });

  it('catches every single mistyped character', () => {
    fc.assert(fc.property(secrets, fc.nat(), fc.integer({ min: 1, max: 31 }), (secret, posSeed, shift) => {
      const compact = formatRecoveryCode(secret).replace(/-/g, '');
      const pos = posSeed % compact.length;
      const wrong = ALPHABET[(ALPHABET.indexOf(compact[pos]!) + shift) % 32]!;
      const typo = compact.slice(0, pos) + wrong + compact.slice(pos + 1);
      expect(parseRecoveryCode(typo)).toEqual({ ok: false, reason: 'checksum' });
    }), { numRuns: 2000 });
  });

  it('catches swapped neighbours that differ', () => {
    fc.assert(fc.property(secrets, fc.nat(), (secret, posSeed) => {
      const compact = formatRecoveryCode(secret).replace(/-/g, '');
      const pos = posSeed % (compact.length - 1);
      fc.pre(compact[pos] !== compact[pos + 1]);
      const swapped = compact.slice(0, pos) + compact[pos + 1] + compact[pos] + compact.slice(pos + 2);
      expect(parseRecoveryCode(swapped).ok).toBe(false);
    }), { numRuns: 2000 });
  });

  it('says what is wrong with malformed input instead of throwing', () => {
    expect(parseRecoveryCode('')).toEqual({ ok: false, reason: 'length' });
    expect(parseRecoveryCode('ABCD')).toEqual({ ok: false, reason: 'length' });
    expect(parseRecoveryCode('U'.repeat(28))).toEqual({ ok: false, reason: 'character' });
  });

  it('asserts the secret size, and reads a very long input as a wrong length, not a code', () => {
    expect(() => formatRecoveryCode(new Uint8Array(15))).toThrow(new RangeError('recoverySecret: expected 16 bytes, got 15'));
    expect(() => formatRecoveryCode(new Uint8Array(17))).toThrow(RangeError);
    expect(parseRecoveryCode('-'.repeat(10_000) + formatRecoveryCode(new Uint8Array(16)))).toEqual({ ok: false, reason: 'length' });
  });
});
