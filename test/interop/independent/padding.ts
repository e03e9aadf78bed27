// sodium_pad / sodium_unpad with 256-byte blocks (ISO/IEC 7816-4, PROTOCOL.md §7.6): the server
// sees only how many blocks a message takes.

const BLOCK = 256;
const MAX_BLOCKS = 80;

/** Appends 0x80 and zeros up to the next multiple of 256 (a whole block if already a multiple). */
export function pad(data: Uint8Array): Uint8Array {
  const length = (Math.floor(data.length / BLOCK) + 1) * BLOCK;
  if (length > MAX_BLOCKS * BLOCK) throw new RangeError(`pad: ${data.length} bytes is more than ${MAX_BLOCKS} blocks`);
  const out = new Uint8Array(length);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** The data before the padding; null unless the last block ends in 0x80 followed only by zeros. */
export function unpad(padded: Uint8Array): Uint8Array | null {
  if (padded.length === 0 || padded.length % BLOCK !== 0 || padded.length > MAX_BLOCKS * BLOCK) return null;
  let i = padded.length - 1;
  // The marker must sit in the last block: a whole zero block would be padding sodium_pad never makes.
  while (i >= padded.length - BLOCK && padded[i] === 0) i--;
  if (i < padded.length - BLOCK || padded[i] !== 0x80) return null;
  return padded.slice(0, i);
}
