import { assertBytes, isBytes } from './bytes.js';
import { KEY_BUNDLE, KEY_SIZES, SIZES } from './constants.js';
import { concatBytes, utf8 } from './encoding.js';
import type { Sodium } from './sodium.js';

// A staff member's private keys, stored on the server encrypted under wrapKey, which only the
// passphrase gives (DESIGN.md §4; PROTOCOL.md §5). XChaCha20-Poly1305 with a random nonce in
// front; the associated data names the format so that no other ciphertext can be passed off as a
// bundle.

const AD = utf8(KEY_BUNDLE.ad);

export interface KeyBundle {
  boxSecretKey: Uint8Array;
  signSecretKey: Uint8Array;
}

export function wrapKeyBundle(sodium: Sodium, wrapKey: Uint8Array, bundle: KeyBundle): Uint8Array {
  return wrapKeyBundleWithNonce(sodium, wrapKey, bundle, sodium.randombytes_buf(SIZES.nonce));
}

/**
 * The construction with the nonce given: for the test vectors only. A nonce must never repeat
 * under one wrap key (each bundle is wrapped once, under a wrap key from a fresh salt).
 */
export function wrapKeyBundleWithNonce(sodium: Sodium, wrapKey: Uint8Array, bundle: KeyBundle, nonce: Uint8Array): Uint8Array {
  assertBytes(wrapKey, KEY_SIZES.derivedKey, 'wrapKey');
  assertBytes(bundle.boxSecretKey, KEY_SIZES.boxSecretKey, 'boxSecretKey');
  assertBytes(bundle.signSecretKey, KEY_SIZES.signSecretKey, 'signSecretKey');
  assertBytes(nonce, SIZES.nonce, 'nonce');
  const plain = concatBytes(bundle.boxSecretKey, bundle.signSecretKey);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, AD, null, nonce, wrapKey);
  plain.fill(0);
  return concatBytes(nonce, sealed);
}

/** Opens a bundle; null with a wrong key (a wrong passphrase), a wrong length or any alteration. */
export function unwrapKeyBundle(sodium: Sodium, wrapKey: Uint8Array, wrapped: Uint8Array): KeyBundle | null {
  assertBytes(wrapKey, KEY_SIZES.derivedKey, 'wrapKey');
  // The bundle comes from the server: a wrong size is a refusal, not a programming error.
  if (!isBytes(wrapped) || wrapped.length !== KEY_BUNDLE.bytes) return null;
  try {
    const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, wrapped.subarray(SIZES.nonce), AD, wrapped.subarray(0, SIZES.nonce), wrapKey);
    const bundle = { boxSecretKey: plain.slice(0, KEY_SIZES.boxSecretKey), signSecretKey: plain.slice(KEY_SIZES.boxSecretKey, KEY_BUNDLE.plaintextBytes) };
    plain.fill(0);
    return bundle;
  } catch {
    return null;
  }
}
