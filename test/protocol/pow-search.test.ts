import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POW } from '../../src/protocol/constants.js';
import { leadingZeroBits, proofOfWorkInput, solveProofOfWork } from '../../src/protocol/pow.js';
import { ProofOfWorkHasher, searchProofOfWork } from '../../src/protocol/pow-search.js';

// The solver's SHA-256 is specialised to challenge ‖ counter (pow-search.ts): it must give the
// very digest @noble/hashes gives (the server checks with noble), for every challenge and every
// counter up to 2^53 - 1, and find the same first counter a plain loop would.

const challenges = fc.uint8Array({ minLength: POW.challengeBytes, maxLength: POW.challengeBytes });
const counters = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 + 10 }), fc.constantFrom(0, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 1, Number.MAX_SAFE_INTEGER), fc.maxSafeNat());

function digestBytes(hasher: ProofOfWorkHasher, counter: number): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  hasher.digestWords(counter).forEach((word, i) => view.setUint32(4 * i, word));
  return out;
}

describe('proof-of-work search', () => {
  it('hashes challenge ‖ counter exactly as SHA-256 does', () => {
    fc.assert(fc.property(challenges, fc.array(counters, { minLength: 1, maxLength: 5 }), (challenge, cs) => {
      const hasher = new ProofOfWorkHasher(challenge);
      for (const counter of cs) expect(digestBytes(hasher, counter)).toEqual(sha256(proofOfWorkInput(challenge, counter)));
    }), { numRuns: 300 });
  });

  it('finds the first counter a plain loop over SHA-256 finds', () => {
    fc.assert(fc.property(challenges, fc.integer({ min: 0, max: 9 }), (challenge, bits) => {
      let expected = 0;
      while (leadingZeroBits(sha256(proofOfWorkInput(challenge, expected))) < bits) expected++;
      expect(solveProofOfWork(challenge, bits)).toBe(expected);
      // The same counter, searched in slices of 7.
      const hasher = new ProofOfWorkHasher(challenge);
      let found: number | null = null;
      for (let from = 0; found === null; from += 7) found = searchProofOfWork(hasher, bits, from, 7);
      expect(found).toBe(expected);
    }), { numRuns: 60 });
  });

  it('counts zero bits across words for difficulties above 32', () => {
    const hasher = new ProofOfWorkHasher(new Uint8Array(POW.challengeBytes));
    for (let counter = 0; counter < 500; counter++) {
      const zeros = leadingZeroBits(digestBytes(hasher, counter));
      expect(hasher.meets(counter, zeros)).toBe(true);
      expect(hasher.meets(counter, zeros + 1)).toBe(false);
    }
    expect(hasher.meets(0, 0)).toBe(true);
  });

  it('asserts the challenge size, the difficulty and the start', () => {
    expect(() => new ProofOfWorkHasher(new Uint8Array(42))).toThrow(new RangeError('challenge: expected 43 bytes, got 42'));
    const hasher = new ProofOfWorkHasher(new Uint8Array(POW.challengeBytes));
    expect(() => searchProofOfWork(hasher, 257, 0, 1)).toThrow(/bits: expected 0-256/);
    expect(() => searchProofOfWork(hasher, 1, -1, 1)).toThrow(/from/);
    expect(searchProofOfWork(hasher, 40, 0, 1000)).toBeNull();
  });
});
