import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFile, openDatabase } from '../../src/db/connection.js';
import { loadPepper } from '../../src/pepper.js';

const dirs: string[] = [];
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'tynys-db-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('database', () => {
  it('sets WAL, synchronous=FULL, foreign keys, secure_delete and a busy timeout on every connection', () => {
    const file = databaseFile(tempDir());
    for (let i = 0; i < 2; i++) {
      const db = openDatabase(file);
      const p = (name: string) => db.$client.pragma(name, { simple: true });
      expect(p('journal_mode')).toBe('wal');
      expect(p('synchronous')).toBe(2);
      expect(p('foreign_keys')).toBe(1);
      expect(p('secure_delete')).toBe(1);
      expect(p('busy_timeout')).toBe(5000);
      db.$client.close();
    }
  });

  it('creates the data directory 0700 and the database with its -wal and -shm 0600, whatever the umask', () => {
    const dir = join(tempDir(), 'data');
    const file = databaseFile(dir);
    const previous = process.umask(0o022);
    try {
      const db = openDatabase(file);
      db.$client.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)'); // the first write creates -wal
      const mode = (f: string) => statSync(f).mode & 0o777;
      expect(mode(dir)).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, mode(f)]).toEqual([f, 0o600]);
      db.$client.close();
      chmodSync(file, 0o644); // loosened by hand: tightened on the next open
      openDatabase(file).$client.close();
      expect(mode(file)).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('applies the migrations on first open and is idempotent on the next', () => {
    const file = databaseFile(tempDir());
    const first = openDatabase(file);
    const tables = first.$client.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all().map((r) => (r as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['identities', 'invites', 'messages', 'sessions', 'staff', 'thread_keys', 'threads']));
    first.$client.close();
    expect(() => openDatabase(file).$client.close()).not.toThrow();
  });
});

describe('pepper', () => {
  it('is generated once with mode 0600 and read back unchanged', () => {
    const dir = tempDir();
    const a = loadPepper({ dataDir: dir });
    expect(statSync(join(dir, 'pepper')).mode & 0o777).toBe(0o600);
    const b = loadPepper({ dataDir: dir });
    const data = new Uint8Array([1, 2, 3]);
    expect(Buffer.from(a.hash('session', data)).equals(Buffer.from(b.hash('session', data)))).toBe(true);
    expect(Buffer.from(a.hash('session', data)).equals(Buffer.from(a.hash('invite', data)))).toBe(false);
  });

  it('can come from the environment instead of a file', () => {
    const dir = tempDir();
    const p = loadPepper({ dataDir: dir, fromEnv: 'ab'.repeat(32) });
    expect(p.hash('session', new Uint8Array(1))).toHaveLength(32);
    expect(() => statSync(join(dir, 'pepper'))).toThrow();
  });
});
