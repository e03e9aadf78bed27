import type { WireItem } from '../protocol/api/threads.js';
import type { ThreadEvent, ThreadEvents } from './events.js';

// A thread's live Server-Sent-Event stream. It outlives the request that opened it, so access is
// checked again (`stillAllowed`: the session not revoked or expired, the caller still taking part)
// before every batch of events is written and at every heartbeat: a logout, an erase, a claim by
// a colleague or a hand-over ends the stream before its next event. Disabling or removing a staff
// member, or their "log out everywhere", asks for that check at once (a `recheck` event).
//
// Written straight into one ReadableStream (no TransformStream and writer per event, as hono's
// streamSSE does: three web-stream hops and two promises per event). Events that arrive in the same
// turn of the event loop are written together after one access check: nothing else can run
// between them, so one check answers for all of them. An item's event text is encoded once and
// shared by every stream of the thread; it is the same for all participants, and each stream still
// checks its own caller before writing it.

export interface ThreadStreamOptions {
  threadId: string;
  /** The last transcript item the client has (Last-Event-ID); the replay starts after it. */
  after: number;
  events: ThreadEvents;
  /** A page of transcript items after a sequence number (the replay). */
  page: (after: number) => { items: WireItem[]; hasMore: boolean };
  /** Whether the caller may still receive this thread's events (session live, still a participant). */
  stillAllowed: () => boolean;
  /** The caller's id: a `recheck` for it (ThreadEvents.recheck) runs the access check at once. */
  owner?: string;
  heartbeatMs: number;
  /**
   * Told of a failure inside the stream (a database error while replaying or checking access);
   * the stream then ends, and the client resumes with Last-Event-ID. Left to the web stream, the
   * error would reach the adapter, which prints it whole, query parameters included (§2.2).
   */
  onError: (err: unknown) => void;
}

/**
 * What a client may leave unread before its stream is ended: it reconnects with Last-Event-ID and
 * gets the rest from the replay, instead of the server holding an unread queue without bound.
 */
export const MAX_UNREAD_BYTES = 1024 * 1024;

const encoder = new TextEncoder();
const itemEvents = new WeakMap<WireItem, Uint8Array>();

/** The `item` event of a transcript item; JSON text holds no newline, so it is one `data:` line. */
function itemEvent(item: WireItem): Uint8Array {
  let bytes = itemEvents.get(item);
  if (!bytes) {
    bytes = encoder.encode(`event: item\ndata: ${JSON.stringify(item)}\nid: ${item.seq}\n\n`);
    itemEvents.set(item, bytes);
  }
  return bytes;
}

const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');

export function threadEventStream(options: ThreadStreamOptions): ReadableStream<Uint8Array> {
  const { threadId, events, page, stillAllowed } = options;
  let sent = options.after;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  let replaying = true;
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
  const write = (bytes: Uint8Array): void => {
    controller.enqueue(bytes);
    if ((controller.desiredSize ?? 0) < -MAX_UNREAD_BYTES) end();
  };
  const sendItem = (item: WireItem): void => {
    if (item.seq <= sent) return;
    write(itemEvent(item));
    sent = item.seq;
  };

  /** Writes what arrived, after one access check; the stream ends when access is gone. */
  const flush = (): void => {
    scheduled = false;
    if (ended || replaying || pending.length === 0) return;
    try {
      if (!stillAllowed()) {
        end();
        return;
      }
      for (const event of pending.splice(0)) {
        if (ended) return;
        if (event.type === 'erased' || event.type === 'closing') {
          end();
          return;
        }
        if (event.type === 'item') sendItem(event.item);
        else if (event.type === 'status') write(encoder.encode(`event: status\ndata: ${JSON.stringify(event.thread)}\n\n`));
        // `recheck` was answered by the access check above; `queue` is never published on a thread's channel.
      }
    } catch (err) {
      fail(err);
    }
  };

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      // Subscribe before replaying, and skip what the replay already sent: no item falls in between.
      unsubscribe = events.subscribe(threadId, (event) => {
        pending.push(event);
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(flush);
        }
      }, options.owner);
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
    // The replay, one page per read: a long thread is not read into memory at once for a slow reader.
    pull() {
      if (!replaying || ended) return;
      try {
        const { items, hasMore } = page(sent);
        for (const item of items) sendItem(item);
        if (hasMore) return;
        replaying = false;
        flush();
      } catch (err) {
        fail(err);
      }
    },
    cancel() {
      stop();
    },
  }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
}
