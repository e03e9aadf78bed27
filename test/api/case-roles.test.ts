import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../../src/protocol/encoding.js';
import { loadSodium } from '../../src/protocol/sodium.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker, type TestAsker } from '../support/asker.js';
import { createStaff, type TestStaff } from '../support/staff.js';
import { draftThread, recipientOf, TranscriptWriter, type DraftOptions, type Recipient, type Signer } from '../support/transcript.js';

// Case supervision's roles, enforced by the server whatever a console shows (issue 14, point 2):
// a school psychologist opens cases and reads their own, and nothing else: no consultation queue,
// no consultation sealed to, claimed by or handed to them, no knowledge moderation; a case is read
// by its opener and the supervisor pool (then its holder) only, and handed over to supervisors only.

const sodium = await loadSodium();
const org = sodium.crypto_sign_seed_keypair(sha256(utf8('tynys case roles test organisation key')));

let t: TestContext;
let asker: TestAsker;
let psy: TestStaff;
let school: TestStaff;
let otherSchool: TestStaff;
let sup: TestStaff;
let sup2: TestStaff;

beforeEach(async () => {
  t = await createTestApp({ ORG_PUBLIC_KEY: toBase64Url(org.publicKey) });
  asker = await mintAsker(t);
  psy = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
  school = await createStaff(t, { roles: ['school-psychologist'], languages: ['ru'] });
  otherSchool = await createStaff(t, { roles: ['school-psychologist'], languages: ['ru'] });
  sup = await createStaff(t, { roles: ['supervisor'], languages: ['ru'] });
  sup2 = await createStaff(t, { roles: ['supervisor'], languages: ['ru'], orgPrivateKey: org.privateKey });
});
afterEach(() => t.close());

const signer = (s: TestStaff): Signer => ({ id: s.staffId, box: s.box, sign: s.sign });
const askerSigner: () => Signer = () => ({ id: asker.identityId, box: asker.keys.box, sign: asker.keys.sign });
const pool = (...members: TestStaff[]): Recipient[] => members.map((m) => recipientOf(signer(m)));
const code = (res: { status: number; body: { error?: { code: string } } }) => [res.status, res.body.error?.code ?? 'ok'];

async function open(by: Signer, token: string, recipients: Recipient[], options: DraftOptions = {}) {
  const draft = draftThread(t.sodium, by, recipients, options);
  const res = await t.call('POST', '/api/threads', { token, json: draft.body });
  return { res, id: draft.threadId, w: new TranscriptWriter(t.sodium, draft) };
}

/** What a caller gets for each way of reading or acting on a thread. */
async function reach(token: string, id: string): Promise<(string | number)[][]> {
  const events = await t.app.request(`/api/threads/${id}/events`, { headers: { authorization: `Bearer ${token}` } });
  return [
    code(await t.call('GET', `/api/threads/${id}`, { token })),
    code(await t.call('GET', `/api/threads/${id}/items`, { token })),
    code(await t.call('POST', `/api/threads/${id}/close`, { token })),
    [events.status, ((await events.json()) as { error: { code: string } }).error.code],
  ];
}
const NOT_FOUND = Array.from({ length: 4 }, () => [404, 'thread_not_found']);

describe('school psychologists', () => {
  it('have no consultation queue and no knowledge moderation', async () => {
    const token = school.token;
    expect(code(await t.call('GET', '/api/queue', { token }))).toEqual([403, 'forbidden']);
    expect((await t.app.request('/api/queue/events', { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    expect(code(await t.call('GET', '/api/moderation/queue?queue=submitted', { token }))).toEqual([403, 'forbidden']);
    expect(code(await t.call('GET', '/api/moderation/queue?queue=accepted', { token }))).toEqual([403, 'forbidden']);
    expect(code(await t.call('GET', `/api/moderation/entries/e_${'A'.repeat(22)}`, { token }))).toEqual([403, 'forbidden']);
    expect(code(await t.call('GET', '/api/moderation/log', { token }))).toEqual([403, 'forbidden']);
    // Their own list answers, with nothing in it yet.
    expect((await t.call('GET', '/api/threads', { token })).body).toEqual({ threads: [] });
  });

  it('are never given, never claim and never receive a consultation', async () => {
    // An asker's client that names a school psychologist in the intake pool is refused.
    expect(code((await open(askerSigner(), asker.token, pool(psy, school))).res)).toEqual([400, 'invalid_recipients']);
    const { res, id, w } = await open(askerSigner(), asker.token, pool(psy));
    expect(res.status).toBe(201);
    // Not in the pool: the claim is answered as for a thread that does not exist.
    expect(code(await t.call('POST', `/api/threads/${id}/claim`, { token: school.token, json: w.claim(signer(school)).body }))).toEqual([404, 'thread_not_found']);
    expect(await reach(school.token, id)).toEqual(NOT_FOUND);
    const claim = w.claim(signer(psy));
    expect((await t.call('POST', `/api/threads/${id}/claim`, { token: psy.token, json: claim.body })).status).toBe(200);
    w.advance(claim);
    expect(code(await t.call('POST', `/api/threads/${id}/handover`, { token: psy.token, json: w.handover(signer(psy), recipientOf(signer(school))).body })))
      .toEqual([400, 'invalid_recipients']);
    expect(await reach(school.token, id)).toEqual(NOT_FOUND);
  });

  it('read their own cases and not another\'s; a case is handed over to supervisors only', async () => {
    const { res, id, w } = await open(signer(school), school.token, pool(sup, sup2), { kind: 'case', topic: 'violence' });
    expect(res.body).toMatchObject({ kind: 'case', status: 'open' });
    const first = w.message(signer(school), 'Ученица 9 класса, жалобы на травлю');
    expect((await t.call('POST', `/api/threads/${id}/messages`, { token: school.token, json: first.body })).status).toBe(201);
    w.advance(first);
    // Another school psychologist, and a psychologist, reach nothing of it; nor does their list show it.
    expect(await reach(otherSchool.token, id)).toEqual(NOT_FOUND);
    expect(await reach(psy.token, id)).toEqual(NOT_FOUND);
    expect((await t.call('GET', '/api/threads', { token: otherSchool.token })).body.threads).toEqual([]);
    expect((await t.call('GET', '/api/queue', { token: psy.token })).body.threads).toEqual([]);
    expect((await t.call('GET', '/api/queue', { token: sup2.token })).body.threads.map((x: { id: string }) => x.id)).toEqual([id]);
    const claim = w.claim(signer(sup));
    expect((await t.call('POST', `/api/threads/${id}/claim`, { token: sup.token, json: claim.body })).status).toBe(200);
    w.advance(claim);
    // Claimed: the other supervisor's key is dropped, so they reach nothing either.
    expect(await reach(sup2.token, id)).toEqual(NOT_FOUND);
    // Hand-overs go to the pool of the thread's kind: not to a psychologist, not to a school psychologist.
    for (const to of [psy, otherSchool]) {
      expect(code(await t.call('POST', `/api/threads/${id}/handover`, { token: sup.token, json: w.handover(signer(sup), recipientOf(signer(to))).body })))
        .toEqual([400, 'invalid_recipients']);
    }
    const handover = w.handover(signer(sup), recipientOf(signer(sup2)));
    expect(code(await t.call('POST', `/api/threads/${id}/handover`, { token: sup.token, json: handover.body }))).toEqual([200, 'ok']);
    expect((await t.call('GET', `/api/threads/${id}`, { token: school.token })).body).toMatchObject({ status: 'assigned', assignedStaffId: sup2.staffId });
  });
});
