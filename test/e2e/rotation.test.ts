import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient, StaffClient } from '../../src/client/index.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { endorseKey } from '../../src/protocol/manifest.js';
import { installManifest, servedVersion } from '../support/manifest.js';
import { startServer, type TestServer } from '../support/server.js';

// Rotating the organisation key (issue 11 point 4, README "Rotating the organisation key"): the
// new key signs the manifest and the old key endorses the new one, so clients built with the old
// key keep working until they are rebuilt with the new one; those ignore the old key.

let s: TestServer;
let newKey: { publicKey: Uint8Array; privateKey: Uint8Array };
/** Options of a client rebuilt with the new key pinned. */
let rebuilt: TestServer['clientOptions'];

beforeAll(async () => {
  s = await startServer();
  await s.addStaff(['psychologist'], ['ru'], 'rotation-psy');
  newKey = s.sodium.crypto_sign_keypair();
  rebuilt = { ...s.clientOptions, orgPublicKey: newKey.publicKey };
});
afterAll(async () => { await s.stop(); });

const consultation = { topic: 'anxiety', language: 'ru', urgency: 'soon' } as const;

describe('rotating the organisation key', () => {
  it('a manifest signed by the new key with the old key\'s endorsement: clients pinned to the old key accept it, and a consultation runs on it', async () => {
    const version = servedVersion(s.db) + 1;
    installManifest(s, { signer: newKey, endorsement: endorseKey(s.sodium, newKey.publicKey, s.org.privateKey) });
    const { client: asker } = await AskerClient.create(s.clientOptions);
    expect((await asker.directory(true)).version).toBe(version);
    const threadId = await asker.openConsultation(consultation);
    await asker.send(threadId, 'Здравствуйте');
    const psy = await StaffClient.login(s.clientOptions, 'rotation-psy', 'passphrase of rotation-psy');
    await psy.claim(threadId);
    await psy.send(threadId, 'Я вас слушаю');
    expect((await asker.read(threadId)).map((m) => m.text)).toEqual(['Здравствуйте', 'Я вас слушаю']);
    // A client rebuilt with the new key takes the same manifest: it pins its signer.
    const { client: fresh } = await AskerClient.create(rebuilt);
    expect((await fresh.directory(true)).version).toBe(version);
    await fresh.openConsultation(consultation);
  });

  it('clients pinned to the new key ignore the old key: a newer manifest the old key signs (a stolen or forgotten key) is refused', async () => {
    const { client: rebuiltAsker } = await AskerClient.create(rebuilt);
    const seen = (await rebuiltAsker.directory(true)).version;
    installManifest(s, { signer: s.org });
    expect(servedVersion(s.db)).toBe(seen + 1);
    await expect(rebuiltAsker.directory(true)).rejects.toMatchObject({ code: 'manifest_unsigned' });
    await expect(rebuiltAsker.openConsultation(consultation)).rejects.toMatchObject({ code: 'manifest_unsigned' });
    // The old key "endorsing" itself does not help either: only the pinned key endorses.
    installManifest(s, { signer: s.org, endorsement: endorseKey(s.sodium, s.org.publicKey, s.org.privateKey) });
    await expect(rebuiltAsker.directory(true)).rejects.toMatchObject({ code: 'manifest_unsigned' });
    // A client still on the old key accepts both: the old key is its root until it is rebuilt.
    const { client: oldAsker } = await AskerClient.create(s.clientOptions);
    expect((await oldAsker.directory(true)).version).toBe(seen + 2);
  });

  it('once the endorsement is dropped, clients still on the old key refuse the new key\'s manifests: rebuild them first (the server is restarted pinned to the new key)', async () => {
    // The operator's last step: ORG_PUBLIC_KEY set to the new key, so the server's own pools follow the new manifests.
    const t = await startServer({ ORG_PUBLIC_KEY: toBase64Url(newKey.publicKey) });
    try {
      await t.addStaff(['psychologist'], ['ru'], 'rotated-psy');
      installManifest(t, { signer: newKey });
      const { client: oldAsker } = await AskerClient.create(t.clientOptions);
      await expect(oldAsker.directory(true)).rejects.toMatchObject({ code: 'manifest_unsigned' });
      const { client: rebuiltAsker } = await AskerClient.create({ ...t.clientOptions, orgPublicKey: newKey.publicKey });
      const threadId = await rebuiltAsker.openConsultation(consultation);
      const psy = await StaffClient.login({ ...t.clientOptions, orgPublicKey: newKey.publicKey }, 'rotated-psy', 'passphrase of rotated-psy');
      await psy.claim(threadId);
    } finally {
      await t.stop();
    }
  });
});
