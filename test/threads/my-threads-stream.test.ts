import { describe, expect, it } from 'vitest';
import type { ThreadSummary } from '../../src/protocol/api/threads.js';
import { ownThreadsChannel, ThreadEvents } from '../../src/threads/events.js';
import { myThreadsEventStream, type MyThreadsStreamOptions } from '../../src/threads/my-threads-stream.js';

const summary = (id: string, over: Partial<ThreadSummary> = {}): ThreadSummary => ({
  id, kind: 'case', topic: 'other', language: 'ru', urgency: 'routine', status: 'open', assignedStaffId: null, holderRevoked: false, lastSeq: 0, createdAt: 0, ...over,
});
const tick = () => new Promise((r) => setTimeout(r, 5));

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ event: string; data: Record<string, unknown> }[]> {
  let text = '';
  const reader = stream.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
  return text.split('\n\n').filter((b) => b.startsWith('event:')).map((b) => {
    const [event, data] = b.split('\n');
    return { event: event!.slice('event: '.length), data: JSON.parse(data!.slice('data: '.length)) as Record<string, unknown> };
  });
}

/** A stream over `rows` (the database as current() reads it), with every option overridable. */
function stream(events: ThreadEvents, rows: Map<string, ThreadSummary>, options: Partial<MyThreadsStreamOptions> = {}) {
  return myThreadsEventStream({
    owner: 's_me', events, heartbeatMs: 60_000, onError: (err) => { throw err; },
    snapshot: () => [...rows.values()], current: (id) => rows.get(id) ?? null, stillAllowed: () => true, ...options,
  });
}

describe('own-threads event stream', () => {
  it('starts with the list, writes a thread again when it changes, once per change, and gone when it is no longer the caller\'s', async () => {
    const events = new ThreadEvents();
    const rows = new Map([['t_1', summary('t_1')], ['t_old', summary('t_old', { status: 'closed' })]]);
    const out = readAll(stream(events, rows));
    await tick();
    // Followed: the open thread, not the closed one.
    expect(events.listenerCount('t_1')).toBe(1);
    expect(events.listenerCount('t_old')).toBe(0);
    rows.set('t_1', summary('t_1', { status: 'assigned', assignedStaffId: 's_sup', lastSeq: 1 }));
    events.publish('t_1', { type: 'status', thread: rows.get('t_1')! });
    // The item that came with the claim changes nothing more: not written twice.
    events.publish('t_1', { type: 'item', item: { seq: 1, type: 'claim', senderId: 's_sup', prevHash: 'x', signature: 'y', createdAt: 0 } });
    await tick();
    // A thread the caller newly takes part in, told on their own channel, is followed from then on.
    rows.set('t_2', summary('t_2'));
    events.publish(ownThreadsChannel('s_me'), { type: 'status', thread: rows.get('t_2')! });
    events.publish(ownThreadsChannel('s_other'), { type: 'status', thread: summary('t_3') });
    await tick();
    expect(events.listenerCount('t_2')).toBe(1);
    rows.delete('t_1');
    events.publish('t_1', { type: 'erased' });
    await tick();
    expect(events.listenerCount('t_1')).toBe(0);
    events.close();
    const written = await out;
    expect(written.map((e) => e.event)).toEqual(['snapshot', 'thread', 'thread', 'gone']);
    expect((written[0]!.data.threads as ThreadSummary[]).map((th) => th.id)).toEqual(['t_1', 't_old']);
    expect(written[1]!.data.thread).toMatchObject({ id: 't_1', status: 'assigned', lastSeq: 1 });
    expect(written[2]!.data.thread).toMatchObject({ id: 't_2' });
    expect(written[3]!.data).toEqual({ type: 'gone', id: 't_1' });
    expect(events.listenerCount('t_2') + events.listenerCount(ownThreadsChannel('s_me'))).toBe(0);
  });

  it('ends before writing when access is gone, and at once on a recheck', async () => {
    const events = new ThreadEvents();
    const rows = new Map([['t_1', summary('t_1')]]);
    let allowed = true;
    const out = readAll(stream(events, rows, { stillAllowed: () => allowed }));
    await tick();
    allowed = false;
    rows.set('t_1', summary('t_1', { status: 'closed' }));
    events.publish('t_1', { type: 'status', thread: rows.get('t_1')! });
    expect((await out).map((e) => e.event)).toEqual(['snapshot']);
    expect(events.listenerCount('t_1')).toBe(0);
    // A recheck with no change: ends without waiting for the heartbeat.
    allowed = true;
    const second = readAll(stream(events, rows, { stillAllowed: () => allowed }));
    await tick();
    allowed = false;
    events.recheck('s_me');
    expect((await second).map((e) => e.event)).toEqual(['snapshot']);
  });
});
