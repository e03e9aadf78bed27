import { z } from 'zod';
import { idSchema } from './common.js';
import { queueQuery, threadSummary } from './threads.js';

// The live intake queue of a staff member on duty (GET /api/queue/events): what the queue list
// already shows, and nothing more. A thread that enters the queue comes as its summary (routing
// metadata from fixed lists, never content); one that leaves it comes as its id alone, since the
// console only has to drop it. The stream starts with the whole queue, so a client that
// reconnects needs no replay: it replaces what it showed.

/** The queue as it stands when the stream starts (the same list as GET /api/queue). */
export const queueSnapshotEvent = z.object({ type: z.literal('snapshot'), threads: z.array(threadSummary) });

/**
 * A change: `new` (a thread was opened into this member's pool), `returned` (its opener gave it
 * back to the pool), `claimed` (a pool member took it: this one or a colleague), `closed` (its
 * opener closed or erased it while it waited).
 */
export const queueChangeEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('new'), thread: threadSummary }),
  z.object({ type: z.literal('returned'), thread: threadSummary }),
  z.object({ type: z.literal('claimed'), id: idSchema }),
  z.object({ type: z.literal('closed'), id: idSchema }),
]);

export const queueEvent = z.union([queueSnapshotEvent, queueChangeEvent]).meta({ id: 'QueueEvent' });
export type QueueEvent = z.infer<typeof queueEvent>;
export type QueueChange = z.infer<typeof queueChangeEvent>;

/** The queue's filters (language, topic, urgency, kind) apply to the stream too; `limit` to its snapshot. */
export const queueEventsQuery = queueQuery;
