import { sha256 } from '@noble/hashes/sha2.js';
import { concat } from './bytes.js';

// Proof of work (PROTOCOL.md §4): find a counter such that SHA-256(challenge ‖ counter as an
// unsigned 64-bit big-endian integer) starts with `bits` zero bits. The challenge is the
// server's bytes, opaque to a client.

function counterBytes(counter: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(counter), false);
  return out;
}

export function leadingZeroBits(digest: Uint8Array): number {
  let n = 0;
  for (const byte of digest) {
    if (byte !== 0) return n + Math.clz32(byte) - 24;
    n += 8;
  }
  return n;
}

export const meetsProofOfWork = (challenge: Uint8Array, counter: number, bits: number): boolean =>
  leadingZeroBits(sha256(concat(challenge, counterBytes(counter)))) >= bits;

export function solveProofOfWork(challenge: Uint8Array, bits: number, maxTries = 2 ** 24): number {
  for (let counter = 0; counter < maxTries; counter++) if (meetsProofOfWork(challenge, counter, bits)) return counter;
  throw new Error('proof of work: no counter found');
}
