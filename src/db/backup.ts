import Database from 'better-sqlite3';
import { sha256 } from '@noble/hashes/sha2.js';
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from './connection.js';

// Online backup and verified restore (DESIGN.md §10). The backup uses SQLite's online backup
// API, so the server keeps running; a restore first proves the file is a sound Tynys database.
// A backup holds what the database holds (no plaintext, no pepper): keep the pepper apart.

const REQUIRED_TABLES = ['identities', 'sessions', 'staff', 'invites', 'threads', 'thread_keys', 'messages', '__drizzle_migrations'];

export interface BackupInfo {
  file: string;
  bytes: number;
  sha256: string;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Copies the live database to `outFile` (mode 0600) and verifies the copy. */
export async function backupDatabase(db: Db, outFile: string): Promise<BackupInfo> {
  if (existsSync(outFile)) throw new Error(`${outFile} exists; refusing to overwrite a backup`);
  // Created empty and owner-only first, so the copy is never readable by others, even briefly.
  writeFileSync(outFile, '', { mode: 0o600, flag: 'wx' });
  await db.$client.backup(outFile);
  chmodSync(outFile, 0o600);
  // The copy inherits WAL mode from the live database, and opening it (to verify, or later) would
  // leave -wal and -shm files beside it: a backup is one self-contained file, so switch it to a
  // rollback journal, which SQLite deletes when the connection closes.
  const copy = new Database(outFile, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const verdict = verifyDatabaseFile(outFile);
  if (!verdict.ok) throw new Error(`the backup did not verify: ${verdict.reason}`);
  return { file: outFile, bytes: statSync(outFile).size, sha256: Buffer.from(sha256(readFileSync(outFile))).toString('hex') };
}

/** Opens the file read-only and checks integrity and the Tynys tables. */
export function verifyDatabaseFile(file: string): VerifyResult {
  let sqlite: Database.Database | null = null;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
    const integrity = sqlite.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') return { ok: false, reason: `integrity_check: ${String(integrity)}` };
    const tables = new Set(sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => (r as { name: string }).name));
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    return missing.length ? { ok: false, reason: `missing tables: ${missing.join(', ')}` } : { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  } finally {
    sqlite?.close();
  }
}

/**
 * Replaces the database file with a verified backup. The server must be stopped: the old WAL
 * and shared-memory files are removed so that none of their frames is replayed over the backup.
 */
export function restoreDatabase(from: string, target: string): VerifyResult {
  const verdict = verifyDatabaseFile(from);
  if (!verdict.ok) return verdict;
  // Owner-only (a restore may be onto a new machine, from a copy whose mode was loosened): the
  // directory is made 0700 first, so the copy is out of others' reach even before its own chmod
  // (copyFileSync gives it the source's mode).
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  chmodSync(dirname(target), 0o700);
  const staging = `${target}.restoring`;
  copyFileSync(from, staging);
  chmodSync(staging, 0o600);
  const fd = openSync(staging, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(staging, target);
  // The rename is durable only once the directory entry is on disk.
  const dir = openSync(dirname(target), 'r');
  fsyncSync(dir);
  closeSync(dir);
  return verifyDatabaseFile(target);
}
