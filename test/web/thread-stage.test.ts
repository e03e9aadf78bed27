import { describe, expect, it } from 'vitest';
import { messageTime } from '../../src/web/client/message-time.js';
import { arrivedLate, notSeenByOtherSide, threadStage } from '../../src/web/client/thread-stage.js';

// The asker's thread screen: where the consultation stands, which of the asker's messages had not
// reached the psychologist, what arrived late, and message times (issue 12 point 3).

const mine = (seq: number, read = 0) => ({ seq, mine: true, read });
const theirs = (seq: number, read: number) => ({ seq, mine: false, read });
const claim = (seq: number) => ({ seq, type: 'claim' as const });

describe('threadStage', () => {
  it('follows the thread: waiting, taken, replied, taken again when the asker writes, closed', () => {
    const base = { status: 'open' as const, holderRevoked: false, events: [], messages: [mine(1)] };
    expect(threadStage(base)).toBe('waiting');
    expect(threadStage({ ...base, events: [claim(2)] })).toBe('taken');
    expect(threadStage({ ...base, events: [claim(2)], messages: [mine(1), theirs(3, 2)] })).toBe('replied');
    expect(threadStage({ ...base, events: [claim(2)], messages: [mine(1), theirs(3, 2), mine(4)] })).toBe('taken');
    expect(threadStage({ ...base, status: 'closed', events: [claim(2)] })).toBe('closed');
    expect(threadStage({ ...base, status: 'assigned', holderRevoked: true, events: [claim(2)] })).toBe('revoked');
  });

  it('takes the server\'s status only until the transcript says who holds it', () => {
    const base = { holderRevoked: false, messages: [mine(1)] };
    // A claim announced by the server before its item arrived.
    expect(threadStage({ ...base, status: 'assigned', events: [] })).toBe('taken');
    // Returned to the pool (signed by the asker): waiting, whatever a stale status said.
    expect(threadStage({ ...base, status: 'assigned', events: [claim(2), { seq: 3, type: 'return' }] })).toBe('waiting');
    expect(threadStage({ ...base, status: 'open', events: [claim(2), { seq: 3, type: 'return' }, claim(4)] })).toBe('taken');
  });
});

describe('notSeenByOtherSide', () => {
  it('marks the asker\'s messages the newest later reply had not read', () => {
    // 1 mine, 2 claim, 3 mine, 4 mine, 5 reply that read only up to 2, 6 mine (no reply after it yet).
    expect([...notSeenByOtherSide([mine(1), mine(3), mine(4), theirs(5, 2), mine(6)])]).toEqual([4, 3]);
    // A later reply that read them clears them.
    expect([...notSeenByOtherSide([mine(1), mine(3), theirs(5, 2), theirs(7, 6), mine(6)])]).toEqual([]);
    expect([...notSeenByOtherSide([mine(1)])]).toEqual([]);
  });
});

describe('arrivedLate', () => {
  it('is a reply shown after one of the asker\'s with a higher number', () => {
    expect(arrivedLate(theirs(3, 1), [mine(1), mine(4)])).toBe(true);
    expect(arrivedLate(theirs(3, 1), [mine(1)])).toBe(false);
    expect(arrivedLate(mine(5), [mine(1), mine(6)])).toBe(false);
  });
});

describe('messageTime', () => {
  const words = { today: (t: string) => `today ${t}`, yesterday: (t: string) => `yesterday ${t}` };
  const at = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => new Date(y, mo - 1, d, h, mi, s, 0).getTime();
  it('says today or yesterday, else the date; never finer than the minute', () => {
    const now = at(2026, 3, 10, 15, 0);
    const today = messageTime(at(2026, 3, 10, 9, 5, 42), 'en-GB', words, now);
    expect(today.text).toBe('today 09:05');
    expect(today.datetime).toBe(new Date(at(2026, 3, 10, 9, 5)).toISOString().replace(':00.000Z', 'Z'));
    expect(today.datetime).not.toMatch(/:\d\d:\d\d/);
    expect(messageTime(at(2026, 3, 9, 23, 59), 'en-GB', words, now).text).toBe('yesterday 23:59');
    expect(messageTime(at(2026, 3, 8, 8, 0), 'ru', words, now).text).toBe('08.03.2026, 08:00');
  });
});
