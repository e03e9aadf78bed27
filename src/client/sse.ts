// A minimal Server-Sent Events reader over fetch. EventSource cannot send an Authorization
// header, and a token in the URL would end up in histories and proxies (issue #4, §5), so
// the SDK reads the event stream itself.

import type { z } from 'zod';
import { errorSchema } from '../protocol/api/common.js';
import { ApiError, type Http } from './http.js';

export interface SseEvent {
  event: string;
  id: string | null;
  data: string;
}

/** Yields the events of a text/event-stream body until it ends. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const event = parseBlock(block);
        if (event) yield event;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function parseBlock(block: string): SseEvent | null {
  let event = 'message';
  let id: string | null = null;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, id, data: data.join('\n') } : null;
}

/**
 * Follows one of the API's JSON event streams (each event's data one value of `schema`: the live
 * queue, the caller's own threads) until it ends or `signal` aborts. Throws an ApiError when the
 * stream is refused (`unauthorized` after a logout) or an event is not of the schema.
 */
export async function followJsonEvents<S extends z.ZodType>(
  http: Http, path: string, schema: S, options: { onEvent: (event: z.output<S>) => void; signal?: AbortSignal | undefined },
): Promise<void> {
  const res = await http.raw('GET', path, { headers: { accept: 'text/event-stream' }, ...(options.signal ? { signal: options.signal } : {}) });
  if (!res.ok || !res.body) {
    const error = errorSchema.safeParse(await res.json().catch(() => null));
    throw error.success ? new ApiError(error.data.error.code, res.status, error.data.error.message) : new ApiError('bad_response', res.status, `HTTP ${res.status}`);
  }
  try {
    for await (const event of readSse(res.body)) {
      let data: unknown;
      try { data = JSON.parse(event.data); } catch { data = null; }
      const parsed = schema.safeParse(data);
      if (!parsed.success) throw new ApiError('bad_response', res.status, 'The server sent an unexpected event.');
      options.onEvent(parsed.data);
    }
  } catch (err) {
    if (options.signal?.aborted) return;
    throw err;
  }
}
