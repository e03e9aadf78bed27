import type { MyThreadsChange } from '../protocol/api/my-threads.js';
import type { ThreadSummary } from '../protocol/api/threads.js';
import { ownThreadsChannel, type ThreadEvents } from './events.js';
import { MAX_UNREAD_BYTES } from './stream.js';

// The caller's own threads as Server-Sent Events (GET /api/my-threads/events): the list as it
// stands, then each thread again whenever it changes. A psychologist's "My cases" follows its
// statuses this way with one connection, however many cases are open (a stream per thread would
// use up the six connections a browser opens to one HTTP/1.1 host).
//
// It listens on the channel of each thread it follows (the same events the thread's own stream
// hears, content included, of which only the fact of a change is used) and on the caller's own
// channel, which tells of a thread they newly take part in. On a change the thread is read again
// and written whole if it differs from what was sent; one the caller no longer takes part in
// (erased, handed to a colleague) is written as `gone`. Access is checked before every batch and
// at every heartbeat, and at once on a `recheck`, as in the other streams. No replay and no event
// id: a client that reconnects takes the new snapshot.

export interface MyThreadsStreamOptions {
  owner: string;
  events: ThreadEvents;
  /** The caller's threads now (GET /api/threads). */
  snapshot: () => ThreadSummary[];
  /** A thread as it stands now, if the caller still takes part in it; null when erased or no longer theirs. */
  current: (threadId: string) => ThreadSummary | null;
  /** Whether the caller may still receive the stream (the session live). */
  stillAllowed: () => boolean;
  heartbeatMs: number;
  /** Told of a failure inside the stream (the stream then ends; the client reconnects). */
  onError: (err: unknown) => void;
}

const encoder = new TextEncoder();
const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');
const eventBytes = (change: MyThreadsChange): Uint8Array => encoder.encode(`event: ${change.type}\ndata: ${JSON.stringify(change)}\n\n`);

export function myThreadsEventStream(options: MyThreadsStreamOptions): ReadableStream<Uint8Array> {
  const { events, stillAllowed } = options;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  let scheduled = false;
  let closing = false;
  let check = false;
  /** Threads changed since the last flush, read again then. */
  const dirty = new Set<string>();
  /** Each followed thread's unsubscribe, and what was last written of it. */
  const followed = new Map<string, () => void>();
  const sent = new Map<string, string>();
  let unsubscribeOwn = (): void => {};
  let heartbeat: NodeJS.Timeout | undefined;

  const stop = (): void => {
    if (ended) return;
    ended = true;
    dirty.clear();
    unsubscribeOwn();
    for (const unsubscribe of followed.values()) unsubscribe();
    followed.clear();
    clearInterval(heartbeat);
  };
  const end = (): void => {
    if (ended) return;
    stop();
    try {
      controller.close();
    } catch { /* already closed or cancelled by the reader */ }
  };
  const fail = (err: unknown): void => {
    options.onError(err);
    end();
  };
  // A reader that leaves this much unread is dropped; on reconnecting it gets the list afresh.
  const write = (bytes: Uint8Array): void => {
    controller.enqueue(bytes);
    if ((controller.desiredSize ?? 0) < -MAX_UNREAD_BYTES) end();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(flush);
  };

  const follow = (threadId: string): void => {
    if (followed.has(threadId)) return;
    followed.set(threadId, events.subscribe(threadId, (event) => {
      if (event.type === 'closing') closing = true;
      else if (event.type === 'recheck') check = true;
      else dirty.add(threadId);
      schedule();
    }));
  };

  function flush(): void {
    scheduled = false;
    if (ended) return;
    if (closing) {
      end();
      return;
    }
    if (dirty.size === 0 && !check) return;
    check = false;
    try {
      if (!stillAllowed()) {
        end();
        return;
      }
      for (const id of [...dirty]) {
        dirty.delete(id);
        if (ended) return;
        const now = options.current(id);
        if (!now) {
          followed.get(id)?.();
          followed.delete(id);
          if (sent.delete(id)) write(eventBytes({ type: 'gone', id }));
          continue;
        }
        follow(id);
        const text = JSON.stringify(now);
        if (sent.get(id) === text) continue;
        sent.set(id, text);
        write(eventBytes({ type: 'thread', thread: now }));
      }
    } catch (err) {
      fail(err);
    }
  }

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      // Subscribing and reading the list happen in one turn: no change falls between them.
      unsubscribeOwn = events.subscribe(ownThreadsChannel(options.owner), (event) => {
        if (event.type === 'closing') closing = true;
        else if (event.type === 'recheck') check = true;
        else if (event.type === 'status') dirty.add(event.thread.id);
        schedule();
      }, options.owner);
      try {
        const threads = options.snapshot();
        for (const th of threads) {
          sent.set(th.id, JSON.stringify(th));
          // A closed thread changes no more (an erase by its opener is their own act).
          if (th.status !== 'closed') follow(th.id);
        }
        write(encoder.encode(`event: snapshot\ndata: ${JSON.stringify({ type: 'snapshot', threads })}\n\n`));
      } catch (err) {
        fail(err);
        return;
      }
      heartbeat = setInterval(() => {
        if (ended) return;
        try {
          if (!stillAllowed()) end();
          else if (dirty.size === 0) write(KEEP_ALIVE);
        } catch (err) {
          fail(err);
        }
      }, options.heartbeatMs);
    },
    cancel() {
      stop();
    },
  }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
}
