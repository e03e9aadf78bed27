import { assertLength, concat, equal, utf8 } from './bytes.js';
import { keyCommitment } from './genesis.js';
import type { BoxKeyPair } from './keys.js';
import { seal, sealOpen } from './sealed-box.js';

// The thread key K sealed with its thread id (PROTOCOL.md §7.3), so a key served for thread A
// cannot be passed off as thread B's.

export function sealThreadKey(threadKey: Uint8Array, threadId: string, recipientBoxPublicKey: Uint8Array, ephemeralSecret?: Uint8Array): Uint8Array {
  assertLength(threadKey, 32, 'threadKey');
  return seal(concat(threadKey, assertLength(utf8(threadId), 24, 'threadId')), recipientBoxPublicKey, ephemeralSecret);
}

/** K, if the sealed key opens to 56 bytes naming this thread and matches the genesis's commitment. */
export function openThreadKey(sealed: Uint8Array, recipient: BoxKeyPair, threadId: string, opener: Uint8Array, commitment: Uint8Array): Uint8Array | null {
  if (sealed.length !== 104) return null;
  const plain = sealOpen(sealed, recipient);
  if (plain?.length !== 56 || !equal(plain.subarray(32), utf8(threadId))) return null;
  const threadKey = plain.slice(0, 32);
  return equal(keyCommitment(threadId, opener, threadKey), commitment) ? threadKey : null;
}
