import type { QueueChange } from '../protocol/api/queue.js';
import type { ThreadSummary } from '../protocol/api/threads.js';
import { queueChannel, type ThreadEvent, type ThreadEvents } from './events.js';
import { MAX_UNREAD_BYTES } from './stream.js';

// A staff member's live intake queue as Server-Sent Events (GET /api/queue/events): the queue as
// it stands, then each change to it (queue-notices.ts says who hears of what). Like a thread's
// stream it outlives the request that opened it, so access (the session live, the member still
// active with a role that has a queue) is checked again before every batch of events and at every
// heartbeat, and at once on a `recheck`.
//
// There is no replay and no event id: the stream starts with the whole queue, and a client that
// reconnects takes that list instead of what it showed. Subscribing comes first and the list is
// read in the same turn, so no change falls between them; a change the list already shows (one
// committed just before it was published) arrives again and is idempotent by thread id.

export interface QueueStreamOptions {
  staffId: string;
  events: ThreadEvents;
  /** The queue now (GET /api/queue with the same filters). */
  snapshot: () => ThreadSummary[];
  /** Whether a thread passes the filters the stream was opened with (language, topic, urgency, kind). */
  matches: (thread: ThreadSummary) => boolean;
  /** Whether the caller may still receive their queue (session live, still active, still a role with a queue). */
  stillAllowed: () => boolean;
  heartbeatMs: number;
  /** Told of a failure inside the stream (the stream then ends; the client reconnects). */
  onError: (err: unknown) => void;
}

const encoder = new TextEncoder();
const changeEvents = new WeakMap<QueueChange, Uint8Array>();

/** A change's event text: one `data:` line (JSON holds no newline), encoded once for every member it goes to. */
function changeEvent(change: QueueChange): Uint8Array {
  let bytes = changeEvents.get(change);
  if (!bytes) {
    bytes = encoder.encode(`event: ${change.type}\ndata: ${JSON.stringify(change)}\n\n`);
    changeEvents.set(change, bytes);
  }
  return bytes;
}

const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');

export function queueEventStream(options: QueueStreamOptions): ReadableStream<Uint8Array> {
  const { events, stillAllowed } = options;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  let scheduled = false;
  const pending: ThreadEvent[] = [];
  let unsubscribe = (): void => {};
  let heartbeat: NodeJS.Timeout | undefined;

  const stop = (): void => {
    if (ended) return;
    ended = true;
    pending.length = 0;
    unsubscribe();
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
  // A reader that leaves this much unread is dropped; on reconnecting it gets the queue afresh.
  const write = (bytes: Uint8Array): void => {
    controller.enqueue(bytes);
    if ((controller.desiredSize ?? 0) < -MAX_UNREAD_BYTES) end();
  };

  const flush = (): void => {
    scheduled = false;
    if (ended || pending.length === 0) return;
    try {
      if (!stillAllowed()) {
        end();
        return;
      }
      for (const event of pending.splice(0)) {
        if (ended) return;
        if (event.type === 'closing' || event.type === 'erased') {
          end();
          return;
        }
        if (event.type === 'queue' && options.matches(event.thread)) write(changeEvent(event.change));
      }
    } catch (err) {
      fail(err);
    }
  };

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      unsubscribe = events.subscribe(queueChannel(options.staffId), (event) => {
        pending.push(event);
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(flush);
        }
      }, options.staffId);
      try {
        write(encoder.encode(`event: snapshot\ndata: ${JSON.stringify({ type: 'snapshot', threads: options.snapshot() })}\n\n`));
      } catch (err) {
        fail(err);
        return;
      }
      heartbeat = setInterval(() => {
        if (ended) return;
        try {
          if (!stillAllowed()) end();
          else if (pending.length === 0) write(KEEP_ALIVE);
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
