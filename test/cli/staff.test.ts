import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, toBase64Url } from '../../src/protocol/encoding.js';
import { deriveStaffSecrets } from '../../src/protocol/kdf.js';
import { wrapKeyBundle } from '../../src/protocol/key-bundle.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { CHEAP_KDF, createStaff, type TestStaff } from '../support/staff.js';

// `npm run admin -- staff …` and `… audit` on the DATA_DIR of a running app: the same lifecycle
// as the admin API, recorded with the actor `cli`; refusals exit 2 with the code and change nothing.

const run = promisify(execFile);
let t: TestContext;
let admin: TestStaff;
let psy: TestStaff;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], { env: { ...process.env, DATA_DIR: t.dir } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await createStaff(t, { roles: ['admin'], login: 'boss' });
  psy = await createStaff(t, { roles: ['psychologist'], login: 'psy' });
});
afterAll(() => t.close());

describe('admin CLI: staff lifecycle', () => {
  it('lists, disables, refuses what it must, changes roles, resets, and writes the audit log', async () => {
    // Rounds of commands that do not depend on each other (each run starts tsx anew).
    const [list, lastAdmin, badRole, nobody] = await Promise.all([
      cli('staff', 'list', '--json'),
      cli('staff', 'disable', 'boss'),
      cli('staff', 'set', 'psy', '--role', 'wizard', '--language', 'ru'),
      cli('staff', 'disable', 'nobody'),
    ]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ login: 'psy', staffId: psy.staffId, disabledAt: null })]));
    expect(lastAdmin.code).toBe(2);
    expect(lastAdmin.stderr).toContain('last_admin');
    expect(badRole.code).toBe(2);
    expect(nobody.code).toBe(2);
    expect((await t.call('GET', '/api/staff/me', { token: admin.token })).status).toBe(200);

    const disabled = await cli('staff', 'disable', 'psy');
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain('next signed manifest');
    expect((await t.call('GET', '/api/staff/me', { token: psy.token })).status).toBe(401);

    // A reset code may be made for a disabled account; it is accepted once the account is enabled.
    const [enabled, reset] = await Promise.all([cli('staff', 'enable', psy.staffId), cli('staff', 'reset', 'psy')]);
    expect(enabled.code).toBe(0);
    expect(reset.code).toBe(0);
    const code = /(s_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{32})/.exec(reset.stdout)![1]!;
    const salt = randomBytes(16);
    const secrets = await deriveStaffSecrets('a new passphrase', salt, CHEAP_KDF);
    const box = t.sodium.crypto_box_keypair();
    const sign = t.sodium.crypto_sign_keypair();
    const accepted = await t.call('POST', '/api/staff/reset', {
      json: {
        code, kdfSalt: toBase64Url(salt), kdf: CHEAP_KDF, authKey: toBase64Url(secrets.authKey), boxPublicKey: toBase64Url(box.publicKey), signPublicKey: toBase64Url(sign.publicKey),
        wrappedKeys: toBase64Url(wrapKeyBundle(t.sodium, secrets.wrapKey, { boxSecretKey: box.privateKey, signSecretKey: sign.privateKey })),
      },
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.profile.staffId).toBe(psy.staffId);

    const audit = await cli('audit', '--json');
    expect(audit.code).toBe(0);
    const actions: string[] = JSON.parse(audit.stdout).entries.map((e: { actor: string; action: string }) => `${e.actor}:${e.action}`);
    expect(actions).toHaveLength(4);
    expect([actions[0], actions.slice(1, 3).sort(), actions[3]]).toEqual([`${psy.staffId}:reset_accepted`, ['cli:enabled', 'cli:reset_invite_created'], 'cli:disabled']);
  });
});
