import { assertBytes, assertInteger } from './bytes.js';
import { POW } from './constants.js';

// The solver's side of hashcash (pow.ts): SHA-256 (FIPS 180-4) specialised to the one input
// shape a proof of work hashes, the 43-byte challenge ‖ an 8-byte counter. 51 bytes fit one
// 64-byte block with its padding, and only message words 10-12 change from one counter to the
// next, so the first ten rounds are done once per challenge and nothing is allocated per try.
//
// Why a second SHA-256: the difficulty is set against spammers, who run native or GPU code; the
// person minting a code runs this JavaScript on a cheap phone: with the general hasher
// (allocating the input, the counter and a hasher each try) 18 bits took 1.7 s at the median and
// 9.4 s at worst in 7 runs at 4× slowed CPU. This finds the same counters 3-6× faster in Node
// (BENCHMARKS.md, issue 12), which takes nothing from the spammer's cost. The server checks with
// @noble/hashes (pow.ts); tests compare this digest with noble's on random inputs.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
/** Challenge bytes before the counter that share message word 10 with it. */
const SHARED = POW.challengeBytes - 40;
const INPUT_BITS = (POW.challengeBytes + POW.counterBytes) * 8;
const FIXED_ROUNDS = 10;

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** One challenge, its first ten rounds done: hashes challenge ‖ counter for any counter. */
export class ProofOfWorkHasher {
  private readonly w = new Uint32Array(64);
  /** The working variables a..h after round 9. */
  private readonly state = new Uint32Array(8);
  /** Challenge bytes 40-42, the top 24 bits of word 10. */
  private readonly word10: number;
  private readonly out = new Uint32Array(8);

  constructor(challenge: Uint8Array) {
    assertBytes(challenge, POW.challengeBytes, 'challenge');
    const w = this.w;
    for (let i = 0; i < FIXED_ROUNDS; i++) w[i] = (challenge[4 * i]! << 24) | (challenge[4 * i + 1]! << 16) | (challenge[4 * i + 2]! << 8) | challenge[4 * i + 3]!;
    let word10 = 0;
    for (let i = 0; i < SHARED; i++) word10 |= challenge[40 + i]! << (24 - 8 * i);
    this.word10 = word10;
    w[13] = 0;
    w[14] = 0;
    w[15] = INPUT_BITS;
    let a = IV[0]!, b = IV[1]!, c = IV[2]!, d = IV[3]!, e = IV[4]!, f = IV[5]!, g = IV[6]!, h = IV[7]!;
    for (let i = 0; i < FIXED_ROUNDS; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    this.state.set([a, b, c, d, e, f, g, h]);
  }

  /** SHA-256(challenge ‖ counter as 8 bytes big-endian) as eight big-endian words (reused: copy to keep). */
  digestWords(counter: number): Uint32Array {
    const w = this.w;
    const high = Math.floor(counter / 2 ** 32);
    const low = counter >>> 0;
    w[10] = this.word10 | (high >>> 24);
    w[11] = (high << 8) | (low >>> 24);
    w[12] = (low << 8) | 0x80;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      w[i] = ((rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10)) + w[i - 7]! + (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) + w[i - 16]!) | 0;
    }
    const s = this.state;
    let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!, e = s[4]!, f = s[5]!, g = s[6]!, h = s[7]!;
    for (let i = FIXED_ROUNDS; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    const out = this.out;
    out[0] = IV[0]! + a; out[1] = IV[1]! + b; out[2] = IV[2]! + c; out[3] = IV[3]! + d;
    out[4] = IV[4]! + e; out[5] = IV[5]! + f; out[6] = IV[6]! + g; out[7] = IV[7]! + h;
    return out;
  }

  /** True when the digest for `counter` starts with at least `bits` zero bits. */
  meets(counter: number, bits: number): boolean {
    const words = this.digestWords(counter);
    let zeros = 0;
    for (const word of words) {
      zeros += Math.clz32(word);
      if (word !== 0 || zeros >= bits) break;
    }
    return zeros >= bits;
  }
}

/**
 * The first counter in [from, from + count) whose digest meets `bits`, or null: a search in
 * slices, so that a browser can yield between them (client/proof-of-work.ts).
 */
export function searchProofOfWork(hasher: ProofOfWorkHasher, bits: number, from: number, count: number): number | null {
  assertInteger(bits, { min: 0, max: POW.maxBits }, 'bits');
  assertInteger(from, { min: 0, max: Number.MAX_SAFE_INTEGER }, 'from');
  const end = Math.min(from + count, Number.MAX_SAFE_INTEGER);
  for (let counter = from; counter < end; counter++) {
    if (hasher.meets(counter, bits)) return counter;
  }
  return null;
}
