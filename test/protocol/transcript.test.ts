import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../../src/protocol/encoding.js';
import { sealMessage, signItem, type ItemHeader } from '../../src/protocol/envelope.js';
import { keyFingerprint } from '../../src/protocol/genesis.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';
import { applyItem, startTranscript, type TranscriptItem, type TranscriptState } from '../../src/protocol/transcript.js';
import { threadFixture } from './thread-fixture.js';

let sodium: Sodium;
beforeAll(async () => { sodium = await loadSodium(); });

type Person = ReturnType<typeof threadFixture>['p1'];

function transcript() {
  const f = threadFixture(sodium);
  let state: TranscriptState = startTranscript(f.genesis, f.hash);
  const message = (from: { id: string; sign: Person['sign'] }, over: Partial<TranscriptItem> = {}): TranscriptItem => {
    const header: ItemHeader = { threadId: f.threadId, seq: state.seq + 1, type: 'message', senderId: from.id, prevHash: state.head };
    const m = sealMessage(sodium, { threadKey: f.key, header, plaintext: utf8('text'), signPrivateKey: from.sign.privateKey });
    return { seq: header.seq, type: 'message', senderId: from.id, prevHash: header.prevHash, signature: m.signature, nonce: m.nonce, ciphertext: m.ciphertext, ...over };
  };
  const claim = (by: Person): TranscriptItem => {
    const header: ItemHeader = { threadId: f.threadId, seq: state.seq + 1, type: 'claim', senderId: by.id, prevHash: state.head };
    return { seq: header.seq, type: 'claim', senderId: by.id, prevHash: header.prevHash, signature: signItem(sodium, header, new Uint8Array(0), by.sign.privateKey) };
  };
  const handover = (from: Person, to: Person, fingerprint = keyFingerprint(to.box.publicKey, to.sign.publicKey)): TranscriptItem => {
    const header: ItemHeader = { threadId: f.threadId, seq: state.seq + 1, type: 'handover', senderId: from.id, prevHash: state.head, to: { staffId: to.id, fingerprint } };
    return { seq: header.seq, type: 'handover', senderId: from.id, prevHash: header.prevHash, to: header.to!, signature: signItem(sodium, header, new Uint8Array(0), from.sign.privateKey) };
  };
  const member = (p: Person, fingerprint = keyFingerprint(p.box.publicKey, p.sign.publicKey)) => ({ staffId: p.id, fingerprint });
  const giveBack = (from: { id: string; sign: Person['sign'] }, pool: { staffId: string; fingerprint: Uint8Array }[]): TranscriptItem => {
    const header: ItemHeader = { threadId: f.threadId, seq: state.seq + 1, type: 'return', senderId: from.id, prevHash: state.head, pool };
    return { seq: header.seq, type: 'return', senderId: from.id, prevHash: header.prevHash, pool, signature: signItem(sodium, header, new Uint8Array(0), from.sign.privateKey) };
  };
  const apply = (item: TranscriptItem) => {
    const r = applyItem(sodium, state, item, f.lookup);
    if (r.ok) state = r.state;
    return r.ok ? 'ok' : r.fault;
  };
  return { f, message, claim, handover, member, giveBack, apply, state: () => state };
}

describe('transcript: who may speak', () => {
  it('accepts the opener, a claim by a named pool member, the holder, and a hand-over to a colleague', () => {
    const t = transcript();
    expect(t.apply(t.message(t.f.opener))).toBe('ok');
    expect(t.apply(t.claim(t.f.p1))).toBe('ok');
    expect(t.state().holder?.id).toBe(t.f.p1.id);
    expect(t.apply(t.message(t.f.p1))).toBe('ok');
    expect(t.apply(t.handover(t.f.p1, t.f.p2))).toBe('ok');
    expect(t.apply(t.message(t.f.p2))).toBe('ok');
    expect(t.apply(t.message(t.f.opener))).toBe('ok');
    expect(t.state().seq).toBe(6);
  });

  it('refuses a pool member before a claim, a moderator, and a holder after handing over', () => {
    const t = transcript();
    expect(t.apply(t.message(t.f.p1))).toBe('unknown_sender');
    expect(t.apply(t.message(t.f.moderator))).toBe('unknown_sender');
    expect(t.apply(t.claim(t.f.p1))).toBe('ok');
    expect(t.apply(t.handover(t.f.p1, t.f.p2))).toBe('ok');
    expect(t.apply(t.message(t.f.p1))).toBe('unknown_sender');
  });

  it('refuses a message signed by another key under a permitted sender id', () => {
    const t = transcript();
    expect(t.apply(t.message({ id: t.f.opener.id, sign: t.f.p1.sign }))).toBe('bad_signature');
  });

  it('refuses claims by anyone the genesis did not name, a second claim, and a claim with changed keys', () => {
    const t = transcript();
    expect(t.apply(t.claim(t.f.moderator))).toBe('bad_claim');
    expect(t.apply(t.claim(t.f.english))).toBe('bad_claim');
    // The server swapped p1's keys in its directory: the genesis fingerprint no longer matches.
    const swapped = transcript();
    const impostor = sodium.crypto_sign_keypair();
    const lookup = swapped.f.lookup;
    const r = applyItem(sodium, swapped.state(), swapped.claim({ ...swapped.f.p1, sign: impostor }), (id) => (id === swapped.f.p1.id ? { ...lookup(id)!, signPublicKey: impostor.publicKey } : lookup(id)));
    expect(r.ok ? 'ok' : r.fault).toBe('bad_claim');
    expect(t.apply(t.claim(t.f.p1))).toBe('ok');
    expect(t.apply(t.claim(t.f.p2))).toBe('bad_claim');
  });

  it('refuses hand-overs from a non-holder, to outside the pool role or language, or with a wrong fingerprint', () => {
    const t = transcript();
    expect(t.apply(t.claim(t.f.p1))).toBe('ok');
    expect(t.apply(t.handover(t.f.p2, t.f.p1))).toBe('bad_handover');
    expect(t.apply(t.handover(t.f.p1, t.f.moderator))).toBe('bad_handover');
    expect(t.apply(t.handover(t.f.p1, t.f.english))).toBe('bad_handover');
    expect(t.apply(t.handover(t.f.p1, t.f.p2, new Uint8Array(32)))).toBe('bad_handover');
  });
});

describe('transcript: the chain', () => {
  it('detects a deleted, reordered or replayed item', () => {
    const t = transcript();
    const first = t.message(t.f.opener);
    expect(t.apply(first)).toBe('ok');
    const second = t.message(t.f.opener);
    // Skipping an item: the next one's sequence and previous hash do not fit.
    expect(t.apply({ ...t.message(t.f.opener), seq: 3 })).toBe('sequence_gap');
    expect(t.apply(first)).toBe('sequence_gap'); // replayed
    expect(t.apply({ ...second, prevHash: new Uint8Array(32) })).toBe('broken_chain');
    expect(t.apply(second)).toBe('ok');
  });

  it('detects a fork: an item signed on another history', () => {
    const a = transcript();
    expect(a.apply(a.message(a.f.opener))).toBe('ok');
    const forkPoint = a.state();
    expect(a.apply(a.message(a.f.opener))).toBe('ok');
    // An item built on the fork point does not chain onto the other branch.
    const other = applyItem(sodium, a.state(), { ...a.message(a.f.opener), seq: 3, prevHash: forkPoint.head }, a.f.lookup);
    expect(other.ok ? 'ok' : other.fault).toBe('broken_chain');
  });

  it('refuses malformed items', () => {
    const t = transcript();
    const m = t.message(t.f.opener);
    const { nonce: _n, ...noNonce } = m;
    expect(t.apply(noNonce)).toBe('malformed_item');
    expect(t.apply({ ...m, type: 'claim' })).toBe('malformed_item');
    expect(t.apply({ ...m, nonce: concatBytes(m.nonce!, new Uint8Array(1)) })).toBe('bad_signature');
  });
});

describe('transcript: a return to the pool', () => {
  it('the opener takes a held thread back; the old holder speaks no more; only the new pool may claim', () => {
    const t = transcript();
    expect(t.state().pool.map((m) => m.staffId)).toEqual(t.f.genesis.recipients.map((r) => r.id));
    expect(t.apply(t.claim(t.f.p1))).toBe('ok');
    expect(t.apply(t.message(t.f.p1))).toBe('ok');
    expect(t.apply(t.giveBack(t.f.opener, [t.member(t.f.p2)]))).toBe('ok');
    expect(t.state().holder).toBeNull();
    expect(t.state().pool.map((m) => m.staffId)).toEqual([t.f.p2.id]);
    expect(t.apply(t.message(t.f.p1))).toBe('unknown_sender');
    expect(t.apply(t.claim(t.f.p1))).toBe('bad_claim'); // a genesis recipient, not in the new pool
    expect(t.apply(t.message(t.f.opener))).toBe('ok');
    expect(t.apply(t.claim(t.f.p2))).toBe('ok');
    expect(t.apply(t.message(t.f.p2))).toBe('ok');
  });

  it('refuses a return by anyone but the opener, without a holder, or naming someone outside the pool or other keys', () => {
    const t = transcript();
    expect(t.apply(t.giveBack(t.f.opener, [t.member(t.f.p2)]))).toBe('bad_return'); // nobody holds it
    expect(t.apply(t.claim(t.f.p1))).toBe('ok');
    expect(t.apply(t.giveBack(t.f.p1, [t.member(t.f.p2)]))).toBe('bad_return'); // the holder
    expect(t.apply(t.giveBack(t.f.moderator, [t.member(t.f.p2)]))).toBe('bad_return');
    expect(t.apply(t.giveBack(t.f.opener, [t.member(t.f.moderator)]))).toBe('bad_return'); // not the pool's role
    expect(t.apply(t.giveBack(t.f.opener, [t.member(t.f.english)]))).toBe('bad_return'); // not the thread's language
    expect(t.apply(t.giveBack(t.f.opener, [t.member(t.f.p2, new Uint8Array(32))]))).toBe('bad_return'); // other keys
    const two = [t.member(t.f.p1), t.member(t.f.p2)].sort((a, b) => (a.staffId < b.staffId ? -1 : 1));
    expect(t.apply({ ...t.giveBack(t.f.opener, two), pool: [...two].reverse() })).toBe('malformed_item'); // not in ascending order
    expect(t.apply({ ...t.giveBack(t.f.opener, two), pool: [two[0]!, two[0]!] })).toBe('malformed_item'); // twice
    expect(t.apply({ ...t.giveBack(t.f.opener, two), pool: [] })).toBe('malformed_item');
    expect(t.apply({ ...t.claim(t.f.p2), pool: two })).toBe('malformed_item'); // only a return names a pool
    expect(t.apply({ ...t.giveBack(t.f.opener, two), signature: t.giveBack(t.f.p1, two).signature })).toBe('bad_signature');
    expect(t.apply(t.giveBack(t.f.opener, two))).toBe('ok');
    expect(t.state().seq).toBe(2);
  });
});
