import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staff } from '../../db/schema.js';
import { AskerClient, type StaffClientOptions } from '../../src/client/index.js';
import { fromBase64Url, toBase64Url } from '../../src/protocol/encoding.js';
import { newId } from '../../src/protocol/ids.js';
import { MANIFEST_DEFAULT_VALIDITY_MS, manifestToWire, parseManifest } from '../../src/protocol/manifest.js';
import { latestManifest } from '../../src/staff/manifest-store.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';
import { installManifest } from '../support/manifest.js';
import { testOrgKey } from '../support/server.js';
import { CHEAP_KDF, createStaff, staffSession } from '../support/staff.js';
import { draftThread, recipientOf } from '../support/transcript.js';

// GET /api/directory serves the newest signed manifest byte for byte, and the server's own view of
// staff (intake pools, claims) is that manifest as the pinned key verifies it, less accounts that
// are gone, disabled or hold other keys. A row written into the database reaches nobody.

const org = await testOrgKey();
let t: TestContext;
beforeEach(async () => { t = await createTestApp({ ORG_PUBLIC_KEY: toBase64Url(org.publicKey) }); });
afterEach(() => t.close());

const sdkOptions = (): StaffClientOptions => ({
  baseUrl: 'http://tynys.test', orgPublicKey: org.publicKey, minKdf: CHEAP_KDF,
  fetch: async (input, init) => t.app.request(input instanceof Request ? input : String(input), init),
});

const listedIds = async (): Promise<string[]> => {
  const { manifest } = (await t.call('GET', '/api/directory')).body as { manifest: { manifest: string } | null };
  return manifest ? parseManifest(fromBase64Url(manifest.manifest)!)!.entries.map((e) => e.staffId) : [];
};

describe('GET /api/directory', () => {
  it('serves null before the first import, then the newest signed manifest exactly as stored', async () => {
    const res = await t.call('GET', '/api/directory');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ manifest: null });
    const psy = await createStaff(t, { roles: ['psychologist'], orgPrivateKey: org.privateKey });
    await createStaff(t, { roles: ['psychologist'], orgPrivateKey: org.privateKey });
    const served = (await t.call('GET', '/api/directory')).body;
    expect(served).toEqual({ manifest: manifestToWire(latestManifest(t.db)!) });
    expect(parseManifest(fromBase64Url(served.manifest.manifest)!)!.version).toBe(2);
    expect(await listedIds()).toContain(psy.staffId);
  });
});

describe('the server\'s view of staff', () => {
  it('a staff row inserted into the database, not in the signed manifest, reaches no client and no pool', async () => {
    const psy = await createStaff(t, { roles: ['psychologist'], orgPrivateKey: org.privateKey });
    // What a compromised server, or a careless script, could do: a psychologist row with its own keys.
    const box = t.sodium.crypto_box_keypair();
    const sign = t.sodium.crypto_sign_keypair();
    const fakeId = newId('staff');
    t.db.insert(staff).values({
      id: fakeId, login: 'inserted', displayName: 'Dr. Inserted', authHash: Buffer.alloc(32), kdfSalt: Buffer.alloc(16), kdfParams: CHEAP_KDF,
      boxPublicKey: Buffer.from(box.publicKey), signPublicKey: Buffer.from(sign.publicKey), wrappedKeys: Buffer.alloc(136),
      roles: ['psychologist'], languages: ['ru'], directorySignature: Buffer.alloc(64, 1), createdAt: t.clock.now, disabledAt: null,
    }).run();
    const fakeToken = staffSession(t, fakeId);

    expect(await listedIds()).toEqual([psy.staffId]);
    // The SDK seals a consultation to the listed psychologist only.
    const { client: asker } = await AskerClient.create(sdkOptions());
    expect((await asker.directory(true)).get(fakeId)).toBeNull();
    const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon' });
    expect((await t.call('GET', '/api/queue', { token: fakeToken })).body.threads).toEqual([]);
    expect((await t.call('GET', '/api/queue', { token: psy.token })).body.threads.map((th: { id: string }) => th.id)).toEqual([threadId]);
    // A client the server tricked into naming the row is refused: the row is in no pool.
    const other = await mintAsker(t);
    const opener = { id: other.identityId, box: other.keys.box, sign: other.keys.sign };
    const draft = draftThread(t.sodium, opener, [recipientOf({ id: psy.staffId, box: psy.box, sign: psy.sign }), recipientOf({ id: fakeId, box, sign })]);
    const res = await t.call('POST', '/api/threads', { token: other.token, json: draft.body });
    expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_recipients']);
  });

  it('has no pool without a pinned key, without a manifest, or once the manifest expired', async () => {
    const asker = await mintAsker(t);
    const opener = { id: asker.identityId, box: asker.keys.box, sign: asker.keys.sign };
    const psy = await createStaff(t, { roles: ['psychologist'] });
    const openTo = async (ctx: TestContext, token: string) => {
      const draft = draftThread(ctx.sodium, opener, [recipientOf({ id: psy.staffId, box: psy.box, sign: psy.sign })]);
      const res = await ctx.call('POST', '/api/threads', { token, json: draft.body });
      return [res.status, res.body.error?.code ?? 'ok'];
    };
    expect(await openTo(t, asker.token)).toEqual([400, 'invalid_recipients']); // no manifest yet
    installManifest({ db: t.db, sodium: t.sodium, org }, { issuedAt: t.clock.now, expiresAt: t.clock.now + 3_600_000 });
    t.clock.now += 3_600_000; // the manifest's last moment has passed
    expect(await openTo(t, asker.token)).toEqual([400, 'invalid_recipients']);
    t.clock.now -= 1;
    expect(await openTo(t, asker.token)).toEqual([201, 'ok']);
    expect(MANIFEST_DEFAULT_VALIDITY_MS).toBe(30 * 86_400_000);

    // The same database and manifest, served by an app that pins no key: nobody is staff.
    const unpinned = await createTestApp();
    try {
      const again = await mintAsker(unpinned);
      const psy2 = await createStaff(unpinned, { roles: ['psychologist'], orgPrivateKey: org.privateKey });
      const draft = draftThread(unpinned.sodium, { id: again.identityId, box: again.keys.box, sign: again.keys.sign }, [recipientOf({ id: psy2.staffId, box: psy2.box, sign: psy2.sign })]);
      const res = await unpinned.call('POST', '/api/threads', { token: again.token, json: draft.body });
      expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_recipients']);
    } finally {
      unpinned.close();
    }
  });
});

describe('GET /api/directory/history', () => {
  it('serves older manifests newest first, byte for byte, a page at a time, and refuses a bad query with 400', async () => {
    const signed = [1, 2, 3, 4].map(() => installManifest({ db: t.db, sodium: t.sodium, org }));
    const versions = async (query: string) => {
      const res = await t.call('GET', `/api/directory/history${query}`);
      expect(res.status).toBe(200);
      return (res.body as { manifests: { manifest: string }[] }).manifests.map((m) => parseManifest(fromBase64Url(m.manifest)!)!.version);
    };
    expect(await versions('?before=4')).toEqual([3, 2, 1]);
    expect(await versions('?before=4&limit=2')).toEqual([3, 2]);
    expect(await versions('?before=1')).toEqual([]);
    const res = await t.call('GET', '/api/directory/history?before=3&limit=1');
    expect(res.body).toEqual({ manifests: [manifestToWire(signed[1]!)] });
    for (const query of ['', '?before=0', '?before=abc', '?before=4&limit=0', '?before=4&limit=21', '?before=1e30']) {
      const bad = await t.call('GET', `/api/directory/history${query}`);
      expect([query, bad.status, (bad.body as { error: { code: string } }).error.code]).toEqual([query, 400, 'invalid_input']);
    }
  });
});
