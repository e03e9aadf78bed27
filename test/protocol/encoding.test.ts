import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, fromBase64Url, toBase64Url } from '../../src/protocol/encoding.js';

describe('base64url', () => {
  it('matches Node\'s encoder and round-trips any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(bytesEqual(fromBase64Url(text)!, bytes)).toBe(true);
    }));
  });

  it('refuses non-alphabet characters, impossible lengths and non-canonical trailing bits', () => {
    expect(fromBase64Url('ab+c')).toBeNull();
    expect(fromBase64Url('abc=')).toBeNull();
    expect(fromBase64Url('a')).toBeNull();
    expect(fromBase64Url('AQ')).toEqual(new Uint8Array([1]));
    expect(fromBase64Url('AR')).toBeNull(); // 'R' leaves a non-zero padding bit: a second spelling of [1]
  });
});
