import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFile, openDatabase, type Db } from '../../src/db/connection.js';
import { isStorageFailure } from '../../src/db/storage.js';
import { closeLog, commitThenSync, syncLog, type SyncLog } from '../../src/db/wal-sync.js';

// The group commit's durability (src/db/wal-sync.ts): a commit is announced only after its log
// sync, in commit order, and every other write keeps synchronous=FULL.

const opened: { dir: string; db: Db }[] = [];
afterEach(() => {
  for (const { dir, db } of opened.splice(0)) {
    closeLog(db);
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
function fileDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'tynys-walsync-'));
  const db = openDatabase(databaseFile(dir));
  db.$client.exec('CREATE TABLE t (x INTEGER)');
  opened.push({ dir, db });
  return db;
}

/** A sync the test releases or fails by hand, one per commit. */
function heldSyncs() {
  const held: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  const sync: SyncLog = () => new Promise((resolve, reject) => { held.push({ resolve, reject }); });
  return { held, sync };
}

const settled = async (p: Promise<unknown>): Promise<string> => {
  let state = 'pending';
  p.then(() => { state = 'durable'; }, () => { state = 'failed'; });
  await new Promise((r) => setImmediate(r));
  return state;
};

describe('commitThenSync', () => {
  it('commits at once, is durable only after the sync, and leaves synchronous=FULL for every other write', async () => {
    const db = fileDb();
    const { held, sync } = heldSyncs();
    const { result, durable } = commitThenSync(db, () => db.$client.prepare('INSERT INTO t VALUES (1)').run().changes, sync);
    expect(result).toBe(1);
    expect(db.$client.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(2);
    expect(await settled(durable)).toBe('pending');
    held[0]!.resolve();
    expect(await settled(durable)).toBe('durable');
  });

  it('announces commits in commit order even when a later sync ends first', async () => {
    const db = fileDb();
    const { held, sync } = heldSyncs();
    const first = commitThenSync(db, () => db.$client.exec('INSERT INTO t VALUES (1)'), sync).durable;
    const second = commitThenSync(db, () => db.$client.exec('INSERT INTO t VALUES (2)'), sync).durable;
    held[1]!.resolve();
    expect(await settled(second)).toBe('pending');
    held[0]!.resolve();
    expect(await settled(first)).toBe('durable');
    expect(await settled(second)).toBe('durable');
  });

  it('a failed sync fails only its own commit, as a storage failure; the next one still follows it', async () => {
    const db = fileDb();
    const { held, sync } = heldSyncs();
    const first = commitThenSync(db, () => db.$client.exec('INSERT INTO t VALUES (1)'), sync).durable;
    const second = commitThenSync(db, () => db.$client.exec('INSERT INTO t VALUES (2)'), sync).durable;
    held[0]!.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    held[1]!.resolve();
    await expect(first).rejects.toSatisfy(isStorageFailure);
    await expect(second).resolves.toBeUndefined();
  });

  it('a failing transaction is rolled back and reported, with FULL restored and nothing synced', () => {
    const db = fileDb();
    const { held, sync } = heldSyncs();
    expect(() => commitThenSync(db, () => {
      db.$client.exec('INSERT INTO t VALUES (1)');
      throw new Error('bug');
    }, sync)).toThrow('bug');
    expect(db.$client.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(2);
    expect(held).toHaveLength(0);
  });

  it('refuses to run inside an open transaction, where the commit would not be its own', () => {
    const db = fileDb();
    db.$client.exec('BEGIN');
    expect(() => commitThenSync(db, () => 1, heldSyncs().sync)).toThrow(/open transaction/);
    db.$client.exec('ROLLBACK');
  });

  it('syncs the real log file, again after its descriptor was closed, and a memory database needs none', async () => {
    const db = fileDb();
    await commitThenSync(db, () => db.$client.exec('INSERT INTO t VALUES (1)')).durable;
    closeLog(db);
    await commitThenSync(db, () => db.$client.exec('INSERT INTO t VALUES (2)')).durable;
    await expect(syncLog(db)).resolves.toBeUndefined();
    const memory = openDatabase(':memory:');
    memory.$client.exec('CREATE TABLE t (x INTEGER)');
    await expect(commitThenSync(memory, () => memory.$client.exec('INSERT INTO t VALUES (1)')).durable).resolves.toBeUndefined();
    memory.$client.close();
  });
});
