import { serve, type ServerType } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { sha256 } from '@noble/hashes/sha2.js';
import { StaffClient, type StaffClientOptions } from '../../src/client/index.js';
import { composeService } from '../../src/compose.js';
import { testConfig, type Config } from '../../src/config.js';
import { databaseFile, type Db } from '../../src/db/connection.js';
import type { Pepper } from '../../src/pepper.js';
import type { Language } from '../../src/protocol/api/common.js';
import type { StaffRole } from '../../src/protocol/api/staff.js';
import type { KdfParams } from '../../src/protocol/kdf.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';
import { createInvite, signDirectory } from '../../src/staff/service.js';
import { toBase64Url, utf8 } from '../../src/protocol/encoding.js';
import { installManifest } from './manifest.js';

// A real server on a loopback port, the way `npm start` runs it (pepper file in DATA_DIR, WAL
// database), for end-to-end tests through the SDK over real HTTP.

/** Cheap Argon2id for tests; one test runs the production cost (test/staff). */
export const TEST_KDF: KdfParams = { m: 256, t: 1, p: 1 };

export interface TestServer {
  url: string;
  dir: string;
  dbFile: string;
  db: Db;
  pepper: Pepper;
  sodium: Sodium;
  config: Config;
  logs: string[];
  org: { publicKey: Uint8Array; privateKey: Uint8Array };
  clientOptions: StaffClientOptions;
  /** Invites, accepts (Argon2id and key wrapping in the SDK), signs the directory entry and installs a manifest naming every member, as an admin would. */
  addStaff: (roles: StaffRole[], languages: Language[], login: string, passphrase?: string) => Promise<StaffClient>;
  stop: () => Promise<void>;
}

/** The tests' organisation key, the same in every test so that the browser files are built once. */
export async function testOrgKey(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }> {
  const sodium = await loadSodium();
  return sodium.crypto_sign_seed_keypair(sha256(utf8('tynys test organisation key')));
}

export async function startServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tynys-e2e-'));
  const org = await testOrgKey();
  const config = testConfig({ DATA_DIR: dir, LOG_LEVEL: 'debug', ORG_PUBLIC_KEY: toBase64Url(org.publicKey), STAFF_KDF_MIN_MEMORY_KIB: TEST_KDF.m, STAFF_KDF_MIN_PASSES: TEST_KDF.t, ...overrides });
  const dbFile = databaseFile(dir);
  const logs: string[] = [];
  const logDestination = new Writable({ write(chunk, _e, cb) { logs.push(String(chunk)); cb(); } });
  const { app, db, pepper, sodium, close } = await composeService(config, { logDestination });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const clientOptions: StaffClientOptions = { baseUrl: url, orgPublicKey: org.publicKey, minKdf: TEST_KDF };

  const addStaff: TestServer['addStaff'] = async (roles, languages, login, passphrase = `passphrase of ${login}`) => {
    const { code } = createInvite(db, pepper, roles, Date.now());
    const client = await StaffClient.acceptInvite(clientOptions, { code, login, displayName: login, languages, passphrase, kdf: TEST_KDF });
    signDirectory(db, sodium, org.privateKey);
    installManifest({ db, sodium, org });
    return client;
  };

  return {
    url, dir, dbFile, db, pepper, sodium, config, logs, org, clientOptions, addStaff,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Live-update streams would hold the server open; they end with the test.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
