import { StaffClient, type StaffClientOptions } from '../../src/client/index.js';
import { databaseFile, openDatabase } from '../../src/db/connection.js';
import { loadPepper } from '../../src/pepper.js';
import type { Language } from '../../src/protocol/api/common.js';
import type { StaffRole } from '../../src/protocol/api/staff.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { loadSodium } from '../../src/protocol/sodium.js';
import { createInvite, signDirectory } from '../../src/staff/service.js';
import { installManifest } from '../support/manifest.js';
import { TEST_KDF, testOrgKey } from '../support/server.js';

export { spawnServer, type ServerChild } from '../support/child-server.js';

// The real server (src/server.ts) as a child process, the way it runs in production, for the
// tests that stop it from outside: SIGTERM, SIGKILL, a disk it cannot write.

/** The environment a test server runs with: cheap proof of work and Argon2id, no sample content. */
export async function childEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  const org = await testOrgKey();
  return {
    ...process.env,
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO_CONTENT: 'false', POW_BITS: '4',
    STAFF_KDF_MIN_MEMORY_KIB: String(TEST_KDF.m), STAFF_KDF_MIN_PASSES: String(TEST_KDF.t), ORG_PUBLIC_KEY: toBase64Url(org.publicKey),
  };
}

/** Invites, accepts through the SDK (against the running server) and signs the directory, as an admin would. */
export async function addStaff(url: string, dataDir: string, roles: StaffRole[], languages: Language[], login: string): Promise<{ client: StaffClient; passphrase: string; options: StaffClientOptions }> {
  const org = await testOrgKey();
  const sodium = await loadSodium();
  const options: StaffClientOptions = { baseUrl: url, orgPublicKey: org.publicKey, minKdf: TEST_KDF };
  const passphrase = `passphrase of ${login}`;
  const db = openDatabase(databaseFile(dataDir));
  try {
    const { code } = createInvite(db, loadPepper({ dataDir }), roles, Date.now());
    const client = await StaffClient.acceptInvite(options, { code, login, displayName: login, languages, passphrase, kdf: TEST_KDF });
    signDirectory(db, sodium, org.privateKey);
    installManifest({ db, sodium, org });
    return { client, passphrase, options };
  } finally {
    db.$client.close();
  }
}
