import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from './encoding.js';

// Hashcash on SHA-256 (DESIGN.md §8): find a counter such that SHA-256(challenge ‖ counter)
// starts with `bits` zero bits. It costs a phone about a second and a spam run a lot more.

function counterBytes(counter: number): Uint8Array {
  const out = new Uint8Array(8);
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

export function checkProofOfWork(challenge: Uint8Array, counter: number, bits: number): boolean {
  if (!Number.isSafeInteger(counter) || counter < 0) return false;
  return leadingZeroBits(sha256(concatBytes(challenge, counterBytes(counter)))) >= bits;
}

/** Searches for a counter; bounded so that a malicious difficulty cannot hang a client forever. */
export function solveProofOfWork(challenge: Uint8Array, bits: number, maxTries = 2 ** 28): number | null {
  for (let counter = 0; counter < maxTries; counter++) {
    if (checkProofOfWork(challenge, counter, bits)) return counter;
  }
  return null;
}
