import { describe, expect, it } from 'vitest';
import type { WireItem } from '../../src/protocol/api/threads.js';
import { ThreadEvents } from '../../src/threads/events.js';
import { MAX_UNREAD_BYTES, threadEventStream } from '../../src/threads/stream.js';

const item = (seq: number, size = 10): WireItem => ({
  seq, type: 'message', senderId: 'a_x', prevHash: 'h', nonce: 'n', ciphertext: 'c'.repeat(size), signature: 's', createdAt: 0,
} as unknown as WireItem);

const tick = () => new Promise((r) => setTimeout(r, 5));

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  const reader = stream.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
  return text;
}

describe('thread event stream', () => {
  it('replays after Last-Event-ID, skips what the replay sent, and checks access before each batch', async () => {
    const events = new ThreadEvents();
    let allowed = true;
    let checks = 0;
    const stored = [item(1), item(2), item(3)];
    const stream = threadEventStream({
      threadId: 't', after: 1, events, heartbeatMs: 60_000, onError: (err) => { throw err; },
      page: (after) => ({ items: stored.filter((m) => m.seq > after), hasMore: false }),
      stillAllowed: () => { checks++; return allowed; },
    });
    const text = readAll(stream);
    await tick();
    // Published in one turn: one check for the batch; seq 3 was replayed already.
    events.publish('t', { type: 'item', item: stored[2]! });
    events.publish('t', { type: 'item', item: item(4) });
    await tick();
    expect(checks).toBe(1);
    allowed = false;
    events.publish('t', { type: 'item', item: item(5) });
    const out = await text;
    expect(out.match(/^id: \d+$/gm)).toEqual(['id: 2', 'id: 3', 'id: 4']);
    expect(out).toContain('event: item\ndata: {');
    expect(events.listenerCount('t')).toBe(0);
  });

  it('ends a stream whose reader leaves too much unread; it resumes from the replay', async () => {
    const events = new ThreadEvents();
    const stream = threadEventStream({
      threadId: 't', after: 0, events, heartbeatMs: 60_000, onError: (err) => { throw err; },
      page: () => ({ items: [], hasMore: false }), stillAllowed: () => true,
    });
    const reader = stream.getReader();
    await tick();
    for (let seq = 1; seq <= 40; seq++) events.publish('t', { type: 'item', item: item(seq, MAX_UNREAD_BYTES / 32) });
    await tick();
    expect(events.listenerCount('t')).toBe(0);
    let n = 0;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) n++;
    expect(n).toBeGreaterThan(30);
    expect(n).toBeLessThan(40);
  });

  it('ends at a heartbeat once access is gone, with no event to trigger it', async () => {
    const events = new ThreadEvents();
    let allowed = true;
    const stream = threadEventStream({
      threadId: 't', after: 0, events, heartbeatMs: 20, onError: (err) => { throw err; },
      page: () => ({ items: [], hasMore: false }), stillAllowed: () => allowed,
    });
    const text = readAll(stream);
    await new Promise((r) => setTimeout(r, 50));
    allowed = false;
    expect(await text).toContain(': keep-alive\n\n');
    expect(events.listenerCount('t')).toBe(0);
  });

  it('ends the stream and reports a failure inside it instead of erroring the web stream (whose error the adapter would print whole)', async () => {
    const events = new ThreadEvents();
    const failures: unknown[] = [];
    const stream = threadEventStream({
      threadId: 't', after: 0, events, heartbeatMs: 60_000, onError: (err) => failures.push(err),
      page: () => { throw new Error('Failed query: select ... params: secret-sentinel'); }, stillAllowed: () => true,
    });
    expect(await readAll(stream)).toBe('');
    expect(failures).toHaveLength(1);
    expect(events.listenerCount('t')).toBe(0);
  });
});
