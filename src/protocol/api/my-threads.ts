import { z } from 'zod';
import { idSchema } from './common.js';
import { threadSummary } from './threads.js';

// The caller's own threads, live (GET /api/my-threads/events): what GET /api/threads lists, and
// each change to one of them, so that a list of "my consultations" or "my cases" follows its
// statuses without asking again. Summaries only (routing metadata from fixed lists, the status, the
// last sequence), never content; like the list, it is the server's word, checked against the
// signed genesis and transcript when a thread is opened.

/** The caller's threads as the stream starts (the same list as GET /api/threads). */
export const myThreadsSnapshotEvent = z.object({ type: z.literal('snapshot'), threads: z.array(threadSummary) });

/**
 * A change: `thread` (one of the caller's threads as it stands now: opened, claimed, handed over,
 * returned, closed, a new item, its holder revoked), `gone` (erased, or the caller no longer takes
 * part: handed over to a colleague).
 */
export const myThreadsChangeEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('thread'), thread: threadSummary }),
  z.object({ type: z.literal('gone'), id: idSchema }),
]);

export const myThreadsEvent = z.union([myThreadsSnapshotEvent, myThreadsChangeEvent]).meta({ id: 'MyThreadsEvent' });
export type MyThreadsEvent = z.infer<typeof myThreadsEvent>;
export type MyThreadsChange = z.infer<typeof myThreadsChangeEvent>;
