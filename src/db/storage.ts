import { accessSync, constants, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { PRAGMAS, type Db } from './connection.js';

// When the disk under DATA_DIR is full, read-only or failing, writes cannot succeed until an
// operator (or a log rotation) frees it; nothing is wrong with the request. Those failures are
// told apart from bugs here, so that the API answers 503 with Retry-After instead of 500 and
// reads go on.

/**
 * SQLite result codes (extended codes start with the primary name) that mean "the storage cannot
 * take this write now", each chosen deliberately:
 * - SQLITE_FULL: the disk (or max_page_count) is full; space may come back.
 * - SQLITE_READONLY*: the file, its directory or the filesystem is read-only (a remount after an
 *   I/O error does this); it recovers when remounted read-write.
 * - SQLITE_IOERR*: the kernel refused a read, write or fsync (ENOSPC on the WAL shows up as
 *   IOERR_WRITE on some filesystems); not the request's fault, and retrying later is right.
 * - SQLITE_CANTOPEN: the -wal, -shm or a temporary file cannot be created (full or read-only).
 * - SQLITE_BUSY: another process (the admin CLI) held the write lock past busy_timeout (5 s).
 * Not here, on purpose: SQLITE_CORRUPT and SQLITE_NOTADB (retrying cannot help: an operator must
 * restore), SQLITE_CONSTRAINT, SQLITE_MISMATCH, SQLITE_LOCKED (bugs in this code), SQLITE_NOMEM.
 */
const STORAGE_CODES = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY)(_[A-Z_]+)?$/;

/** Node's errno codes for the same conditions when the data directory or the pepper is touched. */
const STORAGE_ERRNOS = new Set(['ENOSPC', 'EROFS', 'EDQUOT', 'EIO', 'EACCES', 'EPERM']);

/** Retry-After (seconds) sent with storage_unavailable: long enough not to hammer a full disk. */
export const STORAGE_RETRY_AFTER_S = 5;

function codeOf(x: unknown): string | undefined {
  const code = (x as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether `err` (a SqliteError, or drizzle's wrapper around one) means the storage cannot take writes. */
export function isStorageFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = codeOf(e);
    if (code && (STORAGE_CODES.test(code) || STORAGE_ERRNOS.has(code))) return true;
  }
  return false;
}

/** The SQLite or errno code behind a storage failure, for a log line or a start-up message. */
export function storageCodeOf(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = codeOf(e);
    if (code) return code;
  }
  return 'unknown';
}

/** Runs a write whose loss is harmless; a storage failure is swallowed, anything else thrown. */
export function bestEffortWrite(write: () => void): void {
  try {
    write();
  } catch (err) {
    if (!isStorageFailure(err)) throw err;
  }
}

export interface StorageHealth {
  readable: boolean;
  writable: boolean;
}

/** Free space below which the database is reported not writable: the WAL grows by whole pages. */
const MIN_FREE_BYTES = 1024 * 1024;

/**
 * Whether the database can be read and written now, for /readyz. The write probe commits a
 * one-page no-op (user_version set to itself: page 1 rewritten in the WAL, nothing grows); a
 * rolled-back write would never reach the disk in WAL mode and so could not see a full one.
 * A committed write still succeeds on a full disk while the WAL has room from earlier, so the
 * free space of the filesystem is asked too, and whether SQLite's own page limit is reached.
 */
export function probeStorage(db: Db, file: string): StorageHealth {
  const sqlite = db.$client;
  let readable = true;
  let version = 0;
  try {
    version = sqlite.pragma('user_version', { simple: true }) as number;
  } catch {
    readable = false;
  }
  if (!readable) return { readable, writable: false };
  try {
    if (file !== ':memory:') {
      accessSync(dirname(file), constants.W_OK); // EROFS even for root on a read-only mount
      const fs = statfsSync(dirname(file));
      if (fs.bavail * fs.bsize < MIN_FREE_BYTES) return { readable, writable: false };
    }
    const pages = sqlite.pragma('page_count', { simple: true }) as number;
    const maxPages = sqlite.pragma('max_page_count', { simple: true }) as number;
    if (pages >= maxPages) return { readable, writable: false };
    // No waiting for the write lock: anyone may call /readyz, and a probe that waited busy_timeout
    // (5 s) while the admin CLI writes would stall the event loop for every request.
    sqlite.pragma('busy_timeout = 0');
    try {
      sqlite.transaction(() => sqlite.pragma(`user_version = ${Number(version)}`)).immediate();
    } finally {
      sqlite.pragma(`busy_timeout = ${PRAGMAS.busy_timeout}`);
    }
    return { readable, writable: true };
  } catch {
    // Whatever stopped the write (a full disk, a held lock, a corrupt page), the answer is the same:
    // not ready to take writes now.
    return { readable, writable: false };
  }
}
