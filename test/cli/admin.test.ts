import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staff } from '../../db/schema.js';
import { StaffClient } from '../../src/client/index.js';
import { TEST_KDF } from '../support/server.js';

const run = promisify(execFile);
let dir: string;

/** Runs the CLI as `npm run admin` does, on a temporary DATA_DIR. */
async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], { env: { ...process.env, DATA_DIR: join(dir, 'data') } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'tynys-cli-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('admin CLI', () => {
  it('creates an invite that a server on the same DATA_DIR accepts, and signs the directory', async () => {
    const invite = await admin('invite', '--role', 'psychologist', '--role', 'supervisor', '--json');
    expect(invite.code).toBe(0);
    const parsed = JSON.parse(invite.stdout) as { code: string; expiresAt: number; roles: string[] };
    expect(parsed.code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(parsed.roles).toEqual(['psychologist', 'supervisor']);
    expect(parsed.expiresAt - Date.now()).toBeGreaterThan(71 * 3_600_000);
    expect(statSync(join(dir, 'data', 'pepper')).mode & 0o777).toBe(0o600);

    // A server started on that DATA_DIR (same pepper file) accepts the code.
    const { composeService } = await import('../../src/compose.js');
    const { serve } = await import('@hono/node-server');
    const { testConfig } = await import('../../src/config.js');
    const { loadSodium } = await import('../../src/protocol/sodium.js');
    const config = testConfig({ DATA_DIR: join(dir, 'data') });
    const { app, db } = await composeService(config);
    const server = await new Promise<ReturnType<typeof serve>>((r) => { const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => r(s)); });
    const port = (server.address() as { port: number }).port;
    const sodium = await loadSodium();
    const options = { baseUrl: `http://127.0.0.1:${port}`, orgPublicKey: sodium.crypto_sign_keypair().publicKey, minKdf: TEST_KDF };
    const psy = await StaffClient.acceptInvite(options, { code: parsed.code, login: 'cli-psy', displayName: 'CLI', languages: ['ru'], passphrase: 'a long passphrase', kdf: TEST_KDF });
    expect(psy.roles).toEqual(['psychologist', 'supervisor']);
    await expect(StaffClient.acceptInvite(options, { code: parsed.code, login: 'again', displayName: 'x', languages: ['ru'], passphrase: 'a long passphrase', kdf: TEST_KDF }))
      .rejects.toMatchObject({ code: 'invite_invalid' });

    const keyFile = join(dir, 'org-key.json');
    const init = await admin('org-key', 'init', '--out', keyFile);
    expect(init.code).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const pub = (await admin('org-key', 'public', '--key', keyFile)).stdout.trim();
    expect(init.stdout).toContain(pub);
    expect((await admin('org-key', 'init', '--out', keyFile)).code).toBe(2);
    expect((await admin('org-key', 'init', '--out', join(dir, 'data', 'org.json'))).stderr).toContain('outside DATA_DIR');

    expect((await admin('directory', 'sign', '--key', keyFile)).stdout).toContain('Signed 1 directory entry');
    expect(db.select().from(staff).all()[0]!.directorySignature).not.toBeNull();
    const trusting = await StaffClient.login({ ...options, orgPublicKey: Buffer.from(pub, 'base64url') }, 'cli-psy', 'a long passphrase');
    // Per-row signatures put nobody in the directory clients trust: only an imported signed manifest does.
    await expect(trusting.directory()).rejects.toMatchObject({ code: 'directory_unavailable' });

    await new Promise<void>((r) => server.close(() => r()));
    db.$client.close();
  });

  it('purges, prints usage, and refuses unknown roles and commands with exit code 2', async () => {
    const purge = await admin('purge');
    expect(purge.code).toBe(0);
    expect(Object.keys(JSON.parse(purge.stdout))).toEqual(['sessions', 'identities', 'invites', 'threads', 'questions']);
    const seed = await admin('seed');
    expect(seed.code).toBe(0);
    expect(JSON.parse(seed.stdout).added).toBeGreaterThanOrEqual(40);
    expect(JSON.parse((await admin('seed')).stdout)).toEqual({ added: 0 });
    expect((await admin('help')).stdout).toContain('invite --role ROLE');
    const wizard = await admin('invite', '--role', 'wizard');
    expect(wizard.code).toBe(2);
    expect(wizard.stderr).toContain('unknown role "wizard"');
    expect((await admin('invite')).code).toBe(2);
    expect((await admin('frobnicate')).code).toBe(2);
  });

  it('backs up online and restores a verified backup', async () => {
    const file = join(dir, 'backup.db');
    const backup = await admin('backup', '--out', file);
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const restore = await admin('restore', '--from', file);
    expect(restore.code).toBe(0);
    const refused = await admin('restore', '--from', join(dir, 'org-key.json'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('not restored');
  });
});
