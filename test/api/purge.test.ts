import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identities, kbEntries, sessions } from '../../db/schema.js';
import { fromBase64Url, toBase64Url } from '../../src/protocol/encoding.js';
import { solveProofOfWork } from '../../src/protocol/pow.js';
import { purgeExpired } from '../../src/purge.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';
import { createStaff } from '../support/staff.js';

let t: TestContext;
beforeEach(async () => { t = await createTestApp({ RETENTION_DAYS: 30 }); });
afterEach(() => t.close());

const DAY = 86_400_000;

describe('retention purge', () => {
  it('removes expired sessions and identities idle past the retention period, and nothing else', async () => {
    const idle = await mintAsker(t);
    t.clock.now += 20 * DAY;
    const active = await mintAsker(t);
    t.clock.now += 11 * DAY; // idle: 31 days unseen; active: 11 days
    const counts = purgeExpired(t.db, t.config, t.clock.now);
    expect(counts.identities).toBe(1);
    expect(counts.sessions).toBeGreaterThanOrEqual(1);
    expect(t.db.select({ id: identities.id }).from(identities).all()).toEqual([{ id: active.identityId }]);
    expect(t.db.select().from(sessions).all().every((s) => s.identityId !== idle.identityId)).toBe(true);
  });

  it('counts a session use as activity, by the day', async () => {
    const asker = await mintAsker(t);
    for (let day = 0; day < 60; day += 10) {
      t.clock.now += 10 * DAY;
      // A fresh session each time (sessions expire sooner than identities).
      const login = await t.call('POST', '/api/identities/sessions', { json: { authKey: toBase64Url(asker.keys.authKey) } });
      expect(login.status).toBe(201);
      purgeExpired(t.db, t.config, t.clock.now);
    }
    expect(t.db.select().from(identities).all()).toHaveLength(1);
  });

  it('removes rejected questions and retired entries after the retention period, and keeps published ones', async () => {
    const asker = await mintAsker(t);
    const moderator = await createStaff(t, { roles: ['moderator'] });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ch = await t.call('POST', '/api/pow/challenges', { json: { purpose: 'question' } });
      const pow = { challenge: ch.body.challenge, counter: solveProofOfWork(fromBase64Url(ch.body.challenge)!, ch.body.bits)! };
      const q = await t.call('POST', '/api/kb/questions', { token: asker.token, json: { title: 'Вопрос о сне', body: 'Не могу уснуть уже месяц.', language: 'ru', pow } });
      ids.push(q.body.id);
    }
    await t.call('POST', `/api/moderation/entries/${ids[0]}/reject`, { token: moderator.token, json: { reason: 'spam' } });
    t.clock.now += 29 * DAY;
    await t.call('POST', '/api/identities/sessions', { json: { authKey: toBase64Url(asker.keys.authKey) } }); // still active
    expect(purgeExpired(t.db, t.config, t.clock.now).questions).toBe(0);
    t.clock.now += 2 * DAY;
    expect(purgeExpired(t.db, t.config, t.clock.now).questions).toBe(1);
    expect(t.db.select({ id: kbEntries.id }).from(kbEntries).all()).toEqual([{ id: ids[1] }]);

    // Retired entries expire the same way, counted from the retirement (fresh staff sessions: a month has passed).
    const psychologist = await createStaff(t, { roles: ['psychologist'] });
    const moderator1 = await createStaff(t, { roles: ['moderator'] });
    const moderator2 = await createStaff(t, { roles: ['moderator'] });
    await t.call('POST', `/api/moderation/entries/${ids[1]}/accept`, { token: moderator1.token, json: { title: 'Вопрос о сне', body: 'Не могу уснуть уже месяц.', tags: ['sleep'] } });
    await t.call('POST', `/api/moderation/entries/${ids[1]}/answer`, { token: psychologist.token, json: { answer: 'Режим сна и консультация психолога.' } });
    expect((await t.call('POST', `/api/moderation/entries/${ids[1]}/publish`, { token: moderator2.token, json: {} })).status).toBe(200);
    expect((await t.call('POST', `/api/moderation/entries/${ids[1]}/retire`, { token: moderator1.token, json: { reason: 'outdated' } })).body.status).toBe('retired');
    t.clock.now += 29 * DAY;
    expect(purgeExpired(t.db, t.config, t.clock.now).questions).toBe(0);
    t.clock.now += 2 * DAY;
    expect(purgeExpired(t.db, t.config, t.clock.now).questions).toBe(1);
    expect(t.db.select({ id: kbEntries.id }).from(kbEntries).all()).toEqual([]);
  });
});
