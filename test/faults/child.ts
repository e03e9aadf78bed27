import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StaffClient, type StaffClientOptions } from '../../src/client/index.js';
import { databaseFile, openDatabase } from '../../src/db/connection.js';
import { loadPepper } from '../../src/pepper.js';
import type { Language } from '../../src/protocol/api/common.js';
import type { StaffRole } from '../../src/protocol/api/staff.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { loadSodium } from '../../src/protocol/sodium.js';
import { createInvite, signDirectory } from '../../src/staff/service.js';
import { TEST_KDF, testOrgKey } from '../support/server.js';

// The real server (src/server.ts) as a child process, the way it runs in production, for the
// tests that stop it from outside: SIGTERM, SIGKILL, a disk it cannot write.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerChild {
  url: string;
  process: ChildProcess;
  /** Everything it wrote to stdout and stderr. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment a test server runs with: cheap proof of work and Argon2id, no sample content. */
export async function childEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  const org = await testOrgKey();
  return {
    ...process.env,
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO_CONTENT: 'false', POW_BITS: '4',
    STAFF_KDF_MIN_MEMORY_KIB: String(TEST_KDF.m), STAFF_KDF_MIN_PASSES: String(TEST_KDF.t), ORG_PUBLIC_KEY: toBase64Url(org.publicKey),
  };
}

/** Spawns `node --import tsx src/server.ts`; resolves once it prints its URL, rejects if it exits first. */
export function spawnServer(env: NodeJS.ProcessEnv, options: { uid?: number; gid?: number } = {}): { child: ChildProcess; ready: Promise<ServerChild> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => { out += String(chunk); });
  child.stderr!.on('data', (chunk: Buffer) => { out += String(chunk); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<ServerChild>((resolve, reject) => {
    const look = () => {
      const m = out.match(/running at (http:\/\/\S+?)\/?\n/);
      if (m) {
        child.stdout!.off('data', look);
        resolve({ url: m[1]!, process: child, output: () => out, exited });
      }
    };
    child.stdout!.on('data', look);
    void exited.then(({ code, signal }) => reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${out}`)));
  });
  return { child, ready };
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
    return { client, passphrase, options };
  } finally {
    db.$client.close();
  }
}
