import { describe, expect, it } from 'vitest';
import type { ThreadSummary } from '../../src/protocol/api/threads.js';
import { queueChannel, ThreadEvents } from '../../src/threads/events.js';
import { queueEventStream, type QueueStreamOptions } from '../../src/threads/queue-stream.js';
import { MAX_UNREAD_BYTES } from '../../src/threads/stream.js';

const summary = (id: string, language: ThreadSummary['language'] = 'ru'): ThreadSummary => ({
  id, kind: 'consultation', topic: 'anxiety', language, urgency: 'urgent', status: 'open', assignedStaffId: null, holderRevoked: false, lastSeq: 0, createdAt: 0,
});
const tick = () => new Promise((r) => setTimeout(r, 5));

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  const reader = stream.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
  return text;
}

function stream(events: ThreadEvents, options: Partial<QueueStreamOptions> = {}) {
  return queueEventStream({
    staffId: 's_a', events, heartbeatMs: 60_000, onError: (err) => { throw err; },
    snapshot: () => [summary('t_1')], matches: () => true, stillAllowed: () => true, ...options,
  });
}

describe('queue event stream', () => {
  it('starts with the snapshot, writes matching changes after one access check per batch, and ends on closing', async () => {
    const events = new ThreadEvents();
    let checks = 0;
    const text = readAll(stream(events, { matches: (t) => t.language === 'ru', stillAllowed: () => { checks++; return true; } }));
    await tick();
    const ru = summary('t_2');
    events.publish(queueChannel('s_a'), { type: 'queue', change: { type: 'new', thread: ru }, thread: ru });
    events.publish(queueChannel('s_a'), { type: 'queue', change: { type: 'new', thread: summary('t_3', 'kk') }, thread: summary('t_3', 'kk') });
    events.publish(queueChannel('s_b'), { type: 'queue', change: { type: 'claimed', id: 't_1' }, thread: summary('t_1') });
    await tick();
    expect(checks).toBe(1);
    events.close();
    const out = await text;
    expect(out.split('\n\n').filter(Boolean).map((b) => b.split('\n')[0])).toEqual(['event: snapshot', 'event: new']);
    expect(out).toContain('"id":"t_2"');
    expect(out).not.toContain('t_3');
    expect(events.listenerCount(queueChannel('s_a'))).toBe(0);
  });

  it('ends before writing when access is gone, and on a recheck without any event', async () => {
    const events = new ThreadEvents();
    let allowed = true;
    const text = readAll(stream(events, { stillAllowed: () => allowed }));
    await tick();
    allowed = false;
    events.recheck('s_a');
    expect(await text).not.toContain('event: new');
    // Shutdown ends open streams, and one opened after it at once.
    const open = readAll(stream(events));
    events.close();
    const after = readAll(stream(events));
    await Promise.all([open, after]);
  });

  it('ends a stream whose reader leaves too much unread; it reconnects for a new snapshot', async () => {
    const events = new ThreadEvents();
    const reader = stream(events).getReader();
    await tick();
    for (let i = 0; i < 40; i++) {
      const thread = summary(`t_${i}`);
      // A change inflated past any real one, to fill the unread budget in a few events.
      events.publish(queueChannel('s_a'), { type: 'queue', change: { type: 'new', thread: { ...thread, assignedStaffId: 'x'.repeat(MAX_UNREAD_BYTES / 32) } }, thread });
    }
    await tick();
    expect(events.listenerCount(queueChannel('s_a'))).toBe(0);
    let n = 0;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) n++;
    expect(n).toBeGreaterThan(30);
    expect(n).toBeLessThan(41);
  });
});
