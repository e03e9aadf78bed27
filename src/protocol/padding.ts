import { SIZES } from './constants.js';

// Length hiding (issue 10 point 4): the plaintext is padded to a multiple of 256 bytes before
// encryption, so a ciphertext's length says which block size the message falls in, not its
// length. ISO/IEC 7816-4, as libsodium's sodium_pad: one 0x80 byte, then zeros; a plaintext that
// already ends on a block boundary gains a whole block, so the padding is always unambiguous.

export function pad(plain: Uint8Array, block: number = SIZES.padBlock): Uint8Array {
  const padded = new Uint8Array((Math.floor(plain.length / block) + 1) * block);
  padded.set(plain);
  padded[plain.length] = 0x80;
  return padded;
}

/** The plaintext without its padding; null when the padding is malformed. */
export function unpad(padded: Uint8Array, block: number = SIZES.padBlock): Uint8Array | null {
  if (padded.length === 0 || padded.length % block !== 0) return null;
  let i = padded.length - 1;
  // Only the last block can hold padding.
  const floor = padded.length - block;
  while (i > floor && padded[i] === 0) i--;
  return padded[i] === 0x80 ? padded.slice(0, i) : null;
}
