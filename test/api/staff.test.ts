import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staff, invites } from '../../db/schema.js';
import { fromBase64Url, toBase64Url } from '../../src/protocol/encoding.js';
import type { SignedManifestWire } from '../../src/protocol/api/staff.js';
import { checkManifest, manifestFromWire, manifestToWire } from '../../src/protocol/manifest.js';
import { deriveStaffSecrets, STAFF_KDF } from '../../src/protocol/kdf.js';
import { unwrapKeyBundle } from '../../src/protocol/key-bundle.js';
import { createInvite } from '../../src/staff/service.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';
import { acceptBody, createStaff } from '../support/staff.js';
import { installManifest } from '../support/manifest.js';

let t: TestContext;
let org: { publicKey: Uint8Array; privateKey: Uint8Array };
beforeEach(async () => { t = await createTestApp(); org = t.sodium.crypto_sign_keypair(); });
afterEach(() => t.close());

async function login(loginName: string, passphrase: string) {
  const pre = await t.call('POST', '/api/staff/prelogin', { json: { login: loginName } });
  const secrets = await deriveStaffSecrets(passphrase, fromBase64Url(pre.body.kdfSalt)!, pre.body.kdf);
  const res = await t.call('POST', '/api/staff/sessions', { json: { login: loginName, authKey: toBase64Url(secrets.authKey) } });
  return { res, secrets, pre };
}

describe('staff accounts', () => {
  it('invite → accept → login returns a key bundle that only the passphrase opens', async () => {
    const created = await createStaff(t, { roles: ['psychologist'], languages: ['ru', 'kk'] });
    const { res, secrets } = await login(created.login, created.passphrase);
    expect(res.status).toBe(201);
    expect(res.body.profile).toMatchObject({ staffId: created.staffId, roles: ['psychologist'], languages: ['ru', 'kk'] });
    const bundle = unwrapKeyBundle(t.sodium, secrets.wrapKey, fromBase64Url(res.body.profile.wrappedKeys)!)!;
    expect(Buffer.from(bundle.boxSecretKey).equals(Buffer.from(created.box.privateKey))).toBe(true);
    const wrong = await deriveStaffSecrets('not the passphrase', new Uint8Array(16), { m: 64, t: 1, p: 1 });
    expect(unwrapKeyBundle(t.sodium, wrong.wrapKey, fromBase64Url(res.body.profile.wrappedKeys)!)).toBeNull();

    const me = await t.call('GET', '/api/staff/me', { token: res.body.token });
    expect(me.body.login).toBe(created.login);
    expect((await t.call('DELETE', '/api/sessions/current', { token: res.body.token })).status).toBe(200);
    expect((await t.call('GET', '/api/staff/me', { token: res.body.token })).status).toBe(401);
    // Nothing secret at rest: the row holds a keyed hash of the auth key, not the key or passphrase.
    const row = t.db.select().from(staff).all()[0]!;
    const rowBytes = Buffer.concat(Object.values(row).map((v) => Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))));
    expect(rowBytes.includes(Buffer.from(secrets.authKey))).toBe(false);
    expect(rowBytes.includes(Buffer.from(created.passphrase))).toBe(false);
  });

  it('uses an invite once, keeps it when the login is taken, and lets it expire after 72 hours', async () => {
    await createStaff(t, { roles: ['moderator'], login: 'taken' });
    const { code } = createInvite(t.db, t.pepper, ['psychologist'], t.clock.now);
    const clash = await t.call('POST', '/api/staff/accept', { json: (await acceptBody(t, code, 'taken', 'pw pw pw pw')).body });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('login_taken');
    const ok = await t.call('POST', '/api/staff/accept', { json: (await acceptBody(t, code, 'fresh', 'pw pw pw pw')).body });
    expect(ok.status).toBe(201);
    expect(ok.body.profile.roles).toEqual(['psychologist']);
    const again = await t.call('POST', '/api/staff/accept', { json: (await acceptBody(t, code, 'fresh2', 'pw pw pw pw')).body });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('invite_invalid');

    const late = createInvite(t.db, t.pepper, ['psychologist'], t.clock.now);
    t.clock.now += 72 * 3_600_000 + 1;
    const expired = await t.call('POST', '/api/staff/accept', { json: (await acceptBody(t, late.code, 'late', 'pw pw pw pw')).body });
    expect(expired.body.error.code).toBe('invite_invalid');
    expect(t.db.select().from(invites).all()).toHaveLength(1); // the expired one, until the purge
  });

  it('answers pre-login for an unknown login with a stable fake of the same shape', async () => {
    const real = await t.call('POST', '/api/staff/prelogin', { json: { login: (await createStaff(t, { roles: ['admin'] })).login } });
    const a = await t.call('POST', '/api/staff/prelogin', { json: { login: 'nobody' } });
    const b = await t.call('POST', '/api/staff/prelogin', { json: { login: 'nobody' } });
    const c = await t.call('POST', '/api/staff/prelogin', { json: { login: 'nobody-else' } });
    expect(a.status).toBe(200);
    expect(a.body).toEqual(b.body);
    expect(a.body.kdfSalt).not.toBe(c.body.kdfSalt);
    expect(Object.keys(a.body).sort()).toEqual(Object.keys(real.body).sort());
    expect(fromBase64Url(a.body.kdfSalt)).toHaveLength(16);
    expect(a.body.kdf).toEqual(STAFF_KDF);
  });

  it('gives the same 401 for a wrong passphrase and an unknown login', async () => {
    const created = await createStaff(t, { roles: ['psychologist'] });
    const wrong = await login(created.login, 'wrong passphrase');
    const unknown = await t.call('POST', '/api/staff/sessions', { json: { login: 'ghost', authKey: toBase64Url(new Uint8Array(32)) } });
    expect(wrong.res.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.res.body.error.code).toBe('invalid_credentials');
    expect(unknown.body.error.code).toBe('invalid_credentials');
  });

  it('lets only admins create invites', async () => {
    const admin = await createStaff(t, { roles: ['admin'] });
    const moderator = await createStaff(t, { roles: ['moderator', 'psychologist'] });
    const asker = await mintAsker(t);
    const body = { roles: ['psychologist'] };
    expect((await t.call('POST', '/api/staff/invites', { json: body })).status).toBe(401);
    expect((await t.call('POST', '/api/staff/invites', { json: body, token: asker.token })).status).toBe(403);
    const forbidden = await t.call('POST', '/api/staff/invites', { json: body, token: moderator.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    expect((await t.call('GET', '/api/staff/me', { token: asker.token })).status).toBe(403);
    const made = await t.call('POST', '/api/staff/invites', { json: body, token: admin.token });
    expect(made.status).toBe(201);
    expect(made.body.code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const bad = await t.call('POST', '/api/staff/invites', { json: { roles: ['wizard'] }, token: admin.token });
    expect(bad.status).toBe(400);
  });

  it('serves no directory until a signed manifest is installed, then that manifest byte for byte, whatever the staff rows say', async () => {
    const unsigned = await createStaff(t, { roles: ['psychologist'] });
    expect((await t.call('GET', '/api/directory')).body).toEqual({ manifest: null });
    const signed = await createStaff(t, { roles: ['psychologist'], languages: ['en'], orgPrivateKey: org.privateKey });
    const installed = installManifest({ db: t.db, sodium: t.sodium, org }, { exclude: [unsigned.staffId] });
    const served = (await t.call('GET', '/api/directory')).body.manifest as SignedManifestWire;
    expect(served).toEqual(manifestToWire(installed));
    const checked = checkManifest(t.sodium, manifestFromWire(served)!, { pinned: org.publicKey, now: Date.now() });
    expect(checked.ok && checked.manifest.entries.map((e) => e.staffId)).toEqual([signed.staffId]);
  });

  it('refuses an account whose Argon2id cost is below the configured minimum', async () => {
    const strict = await createTestApp({ STAFF_KDF_MIN_MEMORY_KIB: STAFF_KDF.m, STAFF_KDF_MIN_PASSES: STAFF_KDF.t });
    try {
      const { code } = createInvite(strict.db, strict.pepper, ['psychologist'], strict.clock.now);
      const res = await strict.call('POST', '/api/staff/accept', { json: (await acceptBody(strict, code, 'weak', 'pw pw pw pw')).body });
      expect(res.status).toBe(400);
      expect(res.body.error.issues).toEqual([{ path: 'kdf', code: 'too_weak' }]);
    } finally {
      strict.close();
    }
  });

  it('derives staff keys at the production cost (Argon2id, 64 MiB, t=3): pinned vector', async () => {
    const secrets = await deriveStaffSecrets('a real passphrase', new Uint8Array(16).fill(1), STAFF_KDF);
    expect(toBase64Url(secrets.authKey)).toMatchInlineSnapshot(`"1NIppuM_s8kBmNtwCdTe91H_Tk2fVfNtLTF5slBp9M4"`);
  }, 60_000);
});
