import { createSession, sessionPolicyFrom } from '../../src/auth/sessions.js';
import type { Language } from '../../src/protocol/api/common.js';
import type { StaffRole } from '../../src/protocol/api/staff.js';
import { randomBytes, toBase64Url } from '../../src/protocol/encoding.js';
import { deriveStaffSecrets, type KdfParams, type KeyPair } from '../../src/protocol/kdf.js';
import { wrapKeyBundle } from '../../src/protocol/key-bundle.js';
import { MANIFEST_DEFAULT_VALIDITY_MS } from '../../src/protocol/manifest.js';
import { createInvite } from '../../src/staff/service.js';
import { installManifest } from './manifest.js';
import type { TestContext } from './app.js';

export const CHEAP_KDF: KdfParams = { m: 64, t: 1, p: 1 };

export interface TestStaff {
  staffId: string;
  token: string;
  login: string;
  passphrase: string;
  box: KeyPair;
  sign: KeyPair;
}

/** The accept request a browser would send for this invite (keys made and wrapped client-side). */
export async function acceptBody(t: TestContext, code: string, login: string, passphrase: string, languages: Language[] = ['ru'], kdf: KdfParams = CHEAP_KDF) {
  const salt = randomBytes(16);
  const secrets = await deriveStaffSecrets(passphrase, salt, kdf);
  const box = t.sodium.crypto_box_keypair();
  const sign = t.sodium.crypto_sign_keypair();
  const wrapped = wrapKeyBundle(t.sodium, secrets.wrapKey, { boxSecretKey: box.privateKey, signSecretKey: sign.privateKey });
  return {
    body: {
      code, login, displayName: login, languages, kdfSalt: toBase64Url(salt), kdf,
      authKey: toBase64Url(secrets.authKey), boxPublicKey: toBase64Url(box.publicKey), signPublicKey: toBase64Url(sign.publicKey), wrappedKeys: toBase64Url(wrapped),
    },
    secrets, box: { publicKey: box.publicKey, privateKey: box.privateKey }, sign: { publicKey: sign.publicKey, privateKey: sign.privateKey },
  };
}

let counter = 0;

/** Creates a staff member through the accept route; with `orgPrivateKey`, signs and stores the next manifest (every staff account) with it. */
export async function createStaff(t: TestContext, options: { roles: StaffRole[]; languages?: Language[]; orgPrivateKey?: Uint8Array; login?: string }): Promise<TestStaff> {
  const login = options.login ?? `staff${++counter}`;
  const passphrase = `passphrase for ${login}`;
  const { code } = createInvite(t.db, t.pepper, options.roles, t.clock.now);
  const accepted = await acceptBody(t, code, login, passphrase, options.languages ?? ['ru']);
  const res = await t.call('POST', '/api/staff/accept', { json: accepted.body });
  if (res.status !== 201) throw new Error(`accept failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (options.orgPrivateKey) {
    // libsodium's Ed25519 secret key ends with its public key. Issued at the app's clock, which tests move.
    const org = { publicKey: options.orgPrivateKey.slice(32), privateKey: options.orgPrivateKey };
    installManifest({ db: t.db, sodium: t.sodium, org }, { issuedAt: t.clock.now, expiresAt: t.clock.now + MANIFEST_DEFAULT_VALIDITY_MS });
  }
  return { staffId: res.body.profile.staffId, token: res.body.token, login, passphrase, box: accepted.box, sign: accepted.sign };
}

/** A fresh session for an existing staff member (as after a login). */
export function staffSession(t: TestContext, staffId: string): string {
  return createSession(t.db, t.pepper, sessionPolicyFrom(t.config), { staffId }, t.clock.now).token;
}
