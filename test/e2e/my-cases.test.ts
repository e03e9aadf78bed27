import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MyThreadsEvent, StaffClient } from '../../src/client/index.js';
import type { ThreadSummary } from '../../src/protocol/api/threads.js';
import { startServer, type TestServer } from '../support/server.js';

// "My cases", live (issue 14, point 2): the psychologist who opened cases follows each one's
// status over one stream (GET /api/my-threads/events) as a supervisor claims, answers, hands over,
// leaves and closes it; a supervisor's stream loses a case they hand over and a colleague's gains
// it; nobody else hears of it. Hand-overs of a case go to supervisors only, in the SDK as on the server.

let s: TestServer;
let psy: StaffClient;
let otherPsy: StaffClient;
let sup: StaffClient;
let sup2: StaffClient;
let admin: StaffClient;
const any = z.unknown();

beforeAll(async () => {
  s = await startServer();
  admin = await s.addStaff(['admin'], ['ru'], 'mc-admin');
  psy = await s.addStaff(['psychologist'], ['ru'], 'mc-psy');
  otherPsy = await s.addStaff(['school-psychologist'], ['ru'], 'mc-school');
  sup = await s.addStaff(['supervisor'], ['ru'], 'mc-sup');
  sup2 = await s.addStaff(['supervisor'], ['ru'], 'mc-sup-2');
});
afterAll(async () => { await s.stop(); });

/** Follows a member's own threads; `until(list)` resolves once the list as the events built it passes. */
function follow(client: StaffClient) {
  const abort = new AbortController();
  const seen: MyThreadsEvent[] = [];
  const list = new Map<string, ThreadSummary>();
  let waiter: { test: (l: Map<string, ThreadSummary>) => boolean; resolve: () => void } | null = null;
  // Rejects when the server stops at the end of the file: nothing to report then.
  client.followMyThreads({
    signal: abort.signal,
    onEvent: (e) => {
      seen.push(e);
      if (e.type === 'snapshot') { list.clear(); for (const th of e.threads) list.set(th.id, th); }
      else if (e.type === 'thread') list.set(e.thread.id, e.thread);
      else list.delete(e.id);
      if (waiter?.test(list)) { waiter.resolve(); waiter = null; }
    },
  }).catch(() => undefined);
  return {
    seen, list, stop: () => abort.abort(),
    until: (test: (l: Map<string, ThreadSummary>) => boolean) => new Promise<void>((resolve, reject) => {
      if (test(list)) return resolve();
      const timer = setTimeout(() => reject(new Error(`not reached: ${JSON.stringify([...list.values()])}`)), 3000);
      waiter = { test, resolve: () => { clearTimeout(timer); resolve(); } };
    }),
  };
}

describe('my cases, live', () => {
  it('follow a case from waiting to a supervisor, a reply, a hand-over and closing; only those taking part hear of it', async () => {
    const mine = follow(psy);
    const other = follow(otherPsy);
    const sup2Own = follow(sup2);
    await mine.until((l) => l.size === 0);
    const id = await psy.openCase({ topic: 'grief', language: 'ru', urgency: 'soon' });
    await mine.until((l) => l.get(id)?.status === 'open');
    await psy.send(id, 'Клиентка потеряла мать, третий месяц не спит');
    await mine.until((l) => l.get(id)?.lastSeq === 1);
    const supOwn = follow(sup);
    await supOwn.until(() => true);
    await sup.claim(id);
    await mine.until((l) => l.get(id)?.status === 'assigned' && l.get(id)?.assignedStaffId === sup.id);
    await supOwn.until((l) => l.get(id)?.status === 'assigned');
    await sup.send(id, 'Что она сама говорит о сне?');
    await mine.until((l) => l.get(id)?.lastSeq === 3);
    // The hand-over pool is the supervisors': the SDK refuses a psychologist before K leaves.
    await expect(sup.handover(id, psy.id)).rejects.toMatchObject({ name: 'ApiError', status: 0 });
    await sup.handover(id, sup2.id);
    await mine.until((l) => l.get(id)?.assignedStaffId === sup2.id);
    await supOwn.until((l) => !l.has(id));
    await sup2Own.until((l) => l.get(id)?.assignedStaffId === sup2.id);
    await psy.close(id);
    await mine.until((l) => l.get(id)?.status === 'closed');
    expect(supOwn.seen.at(-1)).toEqual({ type: 'gone', id });
    expect(other.seen).toEqual([{ type: 'snapshot', threads: [] }]);
    for (const f of [mine, other, supOwn, sup2Own]) f.stop();
  });

  it('shows the opener that the supervisor holding a case left, and the case back in the pool after "find another supervisor"', async () => {
    const mine = follow(psy);
    const id = await psy.openCase({ topic: 'other', language: 'ru', urgency: 'routine' });
    await sup.claim(id);
    await mine.until((l) => l.get(id)?.status === 'assigned');
    await admin.api(any, 'POST', `/api/admin/staff/${sup.id}/disable`);
    await mine.until((l) => l.get(id)?.holderRevoked === true);
    await s.addStaff(['supervisor'], ['ru'], 'mc-sup-3'); // the next manifest leaves the disabled one out
    await psy.returnToPool(id);
    await mine.until((l) => l.get(id)?.status === 'open' && !l.get(id)?.holderRevoked);
    expect((await sup2.queue()).map((th) => th.id)).toContain(id);
    mine.stop();
  });

  it('ends at once when the member logs out everywhere', async () => {
    const client = await s.addStaff(['psychologist'], ['ru'], 'mc-leaving');
    const done = client.followMyThreads({ onEvent: () => undefined });
    await new Promise((r) => setTimeout(r, 50));
    await client.logoutEverywhere();
    await expect(done).resolves.toBeUndefined();
  });
});
