import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { databaseFile, openDatabase } from '../../src/db/connection.js';
import type { Poster } from './fixture.js';

// The floor for a durable message post: the same message rows inserted straight through
// better-sqlite3, one autocommit transaction each (WAL, synchronous=FULL: the service's
// pragmas), into the same schema on the same disk, in the same run.

export function rawInserts(parentDir: string, posters: Poster[]): { rows: number; perSecond: number } {
  const dir = mkdtempSync(join(parentDir, 'raw-inserts-'));
  const db = openDatabase(databaseFile(dir));
  try {
    const sqlite = db.$client;
    // The parent thread rows only (their askers are not needed here); the message inserts below
    // check their foreign key as the service's do.
    sqlite.pragma('foreign_keys = OFF');
    const thread = sqlite.prepare("INSERT INTO threads (id, kind, asker_id, topic, language, urgency, status, last_seq, genesis, genesis_signature, head_hash, created_at) VALUES (?, 'consultation', ?, 'sleep', 'ru', 0, 'open', 0, ?, ?, ?, ?)");
    for (const p of posters) thread.run(p.threadId, p.senderId, Buffer.alloc(400), Buffer.alloc(64), Buffer.alloc(32), Date.now());
    sqlite.pragma('foreign_keys = ON');
    const insert = sqlite.prepare("INSERT INTO messages (thread_id, seq, type, sender_id, prev_hash, nonce, ciphertext, signature, created_at) VALUES (?, ?, 'message', ?, ?, ?, ?, ?, ?)");
    const rows = posters.flatMap((p) => p.bodies.map((b) => {
      const m = JSON.parse(b) as { seq: number; prevHash: string; nonce: string; ciphertext: string; signature: string };
      const bytes = (s: string) => Buffer.from(s, 'base64url');
      return [p.threadId, m.seq, p.senderId, bytes(m.prevHash), bytes(m.nonce), bytes(m.ciphertext), bytes(m.signature), Date.now()] as const;
    }));
    // Interleaved over threads, as concurrent senders arrive.
    const ordered = [...rows].sort((a, b) => a[1] - b[1]);
    const started = performance.now();
    for (const r of ordered) insert.run(...r);
    const seconds = (performance.now() - started) / 1000;
    return { rows: ordered.length, perSecond: ordered.length / seconds };
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
