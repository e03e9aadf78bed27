import { argon2idAsync } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { assertLength, concat, equal, utf8 } from './bytes.js';

// Keys (PROTOCOL.md §3, §5): everything an asker holds comes from the 16-byte recovery secret by
// HKDF-SHA256; a staff member's from a passphrase by Argon2id, then HKDF; staff private keys
// travel wrapped in an XChaCha20-Poly1305 key bundle. Key pairs are made the way libsodium makes
// them, because the SDK uses libsodium and both must reach the same public keys.

export const KDF_SALT = 'tynys/kdf/v1';
export const KDF_LABELS = {
  askerAuth: 'tynys/v1/asker/auth',
  askerBoxSeed: 'tynys/v1/asker/box-seed',
  askerSignSeed: 'tynys/v1/asker/sign-seed',
  staffAuth: 'tynys/v1/staff/auth',
  staffWrap: 'tynys/v1/staff/wrap',
} as const;

/** HKDF-SHA256(ikm, salt "tynys/kdf/v1", info = label), 32 bytes. */
export function deriveKey(ikm: Uint8Array, label: string): Uint8Array {
  return hkdf(sha256, ikm, utf8(KDF_SALT), utf8(label), 32);
}

export interface BoxKeyPair {
  /** X25519 public key. */
  publicKey: Uint8Array;
  /** X25519 secret scalar (32 bytes, as libsodium stores it: unclamped). */
  secretKey: Uint8Array;
}

export interface SignKeyPair {
  publicKey: Uint8Array;
  /** The 32-byte Ed25519 seed (libsodium's 64-byte secret key is seed ‖ public key). */
  seed: Uint8Array;
}

/** libsodium's crypto_box_seed_keypair: the secret key is SHA-512(seed)[0..32], not the seed. */
export function boxKeyPairFromSeed(seed: Uint8Array): BoxKeyPair {
  assertLength(seed, 32, 'boxSeed');
  const secretKey = sha512(seed).slice(0, 32);
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

export function boxKeyPairFromSecret(secretKey: Uint8Array): BoxKeyPair {
  assertLength(secretKey, 32, 'boxSecretKey');
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

/** libsodium's crypto_sign_seed_keypair: RFC 8032 Ed25519 from the 32-byte seed. */
export function signKeyPairFromSeed(seed: Uint8Array): SignKeyPair {
  assertLength(seed, 32, 'signSeed');
  return { seed, publicKey: ed25519.getPublicKey(seed) };
}

/** libsodium's 64-byte sign secret key (seed ‖ public key). */
export const libsodiumSignSecretKey = (pair: SignKeyPair): Uint8Array => concat(pair.seed, pair.publicKey);

export interface AskerKeys {
  authKey: Uint8Array;
  box: BoxKeyPair;
  sign: SignKeyPair;
}

export function deriveAskerKeys(recoverySecret: Uint8Array): AskerKeys {
  assertLength(recoverySecret, 16, 'recoverySecret');
  return {
    authKey: deriveKey(recoverySecret, KDF_LABELS.askerAuth),
    box: boxKeyPairFromSeed(deriveKey(recoverySecret, KDF_LABELS.askerBoxSeed)),
    sign: signKeyPairFromSeed(deriveKey(recoverySecret, KDF_LABELS.askerSignSeed)),
  };
}

export interface Argon2Params {
  /** Memory in KiB. */
  m: number;
  t: number;
  p: number;
}

export interface StaffSecrets {
  authKey: Uint8Array;
  wrapKey: Uint8Array;
}

/** Argon2id (version 0x13, 32 bytes, no secret, no associated data) of the NFKC-normalised passphrase. */
export async function staffMasterKey(passphrase: string, salt: Uint8Array, params: Argon2Params): Promise<Uint8Array> {
  assertLength(salt, 16, 'kdfSalt');
  return argon2idAsync(utf8(passphrase.normalize('NFKC')), salt, { ...params, dkLen: 32, version: 0x13 });
}

/** mk = Argon2id(NFKC(passphrase) as UTF-8, 16-byte salt, params, 32 bytes); auth and wrap keys from mk by HKDF. */
export async function deriveStaffSecrets(passphrase: string, salt: Uint8Array, params: Argon2Params): Promise<StaffSecrets> {
  const mk = await staffMasterKey(passphrase, salt, params);
  const secrets = { authKey: deriveKey(mk, KDF_LABELS.staffAuth), wrapKey: deriveKey(mk, KDF_LABELS.staffWrap) };
  mk.fill(0);
  return secrets;
}

const KEY_BUNDLE_AD = utf8('tynys/v1/staff-key-bundle');

export interface StaffKeys {
  box: BoxKeyPair;
  sign: SignKeyPair;
}

/** nonce (24) ‖ XChaCha20-Poly1305(wrapKey, nonce, boxSecretKey ‖ signSecretKey(64), ad) — 136 bytes. */
export function wrapKeyBundle(wrapKey: Uint8Array, keys: StaffKeys, nonce: Uint8Array): Uint8Array {
  assertLength(wrapKey, 32, 'wrapKey');
  assertLength(nonce, 24, 'nonce');
  const plain = concat(keys.box.secretKey, libsodiumSignSecretKey(keys.sign));
  return concat(nonce, xchacha20poly1305(wrapKey, nonce, KEY_BUNDLE_AD).encrypt(plain));
}

/**
 * Opens a bundle; null on a wrong key or any alteration. The sign secret key's second half must
 * be the public key its seed gives, so a bundle cannot pair a seed with someone else's key.
 */
export function unwrapKeyBundle(wrapKey: Uint8Array, wrapped: Uint8Array): StaffKeys | null {
  if (wrapped.length !== 24 + 96 + 16) return null;
  let plain: Uint8Array;
  try {
    plain = xchacha20poly1305(wrapKey, wrapped.subarray(0, 24), KEY_BUNDLE_AD).decrypt(wrapped.subarray(24));
  } catch {
    return null;
  }
  const sign = signKeyPairFromSeed(plain.slice(32, 64));
  if (!equal(sign.publicKey, plain.subarray(64, 96))) return null;
  return { box: boxKeyPairFromSecret(plain.slice(0, 32)), sign };
}
