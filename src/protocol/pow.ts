import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes, assertInteger } from './bytes.js';
import { POW } from './constants.js';
import { concatBytes } from './encoding.js';
import { ProofOfWorkHasher, searchProofOfWork } from './pow-search.js';

// Hashcash on SHA-256 (DESIGN.md §8; PROTOCOL.md §4): find a counter such that
// SHA-256(challenge ‖ counter as 8 bytes big-endian) starts with `bits` zero bits. It costs a
// phone about a second and a spam run a lot more. The challenge is the server's, opaque here.

function counterBytes(counter: number): Uint8Array {
  const out = new Uint8Array(POW.counterBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(counter));
  return out;
}

export function leadingZeroBits(hash: Uint8Array): number {
  let n = 0;
  for (const byte of hash) {
    if (byte === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(byte) - 24;
  }
  return n;
}

/** The hashed input: challenge ‖ counter (unsigned 64-bit big-endian). */
export function proofOfWorkInput(challenge: Uint8Array, counter: number): Uint8Array {
  assertBytes(challenge, POW.challengeBytes, 'challenge');
  assertInteger(counter, { min: 0, max: Number.MAX_SAFE_INTEGER }, 'counter');
  return concatBytes(challenge, counterBytes(counter));
}

/** A counter from a request is data, so a bad one is false; a wrong-sized challenge or difficulty throws. */
export function checkProofOfWork(challenge: Uint8Array, counter: number, bits: number): boolean {
  assertBytes(challenge, POW.challengeBytes, 'challenge');
  assertInteger(bits, { min: 0, max: POW.maxBits }, 'bits');
  if (!Number.isSafeInteger(counter) || counter < 0) return false;
  return meets(challenge, counter, bits);
}

// The check without the asserts (checkProofOfWork asserts them). The solver has its own hasher (pow-search.ts).
function meets(challenge: Uint8Array, counter: number, bits: number): boolean {
  return leadingZeroBits(sha256(concatBytes(challenge, counterBytes(counter)))) >= bits;
}

/** Searches for a counter; bounded so that a malicious difficulty cannot hang a client forever. */
export function solveProofOfWork(challenge: Uint8Array, bits: number, maxTries: number = POW.maxTries): number | null {
  return searchProofOfWork(new ProofOfWorkHasher(challenge), bits, 0, maxTries);
}
