import { describe, expect, it } from 'vitest';
import { ThreadEvents, type ThreadEvent } from '../../src/threads/events.js';

describe('thread events on shutdown', () => {
  it('tells every open stream to end, and a stream that starts afterwards at once', () => {
    const events = new ThreadEvents();
    const heard: [string, ThreadEvent][] = [];
    events.subscribe('t1', (e) => heard.push(['a', e]));
    events.subscribe('t2', (e) => heard.push(['b', e]));
    events.close();
    expect(heard).toEqual([['a', { type: 'closing' }], ['b', { type: 'closing' }]]);
    const late: ThreadEvent[] = [];
    const stop = events.subscribe('t1', (e) => late.push(e));
    expect(late).toEqual([{ type: 'closing' }]);
    expect(events.listenerCount('t3')).toBe(0);
    stop();
  });
});
