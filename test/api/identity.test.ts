import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { identities, sessions } from '../../db/schema.js';
import { fromBase64Url, toBase64Url } from '../../src/protocol/encoding.js';
import { checkProofOfWork, solveProofOfWork } from '../../src/protocol/pow.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';

let t: TestContext;
beforeEach(async () => { t = await createTestApp(); });
afterEach(() => t.close());

const HOUR = 3_600_000;
const b64 = (n: number, fill = 1) => toBase64Url(new Uint8Array(n).fill(fill));

describe('anonymous identities', () => {
  it('mints an identity with a proof of work and stores only a keyed hash of the auth key', async () => {
    const asker = await mintAsker(t);
    const me = await t.call('GET', '/api/identities/me', { token: asker.token });
    expect(me.status).toBe(200);
    expect(me.body.identityId).toBe(asker.identityId);
    expect(me.body.signPublicKey).toBe(toBase64Url(asker.keys.sign.publicKey));
    const row = t.db.select().from(identities).where(eq(identities.id, asker.identityId)).get()!;
    expect(Buffer.from(row.authHash).equals(Buffer.from(asker.keys.authKey))).toBe(false);
    expect(Buffer.from(row.authHash).equals(Buffer.from(t.pepper.hash('identity-auth', asker.keys.authKey)))).toBe(true);
  });

  it('refuses a wrong, reused or cross-purpose proof of work', async () => {
    const ch = await t.call('POST', '/api/pow/challenges', { json: { purpose: 'identity' } });
    const raw = fromBase64Url(ch.body.challenge)!;
    const counter = solveProofOfWork(raw, ch.body.bits)!;
    let wrong = 0;
    while (checkProofOfWork(raw, wrong, ch.body.bits)) wrong++;
    const body = (c: number, authFill: number) => ({ authKey: b64(32, authFill), boxPublicKey: b64(32), signPublicKey: b64(32), pow: { challenge: ch.body.challenge, counter: c } });

    const bad = await t.call('POST', '/api/identities', { json: body(wrong, 2) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_proof_of_work');
    expect((await t.call('POST', '/api/identities', { json: body(counter, 3) })).status).toBe(201);
    const replay = await t.call('POST', '/api/identities', { json: body(counter, 4) });
    expect(replay.body.error.code).toBe('invalid_proof_of_work');

    const question = await t.call('POST', '/api/pow/challenges', { json: { purpose: 'question' } });
    const qCounter = solveProofOfWork(fromBase64Url(question.body.challenge)!, question.body.bits)!;
    const crossPurpose = await t.call('POST', '/api/identities', { json: { ...body(0, 5), pow: { challenge: question.body.challenge, counter: qCounter } } });
    expect(crossPurpose.body.error.code).toBe('invalid_proof_of_work');

    const forged = ch.body.challenge.slice(0, -2) + (ch.body.challenge.endsWith('AA') ? 'AB' : 'AA');
    const forgedRes = await t.call('POST', '/api/identities', { json: { ...body(0, 6), pow: { challenge: forged, counter: 0 } } });
    expect(forgedRes.body.error.code).toBe('invalid_proof_of_work');
    expect(t.db.select().from(identities).all()).toHaveLength(1);
  });

  it('logs in again from the auth key, logs out, and logs out everywhere', async () => {
    const asker = await mintAsker(t);
    const again = await t.call('POST', '/api/identities/sessions', { json: { authKey: toBase64Url(asker.keys.authKey) } });
    expect(again.status).toBe(201);
    expect(again.body.identityId).toBe(asker.identityId);
    expect(again.body.token).not.toBe(asker.token);

    const out = await t.call('DELETE', '/api/sessions/current', { token: asker.token });
    expect(out.status).toBe(200);
    expect((await t.call('GET', '/api/identities/me', { token: asker.token })).status).toBe(401);
    expect((await t.call('GET', '/api/identities/me', { token: again.body.token })).status).toBe(200);

    await t.call('POST', '/api/identities/sessions', { json: { authKey: toBase64Url(asker.keys.authKey) } });
    expect((await t.call('DELETE', '/api/identities/me/sessions', { token: again.body.token })).status).toBe(200);
    expect(t.db.select().from(sessions).all()).toHaveLength(0);

    const wrong = await t.call('POST', '/api/identities/sessions', { json: { authKey: b64(32, 9) } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  // Session times are kept to the hour (DESIGN §2.9): both windows count from the end of the
  // recorded hour, so a session lives at least as long as configured and at most an hour more.
  it('expires sessions after the idle window and the absolute lifetime, counted from the end of the recorded hour', async () => {
    const idleMs = t.config.SESSION_IDLE_MINUTES * 60_000;
    const absoluteMs = t.config.SESSION_ABSOLUTE_HOURS * HOUR;
    const asker = await mintAsker(t);
    t.clock.now += idleMs - 1;
    expect((await t.call('GET', '/api/identities/me', { token: asker.token })).status).toBe(200);
    t.clock.now += idleMs + HOUR;
    expect((await t.call('GET', '/api/identities/me', { token: asker.token })).status).toBe(401);

    const again = await t.call('POST', '/api/identities/sessions', { json: { authKey: toBase64Url(asker.keys.authKey) } });
    expect(again.body.expiresAt % HOUR).toBe(0);
    expect(again.body.expiresAt - t.clock.now).toBeGreaterThanOrEqual(absoluteMs);
    expect(again.body.expiresAt - t.clock.now).toBeLessThanOrEqual(absoluteMs + HOUR);
    const step = idleMs / 2;
    for (let elapsed = 0; elapsed < absoluteMs; elapsed += step) {
      t.clock.now += step;
      const r = await t.call('GET', '/api/identities/me', { token: again.body.token });
      if (r.status === 401) {
        expect(elapsed + step).toBeGreaterThanOrEqual(absoluteMs);
        return;
      }
    }
    t.clock.now += HOUR;
    expect((await t.call('GET', '/api/identities/me', { token: again.body.token })).status).toBe(401);
  });

  it('keeps a short-idle session alive while it is used, writing its last use once an hour', async () => {
    const short = await createTestApp({ SESSION_IDLE_MINUTES: 5 });
    try {
      short.clock.now = Math.floor(short.clock.now / HOUR) * HOUR + 7 * 60_000 + 123;
      const asker = await mintAsker(short);
      const lastUsed = () => short.db.select({ at: sessions.lastUsedAt }).from(sessions).where(eq(sessions.identityId, asker.identityId)).get()!.at;
      expect(lastUsed() % HOUR).toBe(0);
      for (let minute = 4; minute <= 120; minute += 4) {
        short.clock.now += 4 * 60_000;
        expect((await short.call('GET', '/api/identities/me', { token: asker.token })).status).toBe(200);
      }
      expect(lastUsed()).toBe(Math.floor(short.clock.now / HOUR) * HOUR);
      // The next hour's first use writes it; a use later in that hour writes nothing, and finds the
      // session alive though 50 minutes passed: the last use is known to the hour only.
      short.clock.now = Math.floor(short.clock.now / HOUR) * HOUR + HOUR + 3 * 60_000;
      expect((await short.call('GET', '/api/identities/me', { token: asker.token })).status).toBe(200);
      const recorded = lastUsed();
      const writes = () => short.db.$client.prepare('SELECT total_changes()').pluck().get() as number;
      const before = writes();
      short.clock.now += 50 * 60_000;
      expect((await short.call('GET', '/api/identities/me', { token: asker.token })).status).toBe(200);
      expect(writes()).toBe(before);
      expect(lastUsed()).toBe(recorded);
      // Idle: 5 minutes past the end of the recorded hour.
      short.clock.now = recorded + HOUR + 5 * 60_000;
      expect((await short.call('GET', '/api/identities/me', { token: asker.token })).status).toBe(401);
    } finally {
      short.close();
    }
  });

  it('erases the identity and its sessions in one call', async () => {
    const asker = await mintAsker(t);
    expect((await t.call('DELETE', '/api/identities/me', { token: asker.token })).status).toBe(200);
    expect(t.db.select().from(identities).all()).toHaveLength(0);
    expect(t.db.select().from(sessions).all()).toHaveLength(0);
    const login = await t.call('POST', '/api/identities/sessions', { json: { authKey: toBase64Url(asker.keys.authKey) } });
    expect(login.status).toBe(401);
  });

  it('answers bad input with 400 and the failing paths, never the values', async () => {
    const secretLooking = 'SENTINEL_VALUE_' + 'x'.repeat(20);
    const res = await t.call('POST', '/api/identities', { json: { authKey: secretLooking, boxPublicKey: 5 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['authKey', 'boxPublicKey', 'pow']));
    expect(JSON.stringify(res.body)).not.toContain('SENTINEL_VALUE');
    expect(t.db.select().from(identities).all()).toHaveLength(0);
  });
});
