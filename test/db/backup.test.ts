import Database from 'better-sqlite3';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identities } from '../../db/schema.js';
import { backupDatabase, restoreDatabase, verifyDatabaseFile } from '../../src/db/backup.js';
import { databaseFile, openDatabase } from '../../src/db/connection.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';

let t: TestContext;
beforeEach(async () => { t = await createTestApp(); });
afterEach(() => t.close());

describe('backup and restore', () => {
  it('backs up a live database and restores it, verified, into another data directory', async () => {
    const asker = await mintAsker(t);
    const out = join(t.dir, 'backup.db');
    const info = await backupDatabase(t.db, out);
    expect(info.bytes).toBeGreaterThan(0);
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(backupDatabase(t.db, out)).rejects.toThrow(/refusing to overwrite/);
    // One self-contained, owner-only file: no -wal or -shm beside it, now or after it is opened.
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const copy = new Database(out, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.close();
    expect([existsSync(`${out}-wal`), existsSync(`${out}-shm`)]).toEqual([false, false]);

    // Restored from a copy someone loosened, into a directory that does not exist yet: owner-only.
    chmodSync(out, 0o644);
    const target = databaseFile(join(t.dir, 'restored'));
    expect(restoreDatabase(out, target)).toEqual({ ok: true });
    expect([statSync(dirname(target)).mode & 0o777, statSync(target).mode & 0o777]).toEqual([0o700, 0o600]);
    const restored = openDatabase(target);
    expect(restored.select({ id: identities.id }).from(identities).all()).toEqual([{ id: asker.identityId }]);
    restored.$client.close();
  });

  it('refuses a file that is not a sound Tynys database, and leaves the target as it was', () => {
    const garbage = join(t.dir, 'garbage.db');
    writeFileSync(garbage, 'not a database at all'.repeat(100));
    expect(verifyDatabaseFile(garbage).ok).toBe(false);
    const foreign = join(t.dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE notes (body TEXT)');
    other.close();
    expect(verifyDatabaseFile(foreign)).toEqual({ ok: false, reason: expect.stringContaining('missing tables') });
    expect(restoreDatabase(foreign, t.dbFile).ok).toBe(false);
    expect(verifyDatabaseFile(t.dbFile)).toEqual({ ok: true });
  });
});
