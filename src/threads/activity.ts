import { and, count, eq, ne } from 'drizzle-orm';
import { messages } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import type { Language } from '../protocol/api/common.js';
import type { WireItem } from '../protocol/api/threads.js';
import type { ThreadKind, Topic } from '../protocol/thread-metadata.js';
import { openerOf, type ThreadRow } from './service.js';

// What the threads domain tells whoever counts (app.ts wires the impact report to it; this
// domain does not know who listens): a thread opened, taken from the pool for the first time,
// and answered for the first time, each with only the routing metadata already in the row and,
// for the first reply, how long it waited (from the row's and the item's own stored minutes).
// No thread id, no participant: the listener needs none, so it gets none.

export type ThreadActivity =
  | { type: 'opened' | 'taken'; kind: ThreadKind; language: Language; topic: Topic }
  | { type: 'answered'; kind: ThreadKind; language: Language; topic: Topic; waitedMs: number };

export type ThreadActivityListener = (activity: ThreadActivity) => void;

const metadataOf = (row: ThreadRow) => ({ kind: row.kind, language: row.language, topic: row.topic });

export const openedActivity = (row: ThreadRow): ThreadActivity => ({ type: 'opened', ...metadataOf(row) });

/**
 * What a stored item means for the count, if anything: the thread's first claim (a thread
 * returned to the pool and claimed again was taken once), or its first message from someone
 * other than the opener (the first reply, whoever of the staff wrote it).
 */
export function itemActivity(db: Db, row: ThreadRow, item: WireItem): ThreadActivity | null {
  if (item.type === 'claim') {
    const claims = db.select({ n: count() }).from(messages).where(and(eq(messages.threadId, row.id), eq(messages.type, 'claim'))).get()?.n ?? 0;
    return claims === 1 ? { type: 'taken', ...metadataOf(row) } : null;
  }
  if (item.type === 'message' && item.senderId !== openerOf(row)) {
    const replies = db.select({ n: count() }).from(messages)
      .where(and(eq(messages.threadId, row.id), eq(messages.type, 'message'), ne(messages.senderId, openerOf(row)))).get()?.n ?? 0;
    return replies === 1 ? { type: 'answered', ...metadataOf(row), waitedMs: item.createdAt - row.createdAt } : null;
  }
  return null;
}
