import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { staff } from '../../db/schema.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { startBanner, startState } from '../../src/start-banner.js';
import { createTestApp } from '../support/app.js';
import { spawnServer } from '../support/child-server.js';
import { installManifest } from '../support/manifest.js';
import { testOrgKey } from '../support/server.js';
import { createStaff } from '../support/staff.js';

// What `npm start` prints says what is still missing before a consultation can reach anyone, and
// a port that cannot be opened is one line and a non-zero exit.

const DAY = 86_400_000;
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const freshDir = () => { const d = mkdtempSync(join(tmpdir(), 'tynys-banner-')); dirs.push(d); return d; };
const where = { url: 'http://localhost:8787/', dataFile: '/data/tynys.db' };

describe('the start banner', () => {
  it('on a fresh data directory without a key: names the key, the admin and the manifest, each with its command', async () => {
    const { ORG_PUBLIC_KEY: _pinned, ...env } = process.env;
    const { ready } = spawnServer({ ...env, PORT: '0', DATA_DIR: freshDir(), LOG_LEVEL: 'silent', DEMO_CONTENT: 'false' });
    const child = await ready;
    try {
      const out = child.output();
      expect(out).toContain('Consultations are off until this is done:');
      expect(out).toContain('  - ORG_PUBLIC_KEY is not set: create the organisation key on an offline machine (npm run admin -- org-key init)');
      expect(out).toContain(`  - No admin yet: npm run admin -- invite --role admin, then accept the code at ${child.url}/staff.`);
      expect(out).toContain('  - No signed staff manifest: npm run admin -- directory export --out proposal.json, then sign it offline and import it');
      expect(out).not.toContain('Create the first staff invite');
    } finally {
      child.process.kill('SIGTERM');
      await child.exited;
    }
  }, 60_000);

  it('follows the state: no manifest, one that does not verify, no psychologist, expiring in N days, expired, then on', async () => {
    const org = await testOrgKey();
    const t = await createTestApp({ ORG_PUBLIC_KEY: toBase64Url(org.publicKey) });
    try {
      const install = (o: { signer?: typeof org } = {}) => installManifest({ db: t.db, sodium: t.sodium, org }, { ...o, issuedAt: t.clock.now, expiresAt: t.clock.now + 30 * DAY });
      const banner = () => startBanner(where, startState(t.db, t.sodium, org.publicKey), t.clock.now);
      expect(banner()).toContain('  - No signed staff manifest: npm run admin -- directory export --out proposal.json');
      await createStaff(t, { roles: ['admin'] });
      expect(banner()).not.toContain('No admin yet');
      install({ signer: t.sodium.crypto_sign_keypair() });
      expect(banner()).toContain('  - The installed staff manifest (version 1) does not verify against ORG_PUBLIC_KEY (manifest_unsigned)');
      install();
      expect(banner()).toContain('  - The staff manifest (version 2) lists no psychologist');
      await createStaff(t, { roles: ['psychologist'] });
      install();
      expect(banner()).toMatch(/\nConsultations are on: staff manifest version 3, 2 staff, valid until \d{4}-\d\d-\d\d\.\n$/);
      t.clock.now += 25 * DAY + 1;
      expect(banner()).toContain('  - The staff manifest expires in 5 days (');
      t.clock.now += 5 * DAY;
      expect(banner()).toContain('Consultations are off until this is done:\n  - The staff manifest (version 3) expired on ');
      // A disabled admin is no admin.
      t.db.update(staff).set({ disabledAt: t.clock.now }).run();
      expect(banner()).toContain('No admin yet');
    } finally {
      t.close();
    }
  });

  it('a port in use: one line, exit 1', async () => {
    const taken: Server = await new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => resolve(s)); });
    const port = (taken.address() as { port: number }).port;
    try {
      const { ready } = spawnServer({ ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: freshDir(), LOG_LEVEL: 'silent', DEMO_CONTENT: 'false' });
      const failed = await ready.then(() => null, (err: Error) => err.message);
      expect(failed).toMatch(/^server exited \(1\) before it was ready:\n/);
      expect(failed!.replace(/^server exited \(1\) before it was ready:\n/, '')).toBe(`Tynys cannot start: port ${port} is in use; set PORT=… to a free one\n`);
    } finally {
      taken.close();
    }
  }, 60_000);

  it('a setting given wrongly (an empty ORG_PUBLIC_KEY): one line naming it, exit 1, no value echoed', async () => {
    const { ready } = spawnServer({ ...process.env, PORT: '0', ORG_PUBLIC_KEY: '', PEPPER: 'not-hex-secret', DATA_DIR: freshDir(), LOG_LEVEL: 'silent', DEMO_CONTENT: 'false' });
    const failed = await ready.then(() => null, (err: Error) => err.message);
    const output = failed!.replace(/^server exited \(1\) before it was ready:\n/, '');
    expect(output.split('\n').filter(Boolean)).toHaveLength(1);
    expect(output).toMatch(/^Tynys cannot start: Invalid configuration: .*ORG_PUBLIC_KEY/);
    expect(output).not.toContain('not-hex-secret');
  }, 60_000);
});
