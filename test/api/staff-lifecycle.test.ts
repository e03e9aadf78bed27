import { sha256 } from '@noble/hashes/sha2.js';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staff, staffAuditLog, threadKeys } from '../../db/schema.js';
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from '../../src/protocol/encoding.js';
import { deriveStaffSecrets } from '../../src/protocol/kdf.js';
import { loadSodium } from '../../src/protocol/sodium.js';
import { wrapKeyBundle } from '../../src/protocol/key-bundle.js';
import type { KnownStaff } from '../../src/protocol/transcript.js';
import { CLI_ACTOR } from '../../src/staff/audit-log.js';
import { activeStaff, disableStaff, type LifecycleDeps } from '../../src/staff/lifecycle.js';
import { createInvite } from '../../src/staff/service.js';
import { postItem } from '../../src/threads/items.js';
import { threadAccess } from '../../src/threads/revocation.js';
import { getThread } from '../../src/threads/service.js';
import { ThreadEvents } from '../../src/threads/events.js';
import type { SignaturePool } from '../../src/threads/signature-pool.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker, type TestAsker } from '../support/asker.js';
import { CHEAP_KDF, createStaff, staffSession, type TestStaff } from '../support/staff.js';
import { draftThread, recipientOf, TranscriptWriter, type Recipient, type Signer, type SignedItem } from '../support/transcript.js';

// The staff lifecycle (DESIGN.md §4, issue 11 point 3): disable, enable, remove, roles and
// languages, reset by a new invite, log out everywhere; what it does to sessions, live streams and
// the threads a member held; and the append-only audit log every act writes.

const org = (await loadSodium()).crypto_sign_seed_keypair(sha256(utf8('tynys lifecycle test organisation key')));

let t: TestContext;
let admin: TestStaff;
let asker: TestAsker;
let psyA: TestStaff;
let psyB: TestStaff;

beforeEach(async () => {
  t = await createTestApp({ ORG_PUBLIC_KEY: toBase64Url(org.publicKey) });
  asker = await mintAsker(t);
  admin = await createStaff(t, { roles: ['admin'] });
  psyA = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
  psyB = await createStaff(t, { roles: ['psychologist'], languages: ['ru'], orgPrivateKey: org.privateKey });
});
afterEach(() => t.close());

const code = (res: { status: number; body: { error?: { code: string } } }) => [res.status, res.body.error?.code ?? 'ok'];
const signer = (s: TestStaff | TestAsker): Signer => ('staffId' in s ? { id: s.staffId, box: s.box, sign: s.sign } : { id: s.identityId, box: s.keys.box, sign: s.keys.sign });
const adminCall = (method: string, path: string, json?: unknown) => t.call(method, path, { token: admin.token, ...(json === undefined ? {} : { json }) });
const auditRows = () => t.db.select().from(staffAuditLog).all();
const me = (token: string) => t.call('GET', '/api/staff/me', { token });

async function login(name: string, passphrase: string) {
  const pre = await t.call('POST', '/api/staff/prelogin', { json: { login: name } });
  const secrets = await deriveStaffSecrets(passphrase, fromBase64Url(pre.body.kdfSalt)!, pre.body.kdf);
  return t.call('POST', '/api/staff/sessions', { json: { login: name, authKey: toBase64Url(secrets.authKey) } });
}

/** A consultation from the asker to `pool` (psyA and psyB by default). */
async function open(pool: TestStaff[] = [psyA, psyB]) {
  const draft = draftThread(t.sodium, signer(asker), pool.map((s) => recipientOf(signer(s))));
  const res = await t.call('POST', '/api/threads', { token: asker.token, json: draft.body });
  return { res, id: draft.threadId, w: new TranscriptWriter(t.sodium, draft) };
}
async function send(w: TranscriptWriter, token: string, kind: 'messages' | 'claim' | 'handover', item: SignedItem) {
  const res = await t.call('POST', `/api/threads/${w.draft.threadId}/${kind}`, { token, json: item.body });
  if (res.status < 300) w.advance(item);
  return res;
}
/** A consultation psyA claimed. */
async function heldByA() {
  const thread = await open();
  expect((await send(thread.w, psyA.token, 'claim', thread.w.claim(signer(psyA)))).status).toBe(200);
  return thread;
}

/** Follows a thread's event stream; `ended` resolves with all it carried once the server ends it. */
async function follow(threadId: string, token: string) {
  const res = await t.app.request(`/api/threads/${threadId}/events`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let text = '';
  const ended = (async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
    return text;
  })();
  return { ended, text: () => text, cancel: () => reader.cancel() };
}
/** Rejects if `p` takes longer than `ms`: the heartbeat is 15 s, so an end within this is the prompt one. */
const within = <T>(p: Promise<T>, ms = 2_000): Promise<T> => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);
async function until(check: () => boolean, ms = 2_000): Promise<void> {
  for (const start = Date.now(); !check(); await new Promise((r) => setTimeout(r, 5))) if (Date.now() - start > ms) throw new Error('condition not met in time');
}

describe('disable and enable', () => {
  it('revokes every session at once, refuses login with account_disabled, leaves activeStaff; enable lets them log in again', async () => {
    const second = staffSession(t, psyA.staffId);
    const res = await adminCall('POST', `/api/admin/staff/${psyA.staffId}/disable`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ staffId: psyA.staffId, disabledAt: t.clock.now, roles: ['psychologist'], fingerprint: expect.stringMatching(/^[0-9a-f]{4}( [0-9a-f]{4}){4}$/) });
    for (const token of [psyA.token, second]) expect(code(await me(token))).toEqual([401, 'unauthorized']);
    expect(code(await login(psyA.login, psyA.passphrase))).toEqual([403, 'account_disabled']);
    // A wrong passphrase learns nothing about the account's state.
    expect(code(await login(psyA.login, 'not the passphrase'))).toEqual([401, 'invalid_credentials']);
    expect(activeStaff(t.db).map((r) => r.id)).not.toContain(psyA.staffId);
    expect(activeStaff(t.db).map((r) => r.id)).toContain(psyB.staffId);

    const enabled = await adminCall('POST', `/api/admin/staff/${psyA.staffId}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.body.disabledAt).toBeNull();
    expect((await login(psyA.login, psyA.passphrase)).status).toBe(201);
    expect(activeStaff(t.db).map((r) => r.id)).toContain(psyA.staffId);
    // A session that outlived a disable (a row restored, a delete that never landed) is refused too.
    const survivor = staffSession(t, psyA.staffId);
    t.db.$client.prepare('UPDATE staff SET disabled_at = 1 WHERE id = ?').run(psyA.staffId);
    expect(code(await me(survivor))).toEqual([401, 'unauthorized']);
    t.db.$client.prepare('UPDATE staff SET disabled_at = NULL WHERE id = ?').run(psyA.staffId);
    expect(auditRows().map((r) => [r.actor, r.action, r.subject])).toEqual([
      [admin.staffId, 'disabled', psyA.staffId], [admin.staffId, 'enabled', psyA.staffId],
    ]);
  });

  it('refuses bad requests with a code and changes nothing', async () => {
    const before = JSON.stringify(t.db.select().from(staff).all());
    expect(code(await adminCall('POST', `/api/admin/staff/${admin.staffId}/disable`))).toEqual([409, 'own_account']);
    expect(code(await adminCall('DELETE', `/api/admin/staff/${admin.staffId}`))).toEqual([409, 'own_account']);
    expect(code(await adminCall('POST', `/api/admin/staff/${admin.staffId}/reset`))).toEqual([409, 'own_account']);
    expect(code(await adminCall('PUT', `/api/admin/staff/${admin.staffId}`, { roles: ['moderator'], languages: ['ru'] }))).toEqual([409, 'own_account']);
    expect(code(await adminCall('POST', `/api/admin/staff/s_${'A'.repeat(22)}/disable`))).toEqual([404, 'staff_not_found']);
    expect(code(await adminCall('POST', `/api/admin/staff/${asker.identityId}/disable`))).toEqual([400, 'invalid_input']);
    expect(code(await adminCall('POST', `/api/admin/staff/${psyA.staffId}/enable`))).toEqual([409, 'not_disabled']);
    expect(code(await t.call('POST', `/api/admin/staff/${psyB.staffId}/disable`, { token: psyA.token }))).toEqual([403, 'forbidden']);
    expect(code(await t.call('GET', '/api/admin/staff-audit', { token: psyA.token }))).toEqual([403, 'forbidden']);
    expect(code(await t.call('GET', '/api/admin/staff'))).toEqual([401, 'unauthorized']);
    for (const body of [{ roles: [], languages: ['ru'] }, { roles: ['psychologist'], languages: ['de'] }, { roles: ['psychologist', 'psychologist'], languages: ['ru'] }, { roles: ['psychologist'] }]) {
      expect(code(await adminCall('PUT', `/api/admin/staff/${psyA.staffId}`, body))).toEqual([400, 'invalid_input']);
    }
    // The command line is no admin account: the last active admin is kept.
    const deps: LifecycleDeps = { db: t.db, pepper: t.pepper, threads: threadAccess(t.db, new ThreadEvents(), () => true) };
    expect(() => disableStaff(deps, CLI_ACTOR, admin.staffId, t.clock.now)).toThrow(expect.objectContaining({ code: 'last_admin' }));
    expect(JSON.stringify(t.db.select().from(staff).all())).toBe(before);
    expect(auditRows()).toEqual([]);
    expect((await me(admin.token)).status).toBe(200);

    expect((await adminCall('POST', `/api/admin/staff/${psyA.staffId}/disable`)).status).toBe(200);
    expect(code(await adminCall('POST', `/api/admin/staff/${psyA.staffId}/disable`))).toEqual([409, 'already_disabled']);
    expect(auditRows()).toHaveLength(1);
  });

  it('keeps a revocation the disk refused: the member is locked out though the disable answers 503', async () => {
    t.db.$client.pragma('query_only = 1');
    expect(code(await adminCall('POST', `/api/admin/staff/${psyA.staffId}/disable`))).toEqual([503, 'storage_unavailable']);
    expect(code(await me(psyA.token))).toEqual([401, 'unauthorized']);
    expect((await me(admin.token)).status).toBe(200);
    t.db.$client.pragma('query_only = 0');
    expect((await adminCall('POST', `/api/admin/staff/${psyA.staffId}/disable`)).status).toBe(200);
    expect(auditRows().map((r) => r.action)).toEqual(['disabled']);
  });
});

describe('threads of a disabled or removed member', () => {
  it('ends their open streams at once, tells the asker holderRevoked, and refuses the asker\'s next message', async () => {
    const { id, w } = await heldByA();
    const psyStream = await follow(id, psyA.token);
    const askerStream = await follow(id, asker.token);
    const pooled = await open(); // psyA follows a thread still in the pool too
    const poolStream = await follow(pooled.id, psyA.token);
    expect((await adminCall('POST', `/api/admin/staff/${psyA.staffId}/disable`)).status).toBe(200);
    // Both of psyA's streams end now, not at the 15-second heartbeat; neither carried the status.
    const [held, pool] = await within(Promise.all([psyStream.ended, poolStream.ended]));
    expect(held).not.toContain('event: status');
    expect(pool).not.toContain('event: status');
    await until(() => askerStream.text().includes('event: status'));
    const status = askerStream.text().split('\n\n').find((e) => e.startsWith('event: status'))!;
    expect(JSON.parse(status.split('\n')[1]!.slice('data: '.length))).toMatchObject({ id, status: 'assigned', assignedStaffId: psyA.staffId, holderRevoked: true });
    await askerStream.cancel();

    const list = await t.call('GET', '/api/threads', { token: asker.token });
    expect(list.body.threads.find((th: { id: string }) => th.id === id)).toMatchObject({ holderRevoked: true });
    expect(list.body.threads.find((th: { id: string }) => th.id === pooled.id)).toMatchObject({ status: 'open', holderRevoked: false });
    expect(code(await send(w, asker.token, 'messages', w.message(signer(asker))))).toEqual([409, 'holder_revoked']);

    // Enabled again, they hold it as before.
    expect((await adminCall('POST', `/api/admin/staff/${psyA.staffId}/enable`)).status).toBe(200);
    expect((await t.call('GET', `/api/threads/${id}`, { token: asker.token })).body.holderRevoked).toBe(false);
    expect((await send(w, asker.token, 'messages', w.message(signer(asker)))).status).toBe(201);
  });

  it('refuses a hand-over to a disabled colleague, and stores no thread key for a disabled pool member', async () => {
    const { w } = await heldByA();
    expect((await adminCall('POST', `/api/admin/staff/${psyB.staffId}/disable`)).status).toBe(200);
    // The signed directory still lists psyB until the next manifest; the server refuses anyway.
    expect(code(await send(w, psyA.token, 'handover', w.handover(signer(psyA), recipientOf(signer(psyB)))))).toEqual([400, 'invalid_recipients']);
    const fresh = await open();
    expect(fresh.res.status).toBe(201);
    expect(t.db.select().from(threadKeys).where(eq(threadKeys.threadId, fresh.id)).all().map((k) => k.principalId).sort()).toEqual([asker.identityId, psyA.staffId].sort());
    const onlyB = await open([psyB]);
    expect(code(onlyB.res)).toEqual([400, 'invalid_recipients']);
  });

  it('refuses a claim, a hand-over and a message by a disabled member, even one disabled while its signatures were checked', async () => {
    const verified = new Map([psyA, psyB].map((s): [string, KnownStaff] => [s.staffId, { id: s.staffId, roles: ['psychologist'], languages: ['ru'], boxPublicKey: s.box.publicKey, signPublicKey: s.sign.publicKey }]));
    // The lookup the thread routes give postItem: the verified entry, while the member is active.
    const lookup = (id: string) => (t.db.select().from(staff).where(eq(staff.id, id)).get()?.disabledAt === null ? verified.get(id) ?? null : null);
    let release = (): void => {};
    const gate = new Promise<void>((r) => { release = r; });
    const signatures: SignaturePool = { verify: async (checks) => { await gate; return checks.map(() => true); }, close: async () => {} };
    const deps = { sodium: t.sodium, signatures, staff: lookup };
    const post = (threadId: string, item: Parameters<typeof postItem>[2]['item'], sealedKey?: Uint8Array) =>
      postItem(t.db, deps, { row: getThread(t.db, threadId)!, item, now: t.clock.now, ...(sealedKey ? { sealedKey } : {}) });
    const decoded = (w: TranscriptWriter, s: SignedItem, type: 'claim' | 'message' | 'handover', sender: TestStaff, to?: Recipient) => ({
      seq: s.seq, type, senderId: sender.staffId, prevHash: fromBase64Url(s.body.prevHash as string)!, signature: fromBase64Url(s.body.signature as string)!,
      ...(type === 'message' ? { nonce: fromBase64Url(s.body.nonce as string)!, ciphertext: fromBase64Url(s.body.ciphertext as string)! } : {}),
      ...(to ? { to: { staffId: to.id, fingerprint: fromBase64Url(s.body.toFingerprint as string)! } } : {}),
    });

    // In flight when the disable lands: a claim by psyB, a message and a hand-over by psyA (holder).
    const pooled = await open();
    const held = await heldByA();
    const inFlight = [
      post(pooled.id, decoded(pooled.w, pooled.w.claim(signer(psyB)), 'claim', psyB)),
      post(held.id, decoded(held.w, held.w.message(signer(psyA)), 'message', psyA)),
    ];
    await new Promise((r) => setTimeout(r, 10));
    const deps2: LifecycleDeps = { db: t.db, pepper: t.pepper, threads: threadAccess(t.db, new ThreadEvents(), () => true) };
    disableStaff(deps2, admin.staffId, psyB.staffId, t.clock.now);
    disableStaff(deps2, admin.staffId, psyA.staffId, t.clock.now);
    release();
    expect((await Promise.all(inFlight)).map((r) => r.ok || r.reason)).toEqual(['forbidden', 'not_holder']);
    // Disabled beforehand: refused before any signature is checked.
    const handover = held.w.handover(signer(psyA), recipientOf(signer(psyB)));
    expect(await post(held.id, decoded(held.w, handover, 'handover', psyA, recipientOf(signer(psyB))), fromBase64Url(handover.body.sealedKey as string)!)).toEqual({ ok: false, reason: 'not_holder' });
    expect(getThread(t.db, pooled.id)).toMatchObject({ status: 'open', lastSeq: 0 });
    expect(getThread(t.db, held.id)).toMatchObject({ assignedStaffId: psyA.staffId, lastSeq: 1 });
  });

  it('removes an account with its sessions and thread keys; its held thread stays with the asker, marked', async () => {
    const { id, w } = await heldByA();
    const askerStream = await follow(id, asker.token);
    const psyStream = await follow(id, psyA.token);
    const res = await adminCall('DELETE', `/api/admin/staff/${psyA.staffId}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, heldThreads: 1, casesErased: 0 });
    await within(psyStream.ended);
    await until(() => askerStream.text().includes('"holderRevoked":true'));
    await askerStream.cancel();
    expect(code(await me(psyA.token))).toEqual([401, 'unauthorized']);
    expect(t.db.select().from(staff).where(eq(staff.id, psyA.staffId)).all()).toEqual([]);
    expect(t.db.select().from(threadKeys).where(eq(threadKeys.principalId, psyA.staffId)).all()).toEqual([]);
    const thread = await t.call('GET', `/api/threads/${id}`, { token: asker.token });
    expect(thread.body).toMatchObject({ status: 'assigned', assignedStaffId: null, holderRevoked: true });
    expect(code(await send(w, asker.token, 'messages', w.message(signer(asker))))).toEqual([409, 'holder_revoked']);
    expect(code(await adminCall('DELETE', `/api/admin/staff/${psyA.staffId}`))).toEqual([404, 'staff_not_found']);
    const [row] = auditRows();
    expect(row).toMatchObject({ actor: admin.staffId, action: 'removed', subject: psyA.staffId, detail: { login: psyA.login, roles: ['psychologist'], heldThreads: 1, casesErased: 0 } });
  });
});

describe('roles and languages', () => {
  it('replaces both, in force at once, with the change in the audit log', async () => {
    expect(code(await t.call('GET', '/api/moderation/queue?queue=submitted', { token: psyA.token }))).toEqual([403, 'forbidden']);
    const res = await adminCall('PUT', `/api/admin/staff/${psyA.staffId}`, { roles: ['psychologist', 'moderator'], languages: ['ru', 'kk'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ roles: ['psychologist', 'moderator'], languages: ['ru', 'kk'] });
    expect((await t.call('GET', '/api/moderation/queue?queue=submitted', { token: psyA.token })).status).toBe(200);
    expect((await me(psyA.token)).body).toMatchObject({ roles: ['psychologist', 'moderator'], languages: ['ru', 'kk'] });
    // The same again changes nothing and writes nothing.
    expect((await adminCall('PUT', `/api/admin/staff/${psyA.staffId}`, { roles: ['moderator', 'psychologist'], languages: ['kk', 'ru'] })).status).toBe(200);
    expect(auditRows()).toEqual([expect.objectContaining({
      actor: admin.staffId, action: 'updated', subject: psyA.staffId,
      detail: { roles: { before: ['psychologist'], after: ['psychologist', 'moderator'] }, languages: { before: ['ru'], after: ['ru', 'kk'] } },
    })]);
    // A second admin may take the first one's admin role; the last one keeps it.
    await adminCall('PUT', `/api/admin/staff/${psyB.staffId}`, { roles: ['admin'], languages: ['ru'] });
    expect((await t.call('PUT', `/api/admin/staff/${admin.staffId}`, { token: psyB.token, json: { roles: ['moderator'], languages: ['ru'] } })).status).toBe(200);
    expect(code(await adminCall('GET', '/api/admin/staff'))).toEqual([403, 'forbidden']);
  });
});

describe('reset by a new invite', () => {
  /** The browser's half of a reset: a new salt, passphrase keys and key pairs. */
  async function resetBody(resetCode: string, passphrase: string) {
    const salt = randomBytes(16);
    const secrets = await deriveStaffSecrets(passphrase, salt, CHEAP_KDF);
    const box = t.sodium.crypto_box_keypair();
    const sign = t.sodium.crypto_sign_keypair();
    const wrapped = wrapKeyBundle(t.sodium, secrets.wrapKey, { boxSecretKey: box.privateKey, signSecretKey: sign.privateKey });
    return {
      body: {
        code: resetCode, kdfSalt: toBase64Url(salt), kdf: CHEAP_KDF, authKey: toBase64Url(secrets.authKey),
        boxPublicKey: toBase64Url(box.publicKey), signPublicKey: toBase64Url(sign.publicKey), wrappedKeys: toBase64Url(wrapped),
      },
      box, sign,
    };
  }

  it('replaces passphrase and keys under the same staff id, once; old sessions end and held threads are marked', async () => {
    const { id } = await heldByA();
    const created = await adminCall('POST', `/api/admin/staff/${psyA.staffId}/reset`);
    expect(created.status).toBe(201);
    expect(created.body.code).toMatch(new RegExp(`^${psyA.staffId}\\.[A-Za-z0-9_-]{32}$`));
    const before = t.db.select().from(staff).where(eq(staff.id, psyA.staffId)).get()!;
    const fresh = await resetBody(created.body.code, 'a brand new passphrase');
    const res = await t.call('POST', '/api/staff/reset', { json: fresh.body });
    expect(res.status).toBe(201);
    expect(res.body.profile).toMatchObject({ staffId: psyA.staffId, login: psyA.login, roles: ['psychologist'], boxPublicKey: toBase64Url(fresh.box.publicKey) });
    expect((await me(res.body.token)).status).toBe(200);
    expect(code(await me(psyA.token))).toEqual([401, 'unauthorized']);
    expect(code(await login(psyA.login, psyA.passphrase))).toEqual([401, 'invalid_credentials']);
    expect((await login(psyA.login, 'a brand new passphrase')).status).toBe(201);
    const after = t.db.select().from(staff).where(eq(staff.id, psyA.staffId)).get()!;
    expect(after.directorySignature).toBeNull(); // trusted again only once signed anew
    expect(after.createdAt).toBe(before.createdAt);
    // K was sealed to the old box key: nothing opens it now, and the asker is told.
    expect((await t.call('GET', `/api/threads/${id}`, { token: asker.token })).body.holderRevoked).toBe(true);
    expect(code(await t.call('POST', '/api/staff/reset', { json: (await resetBody(created.body.code, 'once more please')).body }))).toEqual([404, 'invite_invalid']);
    const audit = auditRows();
    expect(audit.map((r) => [r.actor, r.action, r.subject])).toEqual([[admin.staffId, 'reset_invite_created', psyA.staffId], [psyA.staffId, 'reset_accepted', psyA.staffId]]);
    expect(audit[1]!.detail).toMatchObject({ fingerprintBefore: expect.any(String), fingerprintAfter: expect.any(String), heldThreads: 1 });
    expect(JSON.stringify(audit)).not.toContain(created.body.code.split('.')[1]);
  });

  it('refuses a code bound to another account, an invite code, an expired code, and waits while the account is disabled', async () => {
    const { body } = await adminCall('POST', `/api/admin/staff/${psyA.staffId}/reset`);
    const secret = body.code.split('.')[1];
    const swapped = `${psyB.staffId}.${secret}`;
    expect(code(await t.call('POST', '/api/staff/reset', { json: (await resetBody(swapped, 'x'.repeat(12))).body }))).toEqual([404, 'invite_invalid']);
    const invite = createInvite(t.db, t.pepper, ['admin'], t.clock.now);
    expect(code(await t.call('POST', '/api/staff/reset', { json: (await resetBody(`${psyA.staffId}.${invite.code}`, 'x'.repeat(12))).body }))).toEqual([404, 'invite_invalid']);
    expect(code(await t.call('POST', '/api/staff/reset', { json: { ...(await resetBody(body.code, 'x'.repeat(12))).body, boxPublicKey: 'AAAA' } }))).toEqual([400, 'invalid_input']);
    expect(code(await t.call('POST', '/api/staff/accept', { json: { code: body.code } }))).toEqual([400, 'invalid_input']);

    await adminCall('POST', `/api/admin/staff/${psyA.staffId}/disable`);
    expect(code(await t.call('POST', '/api/staff/reset', { json: (await resetBody(body.code, 'x'.repeat(12))).body }))).toEqual([403, 'account_disabled']);
    await adminCall('POST', `/api/admin/staff/${psyA.staffId}/enable`);
    expect((await t.call('POST', '/api/staff/reset', { json: (await resetBody(body.code, 'x'.repeat(12))).body })).status).toBe(201);

    const late = await adminCall('POST', `/api/admin/staff/${psyB.staffId}/reset`);
    t.clock.now += 72 * 3_600_000 + 1;
    expect(code(await t.call('POST', '/api/staff/reset', { json: (await resetBody(late.body.code, 'x'.repeat(12))).body }))).toEqual([404, 'invite_invalid']);
  });
});

describe('log out everywhere', () => {
  it('revokes every session of the member, this one included, and ends their streams at once', async () => {
    const { id } = await heldByA();
    const other = staffSession(t, psyA.staffId);
    const stream = await follow(id, other);
    expect((await t.call('DELETE', '/api/staff/me/sessions', { token: psyA.token })).status).toBe(200);
    await within(stream.ended);
    for (const token of [psyA.token, other]) expect(code(await me(token))).toEqual([401, 'unauthorized']);
    expect((await login(psyA.login, psyA.passphrase)).status).toBe(201);
    expect((await adminCall('POST', `/api/admin/staff/${psyB.staffId}/logout`)).status).toBe(200);
    expect(code(await me(psyB.token))).toEqual([401, 'unauthorized']);
    expect(auditRows().map((r) => [r.actor, r.action, r.subject])).toEqual([[psyA.staffId, 'logged_out_everywhere', psyA.staffId], [admin.staffId, 'logged_out_everywhere', psyB.staffId]]);
  });
});

describe('the audit log', () => {
  it('has a row for every act, newest first and paged, and refuses UPDATE and DELETE', async () => {
    expect((await adminCall('POST', '/api/staff/invites', { roles: ['moderator'] })).status).toBe(201);
    await adminCall('PUT', `/api/admin/staff/${psyA.staffId}`, { roles: ['psychologist'], languages: ['ru', 'en'] });
    await adminCall('POST', `/api/admin/staff/${psyA.staffId}/disable`);
    await adminCall('POST', `/api/admin/staff/${psyA.staffId}/enable`);
    await adminCall('POST', `/api/admin/staff/${psyA.staffId}/reset`);
    await adminCall('POST', `/api/admin/staff/${psyA.staffId}/logout`);
    await adminCall('DELETE', `/api/admin/staff/${psyB.staffId}`);
    const expected = ['invite_created', 'updated', 'disabled', 'enabled', 'reset_invite_created', 'logged_out_everywhere', 'removed'];

    const first = await adminCall('GET', '/api/admin/staff-audit?limit=4');
    expect(first.status).toBe(200);
    expect(first.body.entries.map((e: { action: string }) => e.action)).toEqual(expected.slice(3).reverse());
    const second = await adminCall('GET', `/api/admin/staff-audit?limit=4&before=${first.body.next}`);
    expect(second.body.entries.map((e: { action: string }) => e.action)).toEqual(expected.slice(0, 3).reverse());
    expect(second.body.next).toBeNull();
    expect(first.body.entries[0]).toMatchObject({ actor: admin.staffId, subject: psyB.staffId, at: t.clock.now });
    expect(second.body.entries.at(-1)).toMatchObject({ subject: null, detail: { roles: ['moderator'] } });
    expect(code(await adminCall('GET', '/api/admin/staff-audit?limit=0'))).toEqual([400, 'invalid_input']);
    expect(code(await adminCall('GET', '/api/admin/staff-audit?before=x'))).toEqual([400, 'invalid_input']);

    const sqlite = t.db.$client;
    expect(() => sqlite.prepare("UPDATE staff_audit_log SET actor = 'someone else'").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM staff_audit_log').run()).toThrow(/append-only/);
    expect(auditRows()).toHaveLength(expected.length);
  });

  it('lists every account for the admin, disabled ones included', async () => {
    await adminCall('POST', `/api/admin/staff/${psyA.staffId}/disable`);
    const res = await adminCall('GET', '/api/admin/staff');
    expect(res.status).toBe(200);
    expect(res.body.staff.map((s: { staffId: string; disabledAt: number | null }) => [s.staffId, s.disabledAt !== null]).sort()).toEqual(
      [[admin.staffId, false], [psyA.staffId, true], [psyB.staffId, false]].sort(),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/wrapped|authHash|kdfSalt/);
  });
});
