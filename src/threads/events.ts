import type { ThreadSummary, WireMessage } from '../protocol/api/threads.js';

// Live updates inside this one process (DESIGN.md §10: one node serves a country). A thread's
// listeners hear of new messages and status changes; nothing is kept once delivered.

export type ThreadEvent =
  | { type: 'message'; message: WireMessage }
  | { type: 'status'; thread: ThreadSummary }
  /** The thread was erased: open streams end, so nobody keeps listening to nothing. */
  | { type: 'erased' };
type Listener = (event: ThreadEvent) => void;

export class ThreadEvents {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Starts listening; returns the function that stops. */
  subscribe(threadId: string, listener: Listener): () => void {
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

  listenerCount(threadId: string): number {
    return this.listeners.get(threadId)?.size ?? 0;
  }
}
