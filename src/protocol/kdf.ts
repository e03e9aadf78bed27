import { argon2idAsync } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes, assertInteger } from './bytes.js';
import { KDF_LABELS, KDF_SALT, KEY_SIZES, STAFF_KDF_BOUNDS } from './constants.js';
import { utf8 } from './encoding.js';
import type { Sodium } from './sodium.js';

// Key derivation (DESIGN.md §3, §4; PROTOCOL.md §3). One label per use (constants.ts KDF_LABELS),
// so that no key can stand in for another: the auth key that the server sees reveals nothing
// about the box or sign keys.
const SALT = utf8(KDF_SALT);

/** HKDF-SHA256(ikm, salt = KDF_SALT, info = label) → `length` bytes. */
export function deriveKey(ikm: Uint8Array, label: string, length: number = KEY_SIZES.derivedKey): Uint8Array {
  assertBytes(ikm, { min: KEY_SIZES.minIkm, max: KEY_SIZES.maxIkm }, 'ikm');
  assertInteger(length, { min: 1, max: 255 * 32 }, 'length');
  return hkdf(sha256, ikm, SALT, utf8(label), length);
}

export interface KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export interface AskerKeys {
  authKey: Uint8Array;
  box: KeyPair;
  sign: KeyPair;
}

/** Everything an asker holds, derived from the recovery secret alone: the code is the account. */
export function deriveAskerKeys(sodium: Sodium, recoverySecret: Uint8Array): AskerKeys {
  assertBytes(recoverySecret, KEY_SIZES.recoverySecret, 'recoverySecret');
  const boxSeed = deriveKey(recoverySecret, KDF_LABELS.askerBoxSeed);
  const signSeed = deriveKey(recoverySecret, KDF_LABELS.askerSignSeed);
  const box = sodium.crypto_box_seed_keypair(boxSeed);
  const sign = sodium.crypto_sign_seed_keypair(signSeed);
  boxSeed.fill(0);
  signSeed.fill(0);
  return {
    authKey: deriveKey(recoverySecret, KDF_LABELS.askerAuth),
    box: { publicKey: box.publicKey, privateKey: box.privateKey },
    sign: { publicKey: sign.publicKey, privateKey: sign.privateKey },
  };
}

/** Argon2id cost. */
export interface KdfParams {
  /** Memory in KiB. */
  m: number;
  t: number;
  p: number;
}
/** The cost of a new account, and the weakest a client accepts from a server (STAFF_KDF_BOUNDS.min). */
export const STAFF_KDF: KdfParams = { ...STAFF_KDF_BOUNDS.min };

/** Why a client refuses a server's Argon2id offer: weaker than its floor, or outside the fixed bounds. */
export type KdfRefusal = 'kdf_downgrade' | 'kdf_out_of_bounds';

/**
 * Checks an Argon2id offer before any derivation: null if a client may derive with it. The floor
 * is the client's own (STAFF_KDF unless a test lowers it), never the server's; the maximum, the
 * fixed p and the exact salt length hold whatever the floor.
 */
export function refuseStaffKdf(params: KdfParams, salt: Uint8Array, floor: KdfParams = STAFF_KDF): KdfRefusal | null {
  const { max } = STAFF_KDF_BOUNDS;
  const integers = [params.m, params.t, params.p].every((n) => Number.isSafeInteger(n));
  if (!integers || salt.length !== STAFF_KDF_BOUNDS.saltBytes || params.p !== max.p || params.m > max.m || params.t > max.t) return 'kdf_out_of_bounds';
  if (params.m < floor.m || params.t < floor.t) return 'kdf_downgrade';
  return null;
}

export interface StaffSecrets {
  authKey: Uint8Array;
  wrapKey: Uint8Array;
}

/** mk = argon2id(passphrase, salt); the auth and wrap keys come from mk by HKDF. */
export async function deriveStaffSecrets(passphrase: string, salt: Uint8Array, params: KdfParams): Promise<StaffSecrets> {
  const mk = await staffMasterKey(passphrase, salt, params);
  const secrets = { authKey: deriveKey(mk, KDF_LABELS.staffAuth), wrapKey: deriveKey(mk, KDF_LABELS.staffWrap) };
  mk.fill(0);
  return secrets;
}

/** mk = Argon2id v1.3 (password = UTF-8 of the NFKC passphrase, salt, m, t, p, 32 bytes, no secret or data). */
export async function staffMasterKey(passphrase: string, salt: Uint8Array, params: KdfParams): Promise<Uint8Array> {
  // Hard limits only (Argon2id's own minimum of 8 KiB per lane): a client checks its floor with
  // refuseStaffKdf first; tests derive with a small cost.
  const { max } = STAFF_KDF_BOUNDS;
  assertBytes(salt, STAFF_KDF_BOUNDS.saltBytes, 'salt');
  assertInteger(params.m, { min: 8, max: max.m }, 'm');
  assertInteger(params.t, { min: 1, max: max.t }, 't');
  assertInteger(params.p, { min: max.p, max: max.p }, 'p');
  return argon2idAsync(utf8(passphrase.normalize('NFKC')), salt, { m: params.m, t: params.t, p: params.p, dkLen: KEY_SIZES.derivedKey });
}
