import { hsalsa, xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { assertLength, concat } from './bytes.js';
import type { BoxKeyPair } from './keys.js';

// libsodium's crypto_box_seal (PROTOCOL.md §7.3), from its parts: an ephemeral X25519 key pair,
// nonce = BLAKE2b-192(epk ‖ recipientPk), and crypto_box = X25519, HSalsa20 over the shared point
// with a zero 16-byte input, then XSalsa20-Poly1305 (the tag first). Output epk ‖ box.

// "expand 32-byte k" as little-endian words: Salsa20's constants.
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

const words = (bytes: Uint8Array): Uint32Array => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(4 * i, true));
};

/** crypto_box_beforenm: HSalsa20(key = X25519(sk, pk), input = 16 zero bytes). */
export function boxSharedKey(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  // noble refuses an all-zero shared point (a small-order public key), as libsodium does.
  const shared = x25519.getSharedSecret(secretKey, publicKey);
  const out = new Uint32Array(8);
  hsalsa(SIGMA, words(shared), new Uint32Array(4), out);
  const key = new Uint8Array(32);
  const view = new DataView(key.buffer);
  out.forEach((w, i) => view.setUint32(4 * i, w, true));
  return key;
}

const sealNonce = (ephemeralPk: Uint8Array, recipientPk: Uint8Array): Uint8Array => blake2b(concat(ephemeralPk, recipientPk), { dkLen: 24 });

/** crypto_box_seal(message, recipientPk); `ephemeralSecret` only for fixed vectors. */
export function seal(message: Uint8Array, recipientPk: Uint8Array, ephemeralSecret: Uint8Array = randomBytes(32)): Uint8Array {
  assertLength(recipientPk, 32, 'recipientPublicKey');
  const epk = x25519.getPublicKey(ephemeralSecret);
  const box = xsalsa20poly1305(boxSharedKey(ephemeralSecret, recipientPk), sealNonce(epk, recipientPk)).encrypt(message);
  return concat(epk, box);
}

/** crypto_box_seal_open; null if it was not sealed to this key pair or was altered. */
export function sealOpen(sealed: Uint8Array, recipient: BoxKeyPair): Uint8Array | null {
  if (sealed.length < 48) return null;
  const epk = sealed.subarray(0, 32);
  try {
    return xsalsa20poly1305(boxSharedKey(recipient.secretKey, epk), sealNonce(epk, recipient.publicKey)).decrypt(sealed.subarray(32));
  } catch {
    return null;
  }
}
