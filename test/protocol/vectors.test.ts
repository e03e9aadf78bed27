import { readFileSync } from 'node:fs';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { argon2id } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildVectors, serialise, VECTORS_FILE, type VectorFile } from '../../scripts/protocol-vectors.js';
import { KDF_LABELS, KEY_BUNDLE } from '../../src/protocol/constants.js';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/protocol/encoding.js';
import { deriveAskerKeys, deriveKey, deriveStaffSecrets, staffMasterKey } from '../../src/protocol/kdf.js';
import { unwrapKeyBundle, wrapKeyBundleWithNonce } from '../../src/protocol/key-bundle.js';
import { checkProofOfWork, leadingZeroBits, proofOfWorkInput, solveProofOfWork } from '../../src/protocol/pow.js';
import { formatRecoveryCode, parseRecoveryCode, recoveryCodeChecks } from '../../src/protocol/recovery-code.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';

// test/vectors/protocol-v2.json (npm run vectors): each vector re-derived here from its inputs
// with the src/ functions; the claims PROTOCOL.md makes about libsodium (the box secret key is
// SHA-512(seed)[0..32], the sign key standard Ed25519, the bundle plain XChaCha20-Poly1305)
// checked with @noble alone; and the file must be what the script writes today.

const file = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as VectorFile;
const v = file.vectors as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const b = hexToBytes;
let sodium: Sodium;
beforeAll(async () => { sodium = await loadSodium(); });

describe('protocol v2 test vectors', () => {
  it('are what scripts/protocol-vectors.ts writes today (run `npm run vectors` after a change)', async () => {
    expect(file.version).toBe(2);
    expect(readFileSync(VECTORS_FILE, 'utf8')).toBe(serialise(await buildVectors()));
  });

  it('cover every identity and staff construction', () => {
    for (const name of ['base64url', 'hkdf', 'askerKeys', 'staffSecrets', 'keyBundle', 'proofOfWork']) expect(v[name].length, name).toBeGreaterThan(0);
    expect(v.recoveryCode.encode.length).toBeGreaterThan(0);
    expect(v.recoveryCode.decode.length).toBeGreaterThan(0);
  });

  it('base64url: encodes each and refuses each non-canonical spelling', () => {
    for (const t of v.base64url) {
      if (t.valid === false) expect(fromBase64Url(t.base64url), t.base64url).toBeNull();
      else {
        expect(toBase64Url(b(t.bytes))).toBe(t.base64url);
        expect(bytesToHex(fromBase64Url(t.base64url)!)).toBe(t.bytes);
      }
    }
  });

  it('recovery code: secret → code, checks, and typed input → secret or error', () => {
    for (const t of v.recoveryCode.encode) {
      expect(formatRecoveryCode(b(t.secret))).toBe(t.code);
      expect(recoveryCodeChecks(t.data)).toBe(t.checks);
      expect(t.code.replace(/-/g, '')).toBe(t.data + t.checks);
    }
    for (const t of v.recoveryCode.decode) {
      const parsed = parseRecoveryCode(t.input);
      expect(parsed.ok ? { input: t.input, secret: bytesToHex(parsed.secret) } : { input: t.input, error: parsed.reason }).toEqual(t);
    }
  });

  it('HKDF-SHA256: each label, by src and by @noble directly', () => {
    for (const t of v.hkdf) {
      expect(bytesToHex(deriveKey(b(t.ikm), t.info, t.length))).toBe(t.okm);
      expect(bytesToHex(hkdf(sha256, b(t.ikm), utf8(t.salt), utf8(t.info), t.length))).toBe(t.okm);
    }
    expect(new Set(v.hkdf.map((t: { info: string }) => t.info))).toEqual(new Set(Object.values(KDF_LABELS)));
  });

  it('asker keys: box secret key = SHA-512(seed)[0..32], sign key = Ed25519 from the seed', () => {
    for (const t of v.askerKeys) {
      const keys = deriveAskerKeys(sodium, b(t.recoverySecret));
      expect({ authKey: bytesToHex(keys.authKey), boxSecretKey: bytesToHex(keys.box.privateKey), boxPublicKey: bytesToHex(keys.box.publicKey), signPublicKey: bytesToHex(keys.sign.publicKey) })
        .toEqual({ authKey: t.authKey, boxSecretKey: t.boxSecretKey, boxPublicKey: t.boxPublicKey, signPublicKey: t.signPublicKey });
      expect(bytesToHex(deriveKey(b(t.recoverySecret), KDF_LABELS.askerBoxSeed))).toBe(t.boxSeed);
      expect(bytesToHex(deriveKey(b(t.recoverySecret), KDF_LABELS.askerSignSeed))).toBe(t.signSeed);
      expect(toBase64Url(b(t.authKey))).toBe(t.authKeyBase64url);
      // Without libsodium:
      expect(bytesToHex(sha512(b(t.boxSeed)).slice(0, 32))).toBe(t.boxSecretKey);
      expect(bytesToHex(x25519.getPublicKey(b(t.boxSecretKey)))).toBe(t.boxPublicKey);
      expect(bytesToHex(ed25519.getPublicKey(b(t.signSeed)))).toBe(t.signPublicKey);
    }
  });

  it('staff secrets: Argon2id over the NFKC passphrase, then HKDF', async () => {
    for (const t of v.staffSecrets) {
      const params = { m: t.argon2id.m, t: t.argon2id.t, p: t.argon2id.p };
      const secrets = await deriveStaffSecrets(t.passphrase, b(t.salt), params);
      expect({ authKey: bytesToHex(secrets.authKey), wrapKey: bytesToHex(secrets.wrapKey) }).toEqual({ authKey: t.authKey, wrapKey: t.wrapKey });
      expect(bytesToHex(await staffMasterKey(t.passphrase, b(t.salt), params))).toBe(t.masterKey);
      expect(bytesToHex(utf8(t.passphrase.normalize('NFKC')))).toBe(t.password);
      expect(bytesToHex(argon2id(b(t.password), b(t.salt), { ...params, dkLen: t.argon2id.length, version: t.argon2id.version }))).toBe(t.masterKey);
      expect(bytesToHex(deriveKey(b(t.masterKey), KDF_LABELS.staffWrap))).toBe(t.wrapKey);
    }
  });

  it('key bundle: nonce ‖ XChaCha20-Poly1305(box sk ‖ sign sk, ad), and it opens', () => {
    for (const t of v.keyBundle) {
      const bundle = { boxSecretKey: b(t.boxSecretKey), signSecretKey: b(t.signSecretKey) };
      const wrapped = wrapKeyBundleWithNonce(sodium, b(t.wrapKey), bundle, b(t.nonce));
      expect(bytesToHex(wrapped)).toBe(t.wrapped);
      expect(wrapped.length).toBe(KEY_BUNDLE.bytes);
      expect(toBase64Url(wrapped)).toBe(t.wrappedBase64url);
      expect(unwrapKeyBundle(sodium, b(t.wrapKey), wrapped)).toEqual(bundle);
      const sealed = xchacha20poly1305(b(t.wrapKey), b(t.nonce), utf8(t.ad)).encrypt(new Uint8Array([...bundle.boxSecretKey, ...bundle.signSecretKey]));
      expect(t.nonce + bytesToHex(sealed)).toBe(t.wrapped);
      expect(bytesToHex(bundle.signSecretKey.slice(32))).toBe(t.signPublicKey);
    }
  });

  it('proof of work: SHA-256(challenge ‖ counter as u64 big-endian); the counter is the smallest that meets the bits', () => {
    for (const t of v.proofOfWork) {
      const challenge = b(t.challenge);
      expect(bytesToHex(proofOfWorkInput(challenge, t.counter))).toBe(t.input);
      expect(bytesToHex(sha256(b(t.input)))).toBe(t.hash);
      expect(leadingZeroBits(b(t.hash))).toBe(t.leadingZeroBits);
      expect(checkProofOfWork(challenge, t.counter, t.bits)).toBe(true);
      expect(solveProofOfWork(challenge, t.bits)).toBe(t.counter);
      expect(toBase64Url(challenge)).toBe(t.challengeBase64url);
    }
  });
});
