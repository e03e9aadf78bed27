import { argon2idAsync } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from './encoding.js';
import type { Sodium } from './sodium.js';

// Key derivation (DESIGN.md §3, §4). One label per use, so that no key can stand in for another:
// the auth key that the server sees reveals nothing about the box or sign keys.
export const KDF_SALT = utf8('tynys/kdf/v1');
export const LABELS = {
  askerAuth: 'tynys/v1/asker/auth',
  askerBoxSeed: 'tynys/v1/asker/box-seed',
  askerSignSeed: 'tynys/v1/asker/sign-seed',
  staffAuth: 'tynys/v1/staff/auth',
  staffWrap: 'tynys/v1/staff/wrap',
} as const;

export function deriveKey(ikm: Uint8Array, label: string, length = 32): Uint8Array {
  return hkdf(sha256, ikm, KDF_SALT, utf8(label), length);
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
  const boxSeed = deriveKey(recoverySecret, LABELS.askerBoxSeed);
  const signSeed = deriveKey(recoverySecret, LABELS.askerSignSeed);
  const box = sodium.crypto_box_seed_keypair(boxSeed);
  const sign = sodium.crypto_sign_seed_keypair(signSeed);
  boxSeed.fill(0);
  signSeed.fill(0);
  return {
    authKey: deriveKey(recoverySecret, LABELS.askerAuth),
    box: { publicKey: box.publicKey, privateKey: box.privateKey },
    sign: { publicKey: sign.publicKey, privateKey: sign.privateKey },
  };
}

/** Argon2id cost. The client refuses weaker parameters than these, whatever a server says. */
export interface KdfParams {
  /** Memory in KiB. */
  m: number;
  t: number;
  p: number;
}
export const STAFF_KDF: KdfParams = { m: 64 * 1024, t: 3, p: 1 };

export interface StaffSecrets {
  authKey: Uint8Array;
  wrapKey: Uint8Array;
}

/** mk = argon2id(passphrase, salt); the auth and wrap keys come from mk by HKDF. */
export async function deriveStaffSecrets(passphrase: string, salt: Uint8Array, params: KdfParams): Promise<StaffSecrets> {
  const mk = await argon2idAsync(utf8(passphrase.normalize('NFKC')), salt, { m: params.m, t: params.t, p: params.p, dkLen: 32 });
  const secrets = { authKey: deriveKey(mk, LABELS.staffAuth), wrapKey: deriveKey(mk, LABELS.staffWrap) };
  mk.fill(0);
  return secrets;
}
