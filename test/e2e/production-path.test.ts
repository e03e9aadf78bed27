import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AskerClient, StaffClient, type StaffClientOptions } from '../../src/client/index.js';
import { fromBase64Url } from '../../src/protocol/encoding.js';
import { spawnServer, type ServerChild } from '../support/child-server.js';
import { TEST_KDF } from '../support/server.js';

// The README's production path (sections "Staff accounts" and "Signing the staff directory"), step
// by step as an organisation follows it on a fresh data directory: the organisation key made on an
// offline machine, the server started pinned to it, the first admin and a psychologist invited
// and accepted as the console does (the SDK is the console's code), export, compare, sign offline,
// import, and then a consultation that reaches the psychologist. The start banner says what is
// missing at each start. Nothing here calls the server's code in process.

const run = promisify(execFile);
const CLI = resolve('scripts/admin.ts');
const TSX = import.meta.resolve('tsx');
const BASE_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATA_DIR', 'ORG_PUBLIC_KEY', 'PEPPER', 'PORT'].includes(k)));

const dir = mkdtempSync(join(tmpdir(), 'tynys-production-'));
const offline = join(dir, 'offline');
const dataDir = join(dir, 'data');
let server: ServerChild | null = null;

async function admin(cwd: string, env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: { ...BASE_ENV, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function start(orgPublicKey: string): Promise<ServerChild> {
  // The test cost of Argon2id (the console refuses less than the server's configured minimum).
  const env = { ...BASE_ENV, PORT: '0', DATA_DIR: dataDir, ORG_PUBLIC_KEY: orgPublicKey, DEMO_CONTENT: 'false', LOG_LEVEL: 'warn', STAFF_KDF_MIN_MEMORY_KIB: String(TEST_KDF.m), STAFF_KDF_MIN_PASSES: String(TEST_KDF.t) };
  return spawnServer(env, { command: [process.execPath, '--import', TSX, resolve('src/server.ts')] }).ready;
}

async function stop(): Promise<void> {
  if (server && server.process.exitCode === null) {
    server.process.kill('SIGTERM');
    await server.exited;
  }
  server = null;
}

afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the production path, as the README writes it', () => {
  it('offline key → pinned start → admin and psychologist → export → compare → sign offline → import → a consultation reaches them', async () => {
    // 1. The organisation key, on a machine with no DATA_DIR and no database.
    mkdirSync(offline);
    const keyFile = join(offline, 'tynys-org-key.json');
    const init = await admin(offline, {}, 'org-key', 'init', '--out', keyFile);
    expect(init.code).toBe(0);
    const publicKey = (JSON.parse(readFileSync(keyFile, 'utf8')) as { publicKey: string }).publicKey;
    expect(init.stdout).toContain(publicKey);

    // The server, pinned to it: the banner says what is missing, each with its command.
    server = await start(publicKey);
    expect(server.output()).toMatch(/admin/i);
    expect(server.output()).toMatch(/directory export/);
    const onServer = (...args: string[]) => admin(dir, { DATA_DIR: dataDir, ORG_PUBLIC_KEY: publicKey }, ...args);
    const options: StaffClientOptions = { baseUrl: server.url.replace(/\/$/, ''), orgPublicKey: fromBase64Url(publicKey)!, minKdf: TEST_KDF };

    // 2. People join: invites from the CLI, accepted as the console accepts them.
    const adminInvite = JSON.parse((await onServer('invite', '--role', 'admin', '--json')).stdout) as { code: string };
    await StaffClient.acceptInvite(options, { code: adminInvite.code, login: 'first-admin', displayName: 'Admin', languages: ['ru'], passphrase: 'the admin passphrase', kdf: TEST_KDF });
    const psyInvite = JSON.parse((await onServer('invite', '--role', 'psychologist', '--json')).stdout) as { code: string };
    const psy = await StaffClient.acceptInvite(options, { code: psyInvite.code, login: 'aigerim', displayName: 'Айгерим', languages: ['ru', 'kk'], passphrase: 'the psychologist passphrase', kdf: TEST_KDF });
    // Her console shows her fingerprint and that she is not in a signed directory yet (there is none).
    const fingerprint = psy.ownFingerprint();
    await expect(psy.listedInDirectory()).rejects.toMatchObject({ code: 'directory_unavailable' });

    // 3. Export on the server: one line per account with its fingerprint and what changed.
    const proposal = join(dir, 'proposal.json');
    const exported = await onServer('directory', 'export', '--out', proposal);
    expect(exported.code).toBe(0);
    // 4. Compare out of band: the fingerprint her console shows is the one in the table.
    const line = exported.stdout.split('\n').find((l) => l.includes('Айгерим'))!;
    expect(line).toContain(fingerprint);
    expect(line).toContain('added');

    // 5. Sign on the offline machine: no DATA_DIR, no database, and nothing written there but signed.json.
    const signed = join(offline, 'signed.json');
    const sign = await admin(offline, {}, 'directory', 'sign', '--in', proposal, '--out', signed, '--key', keyFile, '--yes');
    expect(sign.code).toBe(0);
    expect(sign.stdout).toContain(fingerprint);
    expect(existsSync(join(offline, 'data'))).toBe(false);

    // 6. Import on the server: the running server uses it at once.
    const imported = await onServer('directory', 'import', signed);
    expect(imported.code).toBe(0);
    expect(await psy.listedInDirectory()).toBe(true);

    // A consultation in her language reaches her, and her reply reaches the asker.
    const { client: asker } = await AskerClient.create(options);
    const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'kk', urgency: 'soon' });
    await asker.send(threadId, 'Сәлеметсіз бе');
    expect((await psy.queue()).map((t) => t.id)).toContain(threadId);
    await psy.claim(threadId);
    await psy.send(threadId, 'Тыңдап тұрмын');
    expect((await asker.read(threadId)).map((m) => m.text)).toEqual(['Сәлеметсіз бе', 'Тыңдап тұрмын']);

    // The next start finds nothing missing to warn about but the directory's expiry date.
    await stop();
    server = await start(publicKey);
    expect(server.output()).not.toMatch(/directory export/);
  }, 120_000);
});
