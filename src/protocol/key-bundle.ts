import { concatBytes, utf8 } from './encoding.js';
import type { Sodium } from './sodium.js';

// A staff member's private keys, stored on the server encrypted under wrapKey, which only the
// passphrase gives (DESIGN.md §4). XChaCha20-Poly1305 with a random nonce in front; the
// associated data names the format so that no other ciphertext can be passed off as a bundle.

const AD = utf8('tynys/v1/staff-key-bundle');
const NONCE_BYTES = 24;

export interface KeyBundle {
  boxSecretKey: Uint8Array;
  signSecretKey: Uint8Array;
}

export function wrapKeyBundle(sodium: Sodium, wrapKey: Uint8Array, bundle: KeyBundle): Uint8Array {
  if (bundle.boxSecretKey.length !== 32 || bundle.signSecretKey.length !== 64) throw new TypeError('bundle: expected 32- and 64-byte keys');
  const nonce = sodium.randombytes_buf(NONCE_BYTES);
  const plain = concatBytes(bundle.boxSecretKey, bundle.signSecretKey);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, AD, null, nonce, wrapKey);
  plain.fill(0);
  return concatBytes(nonce, sealed);
}

/** Opens a bundle; null with a wrong key (a wrong passphrase) or any alteration. */
export function unwrapKeyBundle(sodium: Sodium, wrapKey: Uint8Array, wrapped: Uint8Array): KeyBundle | null {
  if (wrapped.length !== NONCE_BYTES + 96 + 16) return null;
  try {
    const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, wrapped.subarray(NONCE_BYTES), AD, wrapped.subarray(0, NONCE_BYTES), wrapKey);
    return { boxSecretKey: plain.slice(0, 32), signSecretKey: plain.slice(32, 96) };
  } catch {
    return null;
  }
}
