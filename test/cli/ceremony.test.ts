import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryManifests, staffAuditLog } from '../../db/schema.js';
import { fromBase64Url, toBase64Url } from '../../src/protocol/encoding.js';
import { manifestBytes, manifestFromWire, parseManifest, shortFingerprint, signManifest, type Manifest, type SignedManifest } from '../../src/protocol/manifest.js';
import { CeremonyError, importManifest, proposeManifest, readProposal, readSignedManifest, reviewTable } from '../../src/staff/ceremony.js';
import { latestManifest } from '../../src/staff/manifest-store.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { createStaff, type TestStaff } from '../support/staff.js';
import { draftThread, recipientOf } from '../support/transcript.js';
import { mintAsker } from '../support/asker.js';

// The offline ceremony through the CLI, as an admin runs it (README "Signing the staff
// directory"): export on the server → sign on a machine with no database → import on the server.

const run = promisify(execFile);
const CLI = resolve('scripts/admin.ts');
// Resolved here: the offline directory the CLI runs in has no node_modules.
const TSX = import.meta.resolve('tsx');
const ENV_WITHOUT_DATA = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATA_DIR', 'ORG_PUBLIC_KEY', 'PEPPER'].includes(k)));

let dir: string;
let t: TestContext;
let org: { publicKey: Uint8Array; privateKey: Uint8Array };
let keyFile: string;
let psy: TestStaff;
let mod: TestStaff;

/** The CLI in `cwd`, with exactly `env` on top of an environment without DATA_DIR or ORG_PUBLIC_KEY. */
async function admin(cwd: string, env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: { ...ENV_WITHOUT_DATA, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const serverEnv = (): Record<string, string> => ({ DATA_DIR: t.config.DATA_DIR, ORG_PUBLIC_KEY: toBase64Url(org.publicKey) });
const onServer = (...args: string[]) => admin(dir, serverEnv(), ...args);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tynys-ceremony-'));
  mkdirSync(join(dir, 'offline'));
  keyFile = join(dir, 'offline', 'org-key.json');
  expect((await admin(join(dir, 'offline'), {}, 'org-key', 'init', '--out', keyFile)).code).toBe(0);
  const file = JSON.parse(readFileSync(keyFile, 'utf8')) as { publicKey: string; privateKey: string };
  org = { publicKey: fromBase64Url(file.publicKey)!, privateKey: fromBase64Url(file.privateKey)! };
  // The server pins the key's public half, as ORG_PUBLIC_KEY.
  t = await createTestApp({ DATA_DIR: join(dir, 'data'), ORG_PUBLIC_KEY: file.publicKey });
  psy = await createStaff(t, { roles: ['psychologist'], languages: ['ru', 'kk'], login: 'aigerim' });
  mod = await createStaff(t, { roles: ['moderator'], login: 'daniyar' });
}, 30_000);
afterAll(() => { t.close(); rmSync(dir, { recursive: true, force: true }); });

describe('directory export → sign (offline) → import', () => {
  it('round trip: the signed manifest lists each account with its fingerprint, and the server serves it', async () => {
    const exported = await onServer('directory', 'export', '--out', join(dir, 'proposal.json'), '--days', '10');
    expect(exported.code).toBe(0);
    const fingerprint = shortFingerprint(psy.box.publicKey, psy.sign.publicKey);
    expect(exported.stdout).toContain('Manifest version 1');
    expect(exported.stdout).toMatch(new RegExp(`${psy.staffId}\\s+aigerim\\s+psychologist\\s+kk,ru\\s+${fingerprint}\\s+added`));
    expect(exported.stdout).toMatch(new RegExp(`${mod.staffId}\\s+daniyar\\s+moderator\\s+ru\\s+.+added`));
    const proposal = readProposal(readFileSync(join(dir, 'proposal.json'), 'utf8'), 'proposal.json');
    expect(proposal.previous).toBeNull();
    expect(proposal.manifest.expiresAt - proposal.manifest.issuedAt).toBe(10 * 86_400_000);

    // The offline machine: a directory with the proposal and the key, no DATA_DIR, no database.
    const offline = join(dir, 'offline');
    writeFileSync(join(offline, 'proposal.json'), readFileSync(join(dir, 'proposal.json')));
    const signed = await admin(offline, {}, 'directory', 'sign', '--in', 'proposal.json', '--out', 'signed.json', '--key', 'org-key.json', '--yes');
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain(fingerprint);
    expect(signed.stdout).toContain('No previous signed manifest was given');
    expect(readdirSync(offline).sort()).toEqual(['org-key.json', 'proposal.json', 'signed.json']); // no data directory, no database
    expect(statSync(join(offline, 'signed.json')).mode & 0o777).toBe(0o600);

    const imported = await onServer('directory', 'import', join(offline, 'signed.json'));
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain('Installed staff manifest version 1 (2 entries');
    const served = (await t.call('GET', '/api/directory')).body.manifest;
    expect(served).toEqual(JSON.parse(readFileSync(join(offline, 'signed.json'), 'utf8')));
    expect(t.db.select().from(staffAuditLog).all().map((r) => [r.actor, r.action, r.detail])).toEqual([['cli', 'manifest.import', { version: 1, entries: 2 }]]);
    // The running server routes to the psychologist now.
    const asker = await mintAsker(t);
    const draft = draftThread(t.sodium, { id: asker.identityId, box: asker.keys.box, sign: asker.keys.sign }, [recipientOf({ id: psy.staffId, box: psy.box, sign: psy.sign })]);
    expect((await t.call('POST', '/api/threads', { token: asker.token, json: draft.body })).status).toBe(201);

    // The next export compares with version 1; a new account shows as added, the rest unchanged.
    const third = await createStaff(t, { roles: ['psychologist'], login: 'bota' });
    const next = await onServer('directory', 'export', '--out', join(dir, 'proposal2.json'));
    expect(next.stdout).toContain('Manifest version 2');
    expect(next.stdout).toContain('Changes since signed version 1:');
    expect(next.stdout).toMatch(new RegExp(`${third.staffId}.+added`));
    expect(next.stdout).toMatch(new RegExp(`${psy.staffId}.+unchanged`));
    expect((await onServer('directory', 'export', '--out', join(dir, 'proposal2.json'))).stderr).toContain('exists');
  }, 60_000);

  it('sign shows a proposal edited after export as edited, and asks before signing (a pipe cannot answer)', async () => {
    const offline = join(dir, 'offline');
    const file = JSON.parse(readFileSync(join(dir, 'proposal2.json'), 'utf8')) as { manifest: string; previous: unknown };
    const manifest = parseManifest(fromBase64Url(file.manifest)!)!;
    // Someone with access to the file in transit gives the psychologist other keys and the moderator a psychologist's role.
    const rogue = { box: t.sodium.crypto_box_keypair(), sign: t.sodium.crypto_sign_keypair() };
    const edited: Manifest = {
      ...manifest,
      entries: manifest.entries.map((e) => (e.staffId === psy.staffId ? { ...e, boxPublicKey: rogue.box.publicKey, signPublicKey: rogue.sign.publicKey }
        : e.staffId === mod.staffId ? { ...e, roles: ['moderator', 'psychologist'] } : e)),
    };
    writeFileSync(join(offline, 'edited.json'), JSON.stringify({ ...file, manifest: toBase64Url(manifestBytes(edited)) }));
    const shown = await admin(offline, {}, 'directory', 'sign', '--in', 'edited.json', '--out', 'signed2.json', '--key', 'org-key.json');
    expect(shown.stdout).toContain('Previous manifest: version 1, verified with this organisation key.');
    expect(shown.stdout).toMatch(new RegExp(`${psy.staffId}.+${shortFingerprint(rogue.box.publicKey, rogue.sign.publicKey)}\\s+keys changed`));
    expect(shown.stdout).toMatch(new RegExp(`${mod.staffId}.+moderator,psychologist.+roles changed`));
    expect(shown.code).toBe(1);
    expect(shown.stderr.trim()).toBe('error: standard input is not a terminal, so nobody can confirm: read the table above, then run again with --yes');
    expect(existsSync(join(offline, 'signed2.json'))).toBe(false);

    // A previous manifest the key did not sign is not trusted for the comparison.
    const forgedPrevious = signManifest(t.sodium, { ...manifest, version: 1, entries: [] }, t.sodium.crypto_sign_keypair());
    writeFileSync(join(offline, 'forged-previous.json'), JSON.stringify({ ...file, previous: { manifest: toBase64Url(forgedPrevious.manifest), signature: toBase64Url(forgedPrevious.signature), signer: toBase64Url(forgedPrevious.signer) } }));
    const unverified = await admin(offline, {}, 'directory', 'sign', '--in', 'forged-previous.json', '--out', 'signed3.json', '--key', 'org-key.json');
    expect(unverified.stdout).toContain('WARNING: the previous manifest could not be verified with this organisation key');
    expect(unverified.stdout).toMatch(new RegExp(`${psy.staffId}.+added`));
    // A proposal whose bytes are not canonical is refused outright.
    const garbled = JSON.stringify({ ...file, manifest: toBase64Url(new TextEncoder().encode('tynys.manifest.v2\n01\n')) });
    expect(() => readProposal(garbled, 'garbled.json')).toThrow('garbled.json: the proposed manifest is not in its canonical form (edited by hand?); export it again');
  }, 60_000);
});

describe('directory import refuses, with one line, and changes nothing', () => {
  const sign = (m: Manifest, key = org): SignedManifest => signManifest(t.sodium, m, key);
  const next = (overrides: Partial<Manifest> = {}): Manifest => ({ ...proposeManifest(t.db, t.clock.now, 86_400_000).manifest, ...overrides });
  const refusal = (signed: SignedManifest, now = t.clock.now): string => {
    const before = [t.db.select().from(directoryManifests).all().length, t.db.select().from(staffAuditLog).all().length];
    try {
      importManifest(t.db, t.sodium, signed, { pinned: org.publicKey, now });
    } catch (err) {
      expect(err).toBeInstanceOf(CeremonyError);
      expect([t.db.select().from(directoryManifests).all().length, t.db.select().from(staffAuditLog).all().length]).toEqual(before);
      return (err as Error).message;
    }
    throw new Error('imported');
  };

  it('tampered, unsigned by the pinned key, expired, rolled back, malformed, or with keys that differ from the accounts', () => {
    const good = sign(next());
    const text = new TextDecoder().decode(good.manifest);
    const tampered = { ...good, manifest: new TextEncoder().encode(text.replace('daniyar', 'danlyar')) };
    expect(refusal(tampered)).toBe('refused: not signed by the organisation key ORG_PUBLIC_KEY pins (nor by a key it endorsed)');
    expect(refusal(sign(next(), t.sodium.crypto_sign_keypair()))).toBe('refused: not signed by the organisation key ORG_PUBLIC_KEY pins (nor by a key it endorsed)');
    const expired = sign(next({ issuedAt: t.clock.now - 2 * 86_400_000, expiresAt: t.clock.now - 1000 }));
    expect(refusal(expired)).toMatch(/^refused: the manifest expired at \d{4}-\d\d-\d\dT[\d:]+Z; sign a new one$/);
    const installed = latestManifest(t.db)!;
    expect(refusal(installed)).toBe('refused: version 1 is not newer than the installed version 1');
    expect(refusal(sign(next({ version: 1 })))).toBe('refused: version 1 is not newer than the installed version 1');
    const nonCanonical = new TextEncoder().encode(text.replace(/^(tynys\.manifest\.v2\n)2\n/, '$102\n'));
    expect(refusal({ ...good, manifest: nonCanonical, signature: t.sodium.crypto_sign_detached(nonCanonical, org.privateKey) })).toBe('refused: the manifest bytes are not a canonical manifest');
    const rogue = { box: t.sodium.crypto_box_keypair(), sign: t.sodium.crypto_sign_keypair() };
    const otherKeys = next();
    otherKeys.entries = otherKeys.entries.map((e) => (e.staffId === psy.staffId ? { ...e, boxPublicKey: rogue.box.publicKey, signPublicKey: rogue.sign.publicKey } : e));
    expect(refusal(sign(otherKeys))).toBe(`refused: entry ${psy.staffId} (aigerim) lists keys ${shortFingerprint(rogue.box.publicKey, rogue.sign.publicKey)}, its account holds ${shortFingerprint(psy.box.publicKey, psy.sign.publicKey)}`);
    const stranger = next();
    stranger.entries = [...stranger.entries, { ...stranger.entries[0]!, staffId: 's_AAAAAAAAAAAAAAAAAAAAAA', displayName: 'Nobody' }];
    expect(refusal(sign(stranger))).toBe('refused: entry s_AAAAAAAAAAAAAAAAAAAAAA (Nobody) has no staff account on this server');
    expect(latestManifest(t.db)).toEqual(installed);
  });

  it('through the CLI: a non-zero exit and one line; no ORG_PUBLIC_KEY, no import', async () => {
    const expired = sign(next({ issuedAt: t.clock.now - 2 * 86_400_000, expiresAt: t.clock.now - 1000 }));
    const wire = { manifest: toBase64Url(expired.manifest), signature: toBase64Url(expired.signature), signer: toBase64Url(expired.signer) };
    writeFileSync(join(dir, 'expired.json'), JSON.stringify(wire));
    const refused = await onServer('directory', 'import', join(dir, 'expired.json'));
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('error: refused: the manifest expired at');
    expect(() => readSignedManifest('{"manifest": 1}', 'not-a-manifest.json')).toThrow('not-a-manifest.json is not a signed manifest file');
    const unpinned = await admin(dir, { DATA_DIR: t.config.DATA_DIR }, 'directory', 'import', join(dir, 'expired.json'));
    expect([unpinned.code, unpinned.stderr]).toEqual([1, expect.stringContaining('ORG_PUBLIC_KEY is not set')]);
    expect(manifestFromWire(wire)).not.toBeNull();
    expect(reviewTable(next(), null)).toContain('every entry is new');
  }, 30_000);
});
