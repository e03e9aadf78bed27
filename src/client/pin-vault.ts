import { argon2idAsync } from '@noble/hashes/argon2.js';
import { z } from 'zod';
import { assertBytes, assertInteger } from '../protocol/bytes.js';
import { KEY_SIZES, PIN_VAULT, SIZES } from '../protocol/constants.js';
import { concatBytes, fromBase64Url, randomBytes, toBase64Url, utf8 } from '../protocol/encoding.js';
import type { KdfParams } from '../protocol/kdf.js';
import { formatRecoveryCode, parseRecoveryCode } from '../protocol/recovery-code.js';
import type { Sodium } from '../protocol/sodium.js';

// "Remember me on this device", without leaving the space open to whoever picks the phone up
// next (issue 12 point 4). The recovery secret is kept in the browser's storage encrypted
// (XChaCha20-Poly1305) under a key stretched from a short PIN the person chooses (Argon2id), and
// the record counts wrong PINs: after PIN_VAULT.attempts the record is deleted and only the code
// on paper opens the space again.
//
// What this protects against, and what not (SECURITY.md, "The browser"): someone who opens the
// browser after a quick exit, or borrows the phone, gets five guesses at a PIN, then nothing.
// Someone with a copy of the storage (a forensic image, malware, a synced profile) is not limited
// by the count, which sits in the same storage and can be put back: they guess offline, and a
// 4-6 digit PIN falls to that within hours even at Argon2id's cost. The count is decremented
// BEFORE the key is derived and reset only after a PIN opened the record, so closing the tab
// mid-derivation does not give a free guess.

export type PinProblem = 'length' | 'digits' | 'guessable';

/**
 * Why a PIN is refused, or null. Digits only, PIN_VAULT.pinDigits long; no single repeated digit,
 * no run up or down (1234, 9876) and no repeated pair (1212): those few are a large share of the
 * PINs people choose, and five guesses must not reach one.
 */
export function checkPin(pin: string): PinProblem | null {
  if (!/^[0-9]*$/.test(pin)) return 'digits';
  if (pin.length < PIN_VAULT.pinDigits.min || pin.length > PIN_VAULT.pinDigits.max) return 'length';
  const d = [...pin].map(Number);
  const steps = new Set(d.slice(1).map((x, i) => (x - d[i]! + 10) % 10));
  const pair = pin.slice(0, 2).repeat(Math.ceil(pin.length / 2)).slice(0, pin.length) === pin;
  if ((steps.size === 1 && [0, 1, 9].includes([...steps][0]!)) || pair) return 'guessable';
  return null;
}

/** A vault as stored: the cost and salt its key was derived with, the sealed secret, the wrong PINs left. */
export interface VaultRecord {
  kdf: KdfParams;
  salt: Uint8Array;
  nonce: Uint8Array;
  /** XChaCha20-Poly1305 of the 16-byte recovery secret: 16 bytes plus the tag. */
  sealed: Uint8Array;
  attemptsLeft: number;
}

const bytesField = (length: number) => z.string().transform((s, ctx) => {
  const b = fromBase64Url(s);
  if (b?.length !== length) ctx.addIssue({ code: 'custom', message: `expected ${length} bytes` });
  return b ?? new Uint8Array(0);
});
const { min, max } = PIN_VAULT.bounds;

/** The stored text form (JSON); a record outside the bounds is not a vault (a tampered cost must not hang the tab). */
const storedRecord = z.strictObject({
  v: z.literal(1),
  m: z.number().int().min(min.m).max(max.m),
  t: z.number().int().min(min.t).max(max.t),
  p: z.literal(1),
  salt: bytesField(PIN_VAULT.saltBytes),
  nonce: bytesField(SIZES.nonce),
  sealed: bytesField(KEY_SIZES.recoverySecret + SIZES.tag),
  left: z.number().int().min(0).max(PIN_VAULT.attempts),
});

export function encodeVault(r: VaultRecord): string {
  return JSON.stringify({
    v: 1, m: r.kdf.m, t: r.kdf.t, p: r.kdf.p,
    salt: toBase64Url(r.salt), nonce: toBase64Url(r.nonce), sealed: toBase64Url(r.sealed), left: r.attemptsLeft,
  });
}

/** The record from its text form, or null for nothing or anything that is not exactly that form. */
export function decodeVault(text: string | null): VaultRecord | null {
  if (!text) return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = storedRecord.safeParse(data);
  if (!parsed.success) return null;
  const { m, t, p, salt, nonce, sealed, left } = parsed.data;
  return { kdf: { m, t, p }, salt, nonce, sealed, attemptsLeft: left };
}

/** ad = "tynys/v1/pin-vault" ‖ m ‖ t ‖ p (u32 big-endian) ‖ salt: the cost and salt are bound to the ciphertext. */
function associatedData(kdf: KdfParams, salt: Uint8Array): Uint8Array {
  const cost = new Uint8Array(12);
  const view = new DataView(cost.buffer);
  view.setUint32(0, kdf.m);
  view.setUint32(4, kdf.t);
  view.setUint32(8, kdf.p);
  return concatBytes(utf8(PIN_VAULT.ad), cost, salt);
}

/** key = Argon2id v1.3 (password = UTF-8 of the PIN, salt, m, t, p, 32 bytes). */
export async function pinKey(pin: string, salt: Uint8Array, kdf: KdfParams): Promise<Uint8Array> {
  assertBytes(salt, PIN_VAULT.saltBytes, 'salt');
  assertInteger(kdf.m, { min: min.m, max: max.m }, 'm');
  assertInteger(kdf.t, { min: min.t, max: max.t }, 't');
  assertInteger(kdf.p, { min: 1, max: 1 }, 'p');
  return argon2idAsync(utf8(pin), salt, { m: kdf.m, t: kdf.t, p: kdf.p, dkLen: KEY_SIZES.derivedKey });
}

/** Seals a recovery secret under a PIN: a fresh salt and nonce each time. */
export async function sealSecret(sodium: Sodium, secret: Uint8Array, pin: string, kdf: KdfParams = PIN_VAULT.kdf): Promise<VaultRecord> {
  assertBytes(secret, KEY_SIZES.recoverySecret, 'secret');
  const salt = randomBytes(PIN_VAULT.saltBytes);
  const nonce = randomBytes(SIZES.nonce);
  const key = await pinKey(pin, salt, kdf);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(secret, associatedData(kdf, salt), null, nonce, key);
  key.fill(0);
  return { kdf: { ...kdf }, salt, nonce, sealed, attemptsLeft: PIN_VAULT.attempts };
}

/** The secret, or null for a wrong PIN or an altered record (the two cannot be told apart). */
export async function openSecret(sodium: Sodium, record: VaultRecord, pin: string): Promise<Uint8Array | null> {
  const key = await pinKey(pin, record.salt, record.kdf);
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, record.sealed, associatedData(record.kdf, record.salt), record.nonce, key);
  } catch {
    return null;
  } finally {
    key.fill(0);
  }
}

export type UnlockResult =
  | { ok: true; code: string }
  /** A wrong PIN; the record stays while attempts are left. */
  | { ok: false; reason: 'wrong_pin'; attemptsLeft: number }
  /** That was the last attempt (or none was left): the record is gone. */
  | { ok: false; reason: 'forgotten' }
  /** No record (never saved, forgotten, or not readable as one). */
  | { ok: false; reason: 'none' };

export type VaultArea = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface PinVaultOptions {
  /** libsodium, loaded by the caller (a page may load it after its first screen). */
  sodium: () => Promise<Sodium>;
  /** The Web Storage area, looked up at each use: a browser with storage turned off throws then, not at load. */
  area: () => VaultArea;
  key: string;
  /** The cost of new records (lowered only by tests); a stored record keeps its own. */
  kdf?: KdfParams;
}

/** One remembered code in one storage slot. */
export class PinVault {
  constructor(private readonly options: PinVaultOptions) {}

  private read(): VaultRecord | null {
    const text = this.options.area().getItem(this.options.key);
    const record = decodeVault(text);
    // Anything else in the slot is not kept: it could only be a damaged or tampered record.
    if (text !== null && !record) this.forget();
    return record;
  }

  private write(record: VaultRecord): void {
    this.options.area().setItem(this.options.key, encodeVault(record));
  }

  /** Whether a code is remembered here (the PIN screen is shown instead of the start screen). */
  exists(): boolean {
    return this.read() !== null;
  }

  /** Wrong PINs left before the record is deleted, or null when there is none. */
  attemptsLeft(): number | null {
    return this.read()?.attemptsLeft ?? null;
  }

  /** Remembers `code` under `pin`, replacing any record. Throws on a refused PIN or a code with a typo. */
  async save(code: string, pin: string): Promise<void> {
    const problem = checkPin(pin);
    if (problem) throw new RangeError(`pin: ${problem}`);
    const parsed = parseRecoveryCode(code);
    if (!parsed.ok) throw new RangeError(`code: ${parsed.reason}`);
    try {
      this.write(await sealSecret(await this.options.sodium(), parsed.secret, pin, this.options.kdf));
    } finally {
      parsed.secret.fill(0);
    }
  }

  /** Tries a PIN; counts it first, resets the count when it opens, deletes the record after the last wrong one. */
  async unlock(pin: string): Promise<UnlockResult> {
    const record = this.read();
    if (!record) return { ok: false, reason: 'none' };
    if (record.attemptsLeft <= 0) {
      this.forget();
      return { ok: false, reason: 'forgotten' };
    }
    const left = record.attemptsLeft - 1;
    this.write({ ...record, attemptsLeft: left });
    const secret = await openSecret(await this.options.sodium(), record, pin);
    if (secret) {
      // Another tab may have forgotten it meanwhile: then it stays forgotten.
      if (this.read()) this.write({ ...record, attemptsLeft: PIN_VAULT.attempts });
      const code = formatRecoveryCode(secret);
      secret.fill(0);
      return { ok: true, code };
    }
    if (left === 0) {
      this.forget();
      return { ok: false, reason: 'forgotten' };
    }
    return { ok: false, reason: 'wrong_pin', attemptsLeft: left };
  }

  forget(): void {
    this.options.area().removeItem(this.options.key);
  }
}
