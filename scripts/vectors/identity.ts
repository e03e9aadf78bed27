import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { KDF_LABELS, KDF_SALT, KEY_BUNDLE, POW } from '../../src/protocol/constants.js';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/protocol/encoding.js';
import { deriveAskerKeys, deriveKey, deriveStaffSecrets, staffMasterKey, type KdfParams } from '../../src/protocol/kdf.js';
import { wrapKeyBundleWithNonce } from '../../src/protocol/key-bundle.js';
import { leadingZeroBits, proofOfWorkInput, solveProofOfWork } from '../../src/protocol/pow.js';
import { formatRecoveryCode, parseRecoveryCode, recoveryCodeChecks } from '../../src/protocol/recovery-code.js';
import type { Sodium } from '../../src/protocol/sodium.js';

// The vectors of PROTOCOL.md §1–§5 (encodings, recovery code, key derivation, proof of work,
// staff key bundle), computed by the src/ functions from fixed inputs only: the same file comes
// out of every run. Bytes are lower-case hex unless a field's name says base64url.

const hex = bytesToHex;
const fill = (n: number, byte: number): Uint8Array => new Uint8Array(n).fill(byte);
const counting = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);
/** Fixed bytes that look random: SHA-256 of a name, cut to length. */
const named = (name: string, n: number): Uint8Array => sha256(utf8(name)).slice(0, n);

/** The small Argon2id cost of the vectors: far below a client's floor (64 MiB, t = 3), so they run in milliseconds. */
export const VECTOR_KDF: KdfParams = { m: 256, t: 1, p: 1 };

function base64url() {
  // RFC 4648 §10's strings, then both characters that differ from standard base64.
  const valid = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map((s) => utf8(s));
  valid.push(Uint8Array.of(0xfb, 0xff), counting(32));
  const rejected = [
    { base64url: 'Zg==', why: 'padding' },
    { base64url: 'Zg=', why: 'padding' },
    { base64url: 'Zh', why: 'non-zero unused bits (a second spelling of "Zg")' },
    { base64url: 'Z', why: 'length mod 4 = 1' },
    { base64url: 'Zm9v+w', why: 'standard base64 character' },
    { base64url: 'Zm9v/w', why: 'standard base64 character' },
  ];
  return [
    ...valid.map((b) => ({ bytes: hex(b), base64url: toBase64Url(b) })),
    ...rejected.map((r) => ({ ...r, valid: fromBase64Url(r.base64url) !== null })),
  ];
}

function recoveryCode() {
  const secrets = [fill(16, 0), counting(16), fill(16, 0xff), named('tynys recovery-code vector', 16)];
  const encode = secrets.map((secret) => {
    const code = formatRecoveryCode(secret);
    const compact = code.replace(/-/g, '');
    return { secret: hex(secret), data: compact.slice(0, 26), checks: recoveryCodeChecks(compact.slice(0, 26)), code };
  });
  const zeroCode = formatRecoveryCode(fill(16, 0));
  const sample = encode[3]!.code;
  // The zero secret's data with the last character's two padding bits set, with correct checks.
  const paddedData = `${'0'.repeat(25)}1`;
  const inputs = [
    { input: sample.toLowerCase().replace(/-/g, ' ') },
    { input: ` ${sample.replace(/-/g, '')} ` },
    { input: zeroCode.replace(/0/g, 'o') },
    { input: formatRecoveryCode(counting(16)).replace(/1/g, 'l') },
    { input: sample.slice(0, -1) },
    { input: `${sample.slice(0, -1)}U` },
    { input: `${sample.slice(0, 5)}${sample[5] === 'A' ? 'B' : 'A'}${sample.slice(6)}` },
    { input: paddedData + recoveryCodeChecks(paddedData) },
  ];
  const decode = inputs.map(({ input }) => {
    const parsed = parseRecoveryCode(input);
    return parsed.ok ? { input, secret: hex(parsed.secret) } : { input, error: parsed.reason };
  });
  return { encode, decode };
}

function hkdf() {
  const ikms = [counting(16), named('tynys hkdf vector', 32)];
  return ikms.flatMap((ikm) => Object.values(KDF_LABELS).map((info) => ({
    ikm: hex(ikm), salt: KDF_SALT, info, length: 32, okm: hex(deriveKey(ikm, info)),
  })));
}

function askerKeys(sodium: Sodium) {
  return [counting(16), named('tynys asker vector', 16)].map((secret) => {
    const keys = deriveAskerKeys(sodium, secret);
    return {
      recoverySecret: hex(secret),
      authKey: hex(keys.authKey),
      boxSeed: hex(deriveKey(secret, KDF_LABELS.askerBoxSeed)),
      boxSecretKey: hex(keys.box.privateKey),
      boxPublicKey: hex(keys.box.publicKey),
      signSeed: hex(deriveKey(secret, KDF_LABELS.askerSignSeed)),
      signPublicKey: hex(keys.sign.publicKey),
      authKeyBase64url: toBase64Url(keys.authKey),
    };
  });
}

async function staffSecrets() {
  const cases = [
    { passphrase: 'correct horse battery staple', salt: fill(16, 7) },
    // Full-width letters, a ligature and a decomposed é: NFKC makes them "Pass file café".
    { passphrase: 'Ｐａｓｓ ﬁle cafe\u0301', salt: named('tynys staff salt vector', 16) },
  ];
  const out = [];
  for (const { passphrase, salt } of cases) {
    const secrets = await deriveStaffSecrets(passphrase, salt, VECTOR_KDF);
    out.push({
      passphrase,
      password: hex(utf8(passphrase.normalize('NFKC'))),
      salt: hex(salt),
      argon2id: { ...VECTOR_KDF, version: 0x13, length: 32, note: 'a test cost: clients refuse less than m = 65536, t = 3' },
      masterKey: hex(await staffMasterKey(passphrase, salt, VECTOR_KDF)),
      authKey: hex(secrets.authKey),
      wrapKey: hex(secrets.wrapKey),
    });
  }
  return out;
}

async function keyBundle(sodium: Sodium) {
  const { wrapKey } = await deriveStaffSecrets('correct horse battery staple', fill(16, 7), VECTOR_KDF);
  const box = sodium.crypto_box_seed_keypair(fill(32, 0x11));
  const sign = sodium.crypto_sign_seed_keypair(fill(32, 0x22));
  const nonce = fill(24, 0x33);
  const wrapped = wrapKeyBundleWithNonce(sodium, wrapKey, { boxSecretKey: box.privateKey, signSecretKey: sign.privateKey }, nonce);
  return [{
    wrapKey: hex(wrapKey),
    boxSecretKey: hex(box.privateKey),
    boxPublicKey: hex(box.publicKey),
    signSecretKey: hex(sign.privateKey),
    signPublicKey: hex(sign.publicKey),
    nonce: hex(nonce),
    ad: KEY_BUNDLE.ad,
    wrapped: hex(wrapped),
    wrappedBase64url: toBase64Url(wrapped),
  }];
}

function proofOfWork() {
  return [8, 12, 16].map((bits, i) => {
    // A challenge laid out as the server issues one (PROTOCOL.md §4); to a client it is opaque.
    const challenge = new Uint8Array(POW.challengeBytes);
    const view = new DataView(challenge.buffer);
    challenge[0] = 1;
    challenge[1] = i % 2;
    challenge[2] = bits;
    view.setFloat64(3, 1_767_225_600_000 + i * 60_000);
    challenge.set(named(`tynys pow random ${i}`, 16), 11);
    challenge.set(named(`tynys pow mac ${i}`, 16), 27);
    const counter = solveProofOfWork(challenge, bits)!;
    const input = proofOfWorkInput(challenge, counter);
    const hash = sha256(input);
    return { challenge: hex(challenge), challengeBase64url: toBase64Url(challenge), bits, counter, input: hex(input), hash: hex(hash), leadingZeroBits: leadingZeroBits(hash) };
  });
}

/** The identity and staff constructions' vectors, by construction name. */
export async function identityVectors(sodium: Sodium): Promise<Record<string, unknown>> {
  return {
    base64url: base64url(),
    recoveryCode: recoveryCode(),
    hkdf: hkdf(),
    askerKeys: askerKeys(sodium),
    staffSecrets: await staffSecrets(),
    keyBundle: await keyBundle(sodium),
    proofOfWork: proofOfWork(),
  };
}
