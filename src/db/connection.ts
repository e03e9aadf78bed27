import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from '../../db/schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../db/migrations');

// Set on every connection (DESIGN.md §10). secure_delete overwrites deleted rows with zeros, so
// an erased thread is gone from the file, not merely unlinked (§2.4).
export const PRAGMAS = {
  journal_mode: 'wal',
  synchronous: 2, // FULL
  foreign_keys: 1,
  secure_delete: 1,
  busy_timeout: 5000,
} as const;

/** Opens (creating if needed) the database file, sets the pragmas and applies pending migrations. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') createOwnerOnly(file);
  const sqlite = new Database(file);
  sqlite.pragma(`journal_mode = ${PRAGMAS.journal_mode}`);
  sqlite.pragma(`synchronous = ${PRAGMAS.synchronous}`);
  sqlite.pragma(`foreign_keys = ${PRAGMAS.foreign_keys}`);
  sqlite.pragma(`secure_delete = ${PRAGMAS.secure_delete}`);
  sqlite.pragma(`busy_timeout = ${PRAGMAS.busy_timeout}`);
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: MIGRATIONS });
  return db;
}

/**
 * The data directory 0700 and the database 0600 before SQLite opens it: SQLite gives the -wal and
 * -shm files it creates later the main file's mode, so they are owner-only too, whatever the
 * process umask. A file someone loosened by hand is tightened (the pepper is treated the same).
 */
function createOwnerOnly(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
}

/**
 * Moves the write-ahead log into the main file and truncates it, so that pages freed (and zeroed)
 * by an erase do not survive as older frames in the -wal file.
 */
export function checkpoint(db: Db): void {
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
}

export function databaseFile(dataDir: string): string {
  return join(dataDir, 'tynys.db');
}
