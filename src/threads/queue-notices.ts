import { and, eq, ne, sql } from 'drizzle-orm';
import { threadKeys } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { preparedFor } from '../db/prepared.js';
import type { QueueChange } from '../protocol/api/queue.js';
import type { ThreadSummary } from '../protocol/api/threads.js';
import { queueChannel, type ThreadEvents } from './events.js';
import { openerOf, type ThreadRow } from './service.js';

// Who hears of a change to the intake queue. A thread is in a staff member's queue exactly when
// it is open and its key is sealed to them (GET /api/queue): that is the pool its opener's client
// chose from the signed directory (the role and language of the thread), so the audience of a
// change is read from the sealed keys, never from a list of everyone on duty. A claim drops the
// other members' keys, so the audience of a thread leaving the queue is read before the change.

const keyHolders = preparedFor((db) => db.select({ id: threadKeys.principalId }).from(threadKeys)
  .where(and(eq(threadKeys.threadId, sql.placeholder('threadId')), ne(threadKeys.principalId, sql.placeholder('opener')))).prepare());

export interface QueueNotices {
  /** The members whose queue shows this open thread now (call before a claim, close or erase). */
  audience(row: ThreadRow): string[];
  /** The thread entered the queue of the members its key is now sealed to (opened, or returned to the pool). */
  entered(thread: ThreadRow, type: 'new' | 'returned'): void;
  /** The thread left the queue of `audience` (read before the change). */
  left(audience: readonly string[], thread: ThreadRow, type: 'claimed' | 'closed'): void;
}

export function queueNotices(db: Db, events: ThreadEvents, summaryOf: (row: ThreadRow) => ThreadSummary): QueueNotices {
  const audience = (row: ThreadRow): string[] => (row.status === 'open' ? keyHolders(db).all({ threadId: row.id, opener: openerOf(row) }).map((k) => k.id) : []);
  const tell = (members: readonly string[], change: QueueChange, thread: ThreadSummary): void => {
    for (const staffId of members) events.publish(queueChannel(staffId), { type: 'queue', change, thread });
  };
  return {
    audience,
    entered(row, type) {
      const members = audience(row);
      if (members.length === 0) return;
      const thread = summaryOf(row);
      tell(members, { type, thread }, thread);
    },
    left(members, row, type) {
      if (members.length > 0) tell(members, { type, id: row.id }, summaryOf(row));
    },
  };
}
