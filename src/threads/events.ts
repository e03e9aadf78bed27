import type { QueueChange } from '../protocol/api/queue.js';
import type { ThreadSummary, WireItem } from '../protocol/api/threads.js';

// Live updates inside this one process (DESIGN.md §10: one node serves a country). A thread's
// listeners hear of new transcript items (messages, claims, hand-overs) and status changes;
// nothing is kept once delivered.

export type ThreadEvent =
  | { type: 'item'; item: WireItem }
  | { type: 'status'; thread: ThreadSummary }
  /** The thread was erased: open streams end, so nobody keeps listening to nothing. */
  | { type: 'erased' }
  /** The server is shutting down: open streams end so that it can exit (clients reconnect elsewhere or later). */
  | { type: 'closing' }
  /** A principal's access changed (disabled, removed, logged out everywhere): their streams check it now, not at the next heartbeat. */
  | { type: 'recheck' }
  /**
   * A change to one staff member's intake queue, published on their queue channel (queueChannel,
   * queue-stream.ts): `change` is what the stream writes, `thread` what its filters match.
   */
  | { type: 'queue'; change: QueueChange; thread: ThreadSummary };
type Listener = (event: ThreadEvent) => void;

/**
 * The channel of a staff member's queue stream. Queue streams live beside the thread streams, in
 * the same listeners, so that a `recheck` (disabled, logged out everywhere) and shutdown's
 * `closing` reach them by the same path; thread ids never contain ':'.
 */
export const queueChannel = (staffId: string): string => `queue:${staffId}`;

/**
 * The channel that tells a principal's own-threads stream (my-threads-stream.ts) of a thread they
 * newly take part in (opened, claimed, handed to them): a `status` with its summary. Changes to a
 * thread they already follow come on the thread's own channel.
 */
export const ownThreadsChannel = (principalId: string): string => `own:${principalId}`;

export class ThreadEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** The listeners of each principal (the caller a stream was opened for), across threads. */
  private readonly owners = new Map<string, Set<Listener>>();
  private closing = false;

  /**
   * Starts listening; returns the function that stops. A stream that starts during shutdown hears
   * `closing` at once. `owner` is the principal the stream serves, for `recheck`.
   */
  subscribe(threadId: string, listener: Listener, owner?: string): () => void {
    if (this.closing) {
      listener({ type: 'closing' });
      return () => {};
    }
    const set = added(this.listeners, threadId, listener);
    const mine = owner === undefined ? undefined : added(this.owners, owner, listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(threadId);
      if (mine) {
        mine.delete(listener);
        if (mine.size === 0) this.owners.delete(owner!);
      }
    };
  }

  /** Asks every open stream of `owner` to check its access now (stream.ts ends those that lost it). */
  recheck(owner: string): void {
    for (const listener of [...(this.owners.get(owner) ?? [])]) listener({ type: 'recheck' });
  }

  publish(threadId: string, event: ThreadEvent): void {
    for (const listener of this.listeners.get(threadId) ?? []) listener(event);
  }

  /** Tells every open stream to end (SIGTERM); later subscribers are told at once. */
  close(): void {
    this.closing = true;
    for (const set of [...this.listeners.values()]) for (const listener of [...set]) listener({ type: 'closing' });
  }

  listenerCount(threadId: string): number {
    return this.listeners.get(threadId)?.size ?? 0;
  }
}

function added(map: Map<string, Set<Listener>>, key: string, listener: Listener): Set<Listener> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(listener);
  return set;
}
