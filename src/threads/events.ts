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
  | { type: 'closing' };
type Listener = (event: ThreadEvent) => void;

export class ThreadEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  private closing = false;

  /** Starts listening; returns the function that stops. A stream that starts during shutdown hears `closing` at once. */
  subscribe(threadId: string, listener: Listener): () => void {
    if (this.closing) {
      listener({ type: 'closing' });
      return () => {};
    }
    let set = this.listeners.get(threadId);
    if (!set) {
      set = new Set();
      this.listeners.set(threadId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(threadId);
    };
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
