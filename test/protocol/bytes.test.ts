import { describe, expect, it } from 'vitest';
import { assertBytes, assertInteger, isBytes } from '../../src/protocol/bytes.js';

describe('length asserts', () => {
  it('accepts bytes of the stated length or range', () => {
    expect(() => assertBytes(new Uint8Array(32), 32, 'key')).not.toThrow();
    expect(() => assertBytes(Buffer.alloc(16), { min: 16, max: 64 }, 'salt')).not.toThrow();
    expect(isBytes(new Uint16Array(2))).toBe(false);
  });

  it('names the field: TypeError for a non-byte value, RangeError for a wrong length', () => {
    expect(() => assertBytes('abc', 32, 'key')).toThrow(new TypeError('key: expected a Uint8Array'));
    expect(() => assertBytes([1, 2], 2, 'nonce')).toThrow(TypeError);
    expect(() => assertBytes(new Uint8Array(31), 32, 'key')).toThrow(new RangeError('key: expected 32 bytes, got 31'));
    expect(() => assertBytes(new Uint8Array(8), { min: 16, max: 64 }, 'salt')).toThrow(new RangeError('salt: expected 16-64 bytes, got 8'));
  });

  it('checks integers against a range', () => {
    expect(() => assertInteger(3, { min: 1, max: 10 }, 't')).not.toThrow();
    expect(() => assertInteger(1.5, { min: 1, max: 10 }, 't')).toThrow(TypeError);
    expect(() => assertInteger(11, { min: 1, max: 10 }, 't')).toThrow(new RangeError('t: expected 1-10, got 11'));
  });
});
