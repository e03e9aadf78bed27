import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identities, sessions } from '../../db/schema.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { purgeExpired } from '../../src/purge.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';

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
});
