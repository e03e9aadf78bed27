import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { AskerClient, StaffClient, type ClientOptions } from '../../src/client/index.js';
import { composeService, type Service } from '../../src/compose.js';
import { testConfig, type Config } from '../../src/config.js';
import { fromBase64Url, toBase64Url } from '../../src/protocol/encoding.js';
import { checkManifest, MANIFEST_DEFAULT_VALIDITY_MS, parseManifest } from '../../src/protocol/manifest.js';
import { getStaff } from '../../src/staff/service.js';
import { latestManifest } from '../../src/staff/manifest-store.js';
import { DEMO_KEY_FILE, DEMO_STAFF_FILE, DemoKeyRefused, demoBanner, demoPassphrase } from '../../src/staff/demo-organisation.js';
import { CATALOGS, LANGS } from '../../src/web/i18n/index.js';
import { spawnServer } from '../support/child-server.js';

// Consultations from the first start (issue 11, point 5): the demo organisation that `npm start`
// makes on an empty DATA_DIR, checked part by part in the process (cheap Argon2id, as every
// test: the cost is the configured STAFF_KDF_MIN_*, which is what the accounts must be made with).

const DAY = 86_400_000;
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tynys-demo-'));
  dirs.push(dir);
  return dir;
}

async function start(dir: string, overrides: Partial<Config> = {}, now = Date.now()): Promise<Service & { logs: string[] }> {
  const logs: string[] = [];
  const logDestination = new Writable({ write(chunk, _e, cb) { logs.push(String(chunk)); cb(); } });
  const config = testConfig({ DATA_DIR: dir, DEMO_CONTENT: true, LOG_LEVEL: 'info', ...overrides });
  return { ...await composeService(config, { logDestination, clock: () => now }), logs };
}

/** The SDK against the app in the process (no port): what the browser apps run, over app.request. */
function clientOptions(s: Service): ClientOptions & { minKdf: { m: number; t: number; p: number } } {
  return {
    baseUrl: 'http://tynys.test',
    orgPublicKey: fromBase64Url(s.config.ORG_PUBLIC_KEY!)!,
    fetch: ((input: string | URL | Request, init?: RequestInit) => s.app.request(String(input), init)) as typeof fetch,
    minKdf: { m: s.config.STAFF_KDF_MIN_MEMORY_KIB, t: s.config.STAFF_KDF_MIN_PASSES, p: 1 },
  };
}

describe('the demo organisation on an empty DATA_DIR', () => {
  const dir = freshDir();
  let first: Awaited<ReturnType<typeof start>>;
  let banner: string;
  let issued: number;

  it('creates a demo key in DATA_DIR, mode 0600, marked demo, and pins it', async () => {
    first = await start(dir);
    const file = join(dir, DEMO_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, DEMO_STAFF_FILE)).mode & 0o777).toBe(0o600);
    const key = JSON.parse(readFileSync(file, 'utf8')) as { demo: boolean; publicKey: string; privateKey: string };
    expect(key.demo).toBe(true);
    // libsodium's Ed25519 secret key ends with its public key.
    expect(fromBase64Url(key.privateKey)!.slice(32)).toEqual(fromBase64Url(key.publicKey));
    // Pinned where the configured key would be: the server's checks and the browser files.
    expect(first.config.ORG_PUBLIC_KEY).toBe(key.publicKey);
    expect(first.demo?.publicKey).toBe(key.publicKey);
    expect(new TextDecoder().decode(first.assets.get('asker.js').body)).toContain(key.publicKey);
    expect(new TextDecoder().decode(first.assets.get('staff.js').body)).toContain(key.publicKey);
    // No secret in the log.
    const logs = first.logs.join('');
    for (const a of first.demo!.accounts) expect(logs).not.toContain(a.passphrase!);
    expect(logs).not.toContain(key.privateKey);
  });

  it('makes one demo psychologist per language, each able to log in with the printed passphrase and open their key bundle', async () => {
    const demo = first.demo!;
    expect(demo.accounts.map((a) => [a.login, a.roles, a.languages])).toEqual([
      ['demo-ru', ['psychologist'], ['ru']], ['demo-kk', ['psychologist'], ['kk']], ['demo-en', ['psychologist'], ['en']],
    ]);
    banner = demoBanner(demo, 'http://127.0.0.1:8787/');
    for (const a of demo.accounts) {
      expect(banner).toContain(`${a.login}  passphrase ${a.passphrase}`);
      expect(banner).toContain(`http://127.0.0.1:8787/${a.languages[0]}/staff`);
      // Pre-login gives the cost the staff console accepts; the SDK's login opens the bundle and checks its keys.
      const pre = await first.app.request('/api/staff/prelogin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: a.login }) });
      expect((await pre.json() as { kdf: unknown }).kdf).toEqual({ m: first.config.STAFF_KDF_MIN_MEMORY_KIB, t: first.config.STAFF_KDF_MIN_PASSES, p: 1 });
      const client = await StaffClient.login(clientOptions(first), a.login, a.passphrase!);
      expect(client.id).toBe(a.staffId);
      expect(client.roles).toEqual(['psychologist']);
      await expect(StaffClient.login(clientOptions(first), a.login, demoPassphrase())).rejects.toMatchObject({ code: 'invalid_credentials' });
    }
  });

  it('stores a manifest signed by the demo key that lists the three psychologists with their keys and languages', () => {
    const signed = latestManifest(first.db)!;
    const pinned = fromBase64Url(first.demo!.publicKey)!;
    const checked = checkManifest(first.sodium, signed, { pinned, now: Date.now() });
    expect(checked.ok).toBe(true);
    const manifest = parseManifest(signed.manifest)!;
    expect(manifest.version).toBe(1);
    issued = manifest.issuedAt;
    expect(manifest.expiresAt - manifest.issuedAt).toBe(MANIFEST_DEFAULT_VALIDITY_MS);
    expect(manifest.entries).toHaveLength(3);
    for (const a of first.demo!.accounts) {
      const row = getStaff(first.db, a.staffId)!;
      const entry = manifest.entries.find((e) => e.staffId === a.staffId)!;
      expect(entry).toMatchObject({ roles: ['psychologist'], languages: a.languages, displayName: row.displayName });
      expect(entry.boxPublicKey).toEqual(new Uint8Array(row.boxPublicKey));
      expect(entry.signPublicKey).toEqual(new Uint8Array(row.signPublicKey));
    }
  });

  it('answers a consultation: asked in Kazakh, it reaches the Kazakh demo psychologist, who claims and replies', async () => {
    const options = clientOptions(first);
    const { client: asker } = await AskerClient.create(options);
    const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'kk', urgency: 'soon' });
    await asker.send(threadId, 'Сәлеметсіз бе');
    const kk = first.demo!.accounts.find((a) => a.login === 'demo-kk')!;
    const psychologist = await StaffClient.login(options, kk.login, kk.passphrase!);
    expect((await psychologist.queue()).map((t) => t.id)).toContain(threadId);
    await psychologist.claim(threadId);
    await psychologist.send(threadId, 'Сәлеметсіз бе, тыңдап тұрмын.');
    expect((await asker.read(threadId)).map((m) => [m.mine, m.text])).toEqual([[true, 'Сәлеметсіз бе'], [false, 'Сәлеметсіз бе, тыңдап тұрмын.']]);
  });

  it('shows the demo banner on every staff and asker page, in each language', async () => {
    for (const lang of LANGS) {
      for (const path of ['/', '/app', '/staff', '/browse', '/no-such-page']) {
        const html = await (await first.app.request(`/${lang}${path}`)).text();
        expect(html).toContain(`<p class="demo-banner" role="note">${CATALOGS[lang]['demo.banner']}</p>`);
      }
    }
  });

  it('reuses everything at the next start: the same key, accounts, passphrases and manifest, the same lines printed', async () => {
    const key = readFileSync(join(dir, DEMO_KEY_FILE), 'utf8');
    first.close();
    const again = await start(dir);
    try {
      expect(readFileSync(join(dir, DEMO_KEY_FILE), 'utf8')).toBe(key);
      expect(again.demo).toEqual(first.demo);
      expect(demoBanner(again.demo!, 'http://127.0.0.1:8787/')).toBe(banner);
      expect(parseManifest(latestManifest(again.db)!.manifest)!.version).toBe(1);
      expect(again.db.$client.prepare('SELECT count(*) AS n FROM staff').get()).toEqual({ n: 3 });
    } finally {
      again.close();
    }
  });

  it('signs a new version at start once the manifest is within 7 days of its expiry, and not before', async () => {
    const eightDaysLeft = await start(dir, {}, issued + 22 * DAY);
    expect(parseManifest(latestManifest(eightDaysLeft.db)!.manifest)!.version).toBe(1);
    eightDaysLeft.close();
    const sixDaysLeft = await start(dir, {}, issued + 24 * DAY);
    try {
      const signed = latestManifest(sixDaysLeft.db)!;
      const checked = checkManifest(sixDaysLeft.sodium, signed, { pinned: fromBase64Url(first.demo!.publicKey)!, now: issued + 24 * DAY, minVersion: 1 });
      expect(checked.ok && checked.manifest.version).toBe(2);
      expect(checked.ok && checked.manifest.expiresAt).toBe(issued + 24 * DAY + MANIFEST_DEFAULT_VALIDITY_MS);
      expect(checked.ok && checked.manifest.entries.map((e) => e.staffId).sort()).toEqual(first.demo!.accounts.map((a) => a.staffId).sort());
      expect(sixDaysLeft.demo?.manifestVersion).toBe(2);
    } finally {
      sixDaysLeft.close();
    }
  });

  it('with DEMO_CONTENT=false, refuses the data directory that holds the demo key, and the demo key configured', async () => {
    await expect(start(dir, { DEMO_CONTENT: false })).rejects.toThrow(DemoKeyRefused);
    await expect(start(dir, { DEMO_CONTENT: false })).rejects.toThrow(/DEMO_CONTENT=false: DATA_DIR holds a demo organisation/);
    await expect(start(dir, { DEMO_CONTENT: false, ORG_PUBLIC_KEY: first.demo!.publicKey })).rejects.toThrow(/ORG_PUBLIC_KEY is the demo organisation key/);
  });
});

describe('a demo staff file removed by hand', () => {
  it('does not print a new passphrase that would not open the existing accounts', async () => {
    const dir = freshDir();
    const s = await start(dir);
    const before = s.demo!;
    s.close();
    rmSync(join(dir, DEMO_STAFF_FILE));
    const again = await start(dir);
    try {
      expect(again.demo!.accounts.map((a) => [a.staffId, a.passphrase])).toEqual(before.accounts.map((a) => [a.staffId, null]));
      expect(demoBanner(again.demo!, 'http://127.0.0.1:8787/')).toContain('demo-ru  passphrase unknown (');
      expect(again.db.$client.prepare('SELECT count(*) AS n FROM staff').get()).toEqual({ n: 3 });
    } finally {
      again.close();
    }
  });
});

describe('demo accounts an admin disabled or removed', () => {
  it('are not made again, signed into a new manifest again, or printed', async () => {
    const dir = freshDir();
    const s = await start(dir);
    const [ru, kk] = s.demo!.accounts;
    s.db.$client.prepare('UPDATE staff SET disabled_at = ? WHERE id = ?').run(Date.now(), ru!.staffId);
    s.db.$client.prepare('DELETE FROM staff WHERE id = ?').run(kk!.staffId);
    s.close();
    // Long before the manifest's renewal: leaving it is what makes the next version.
    const later = await start(dir);
    try {
      expect(later.demo!.accounts.map((a) => a.login)).toEqual(['demo-en']);
      expect(demoBanner(later.demo!, 'http://x/')).not.toMatch(/demo-(ru|kk)/);
      const manifest = parseManifest(latestManifest(later.db)!.manifest)!;
      expect(manifest.version).toBe(2);
      expect(manifest.entries.map((e) => e.staffId)).toEqual([later.demo!.accounts[0]!.staffId]);
      expect(later.db.$client.prepare("SELECT count(*) AS n FROM staff WHERE login = 'demo-kk'").get()).toEqual({ n: 0 });
    } finally {
      later.close();
    }
  });
});

describe('without the demo organisation', () => {
  it('is not made when ORG_PUBLIC_KEY is configured: that key is pinned, no demo file, account or banner', async () => {
    const dir = freshDir();
    const org = toBase64Url(new Uint8Array(32).fill(9));
    const s = await start(dir, { ORG_PUBLIC_KEY: org });
    try {
      expect(s.demo).toBeNull();
      expect(s.config.ORG_PUBLIC_KEY).toBe(org);
      expect(existsSync(join(dir, DEMO_KEY_FILE))).toBe(false);
      expect(s.db.$client.prepare('SELECT count(*) AS n FROM staff').get()).toEqual({ n: 0 });
      expect(await (await s.app.request('/ru/app')).text()).not.toContain('demo-banner');
    } finally {
      s.close();
    }
  });

  it('is not made with DEMO_CONTENT=false on an empty DATA_DIR', async () => {
    const dir = freshDir();
    const s = await start(dir, { DEMO_CONTENT: false });
    try {
      expect(s.demo).toBeNull();
      expect(s.config.ORG_PUBLIC_KEY).toBeUndefined();
      expect(existsSync(join(dir, DEMO_KEY_FILE))).toBe(false);
    } finally {
      s.close();
    }
  });

  it('refuses a demo staff file left alone when DEMO_CONTENT=false', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, DEMO_STAFF_FILE), '{}', { mode: 0o600 });
    await expect(start(dir, { DEMO_CONTENT: false })).rejects.toThrow(DemoKeyRefused);
  });
});

describe('npm start with DEMO_CONTENT=false on a demo DATA_DIR', () => {
  it('exits non-zero with one clear line', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, DEMO_KEY_FILE), JSON.stringify({ demo: true, note: 'x', publicKey: toBase64Url(new Uint8Array(32)), privateKey: toBase64Url(new Uint8Array(64)) }), { mode: 0o600 });
    const { ORG_PUBLIC_KEY: _k, ...env } = process.env;
    const { child, ready } = spawnServer({ ...env, PORT: '0', DATA_DIR: dir, DEMO_CONTENT: 'false', LOG_LEVEL: 'warn' });
    const failure = await ready.then(() => null, (err: Error) => err.message);
    expect(child.exitCode).toBe(1);
    const output = failure!.slice(failure!.indexOf('\n') + 1);
    expect(output).toMatch(/^Tynys will not start with DEMO_CONTENT=false: DATA_DIR holds a demo organisation \(.*demo-organisation-key\.json\).*\n$/);
    expect(output.trim().split('\n')).toHaveLength(1);
  }, 30_000);
});
