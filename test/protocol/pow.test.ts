import { describe, expect, it } from 'vitest';
import { checkProofOfWork, leadingZeroBits, solveProofOfWork } from '../../src/protocol/pow.js';

describe('proof of work', () => {
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(new Uint8Array([0, 0, 0x80]))).toBe(16);
    expect(leadingZeroBits(new Uint8Array([0, 0x01]))).toBe(15);
    expect(leadingZeroBits(new Uint8Array([0xff]))).toBe(0);
  });

  it('finds a counter that meets the difficulty, and checks it', () => {
    const challenge = new Uint8Array(43).fill(3);
    const counter = solveProofOfWork(challenge, 10)!;
    expect(checkProofOfWork(challenge, counter, 10)).toBe(true);
    expect(checkProofOfWork(new Uint8Array(43).fill(4), counter, 10) && checkProofOfWork(challenge, counter, 30)).toBe(false);
    expect(checkProofOfWork(challenge, -1, 1)).toBe(false);
    expect(solveProofOfWork(challenge, 40, 100)).toBeNull();
  });

  it('asserts the challenge size and the difficulty range', () => {
    expect(() => solveProofOfWork(new Uint8Array(32), 1)).toThrow(new RangeError('challenge: expected 43 bytes, got 32'));
    expect(() => checkProofOfWork(new Uint8Array(44), 0, 1)).toThrow(RangeError);
    expect(() => solveProofOfWork(new Uint8Array(43), 257)).toThrow(/bits: expected 0-256/);
    expect(() => checkProofOfWork(new Uint8Array(43), 0, -1)).toThrow(RangeError);
  });
});
