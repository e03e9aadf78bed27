import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFile, openDatabase } from '../../src/db/connection.js';
import { loadPepper } from '../../src/pepper.js';
import { childEnv, spawnServer } from './child.js';

// Starting on a database that cannot be written: the data directory and its files read-only
// for the service user, as after a read-only remount. Root ignores file modes, so as root (CI)
// the server runs as `nobody` over files it owns but may not write, which is what a dedicated
// service user sees; as anyone else it runs as itself.

const dir = mkdtempSync(join(tmpdir(), 'tynys-readonly-'));
afterAll(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

describe('start-up on a read-only database', () => {
  it('prints one clear line, no stack, and exits non-zero', async () => {
    loadPepper({ dataDir: dir });
    openDatabase(databaseFile(dir)).$client.close();
    const asRoot = process.getuid?.() === 0;
    for (const name of readdirSync(dir)) {
      if (asRoot) chownSync(join(dir, name), 65534, 65534);
      chmodSync(join(dir, name), 0o400);
    }
    if (asRoot) chownSync(dir, 65534, 65534);
    chmodSync(dir, 0o500);

    const { ready } = spawnServer(await childEnv(dir), asRoot ? { uid: 65534, gid: 65534 } : {});
    const failure = await ready.then(() => null, (err: Error) => err.message);
    expect(failure).not.toBeNull();
    const printed = failure!.split('\n').slice(1).filter((line) => line.trim() !== '');
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^Tynys cannot start: .*tynys\.db cannot be written \(SQLITE_READONLY\w*\); check that DATA_DIR/);
    expect(failure).toMatch(/^server exited \(1\)/);
  }, 60_000);
});
