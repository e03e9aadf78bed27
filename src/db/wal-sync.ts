import { closeSync, fdatasync, openSync } from 'node:fs';
import type { Db } from './connection.js';
import { preparedFor } from './prepared.js';

// A transaction made durable off the event loop. With synchronous=FULL, SQLite's commit calls
// fsync on the write-ahead log inside the call, and better-sqlite3 is synchronous: the whole
// server waits for the disk (12 % of a message post's time in the bench's profile, and nothing
// else can run meanwhile). Here the transaction commits with synchronous=NORMAL (the frames are
// written to the WAL, not yet synced), and the WAL is then synced by libuv's thread pool; the
// caller is told "durable" only after that sync, so an answer sent on it means what FULL meant:
// the commit frame is on disk. The server goes on checking the next requests while the disk works.
//
// Why this is as durable as FULL for what is acknowledged: in WAL mode a commit is the frames
// appended to the -wal file, ending in a commit frame; after a crash SQLite replays the valid
// frames up to the last commit frame (their checksums chain). FULL syncs the file at that point;
// this syncs the same file at the same point, later. A checkpoint (run inside a commit under
// NORMAL) syncs the WAL before copying it and the database after, so frames it moves are durable
// either way, and a checkpoint that truncates the WAL leaves nothing in it to sync.
//
// What differs: between the commit and the sync, another request on this connection can read the
// rows (a power cut in that window loses them although someone read them; a process crash does
// not: the kernel still has the pages). Callers that publish (the live streams) wait for "durable".
// Syncs resolve in commit order, so a later batch is never announced before an earlier one.

export type SyncLog = (db: Db) => Promise<void>;

// The log's file descriptor stays open with the connection: opening and closing it per sync was
// two more thread-pool round trips, each waking a sleeping thread (~30 µs of the event loop's
// time each on a virtual machine). SQLite deletes the -wal file only when the last connection
// closes, and this one is open while commits are made; a TRUNCATE checkpoint keeps the same file.
const logFds = new WeakMap<Db, number>();

/** fdatasync of the connection's -wal file on the thread pool; a memory database has none to sync. */
export const syncLog: SyncLog = (db) => new Promise((resolve, reject) => {
  if (db.$client.memory) {
    resolve();
    return;
  }
  let fd = logFds.get(db);
  if (fd === undefined) {
    try {
      fd = openSync(`${db.$client.name}-wal`, 'r');
    } catch (err) {
      reject(err);
      return;
    }
    logFds.set(db, fd);
  }
  fdatasync(fd, (err) => (err ? reject(err) : resolve()));
});

/** Closes the log's descriptor; with the connection (compose.ts). */
export function closeLog(db: Db): void {
  const fd = logFds.get(db);
  if (fd === undefined) return;
  logFds.delete(db);
  closeSync(fd);
}

const normal = preparedFor((db) => db.$client.prepare('PRAGMA synchronous = NORMAL'));
const full = preparedFor((db) => db.$client.prepare('PRAGMA synchronous = FULL'));
const lastDurable = new WeakMap<Db, Promise<void>>();

/**
 * Runs `work` in one IMMEDIATE transaction (IMMEDIATE takes the write lock at BEGIN, waiting
 * busy_timeout for it, so a writer in between cannot turn it into SQLITE_BUSY_SNAPSHOT) and returns
 * its result with a promise that settles once the commit is on disk, after every earlier one. A
 * failed sync rejects it: the rows are then committed but maybe not durable, and the caller answers
 * as for any storage failure (the client retries and finds its item there, or not).
 */
export function commitThenSync<T>(db: Db, work: () => T, sync: SyncLog = syncLog): { result: T; durable: Promise<void> } {
  // Inside someone else's transaction better-sqlite3 would make this a savepoint, and "durable"
  // would come before anything was committed: refuse instead.
  if (db.$client.inTransaction) throw new Error('commitThenSync inside an open transaction');
  normal(db).run();
  let result: T;
  try {
    result = db.$client.transaction(work).immediate();
  } finally {
    // Every other write of the service keeps FULL.
    full(db).run();
  }
  const synced = sync(db);
  // Handled here too, so a sync that fails while an earlier one is pending is not "unhandled".
  synced.catch(() => undefined);
  const previous = lastDurable.get(db) ?? Promise.resolve();
  // In commit order: this one is announced only after the previous one was (whatever its outcome).
  const durable = previous.catch(() => undefined).then(() => synced);
  lastDurable.set(db, durable.catch(() => undefined));
  return { result, durable };
}
