import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SIZES } from '../../src/protocol/constants.js';
import { itemHeaderBytes, openMessage, openThreadKey } from '../../src/protocol/envelope.js';
import { genesisHash, keyCommitment, keyFingerprint, verifyGenesis } from '../../src/protocol/genesis.js';
import { decodeBody } from '../../src/protocol/message-body.js';
import { pad } from '../../src/protocol/padding.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';
import { applyItem, startTranscript, type KnownStaff, type TranscriptItem } from '../../src/protocol/transcript.js';

// The thread vectors of test/vectors/protocol-v2.json checked the way a reader checks a thread:
// by the verifying functions, not by regenerating them (test/protocol/vectors.test.ts does that).

let sodium: Sodium;
beforeAll(async () => { sodium = await loadSodium(); });

type Hex = string;
interface Party { id: string; boxSeed: Hex; signSeed: Hex; boxPublicKey: Hex; signPublicKey: Hex }
interface Vectors {
  threadParties: Record<'opener' | 'p1' | 'p2', Party>;
  fingerprint: { boxPublicKey: Hex; signPublicKey: Hex; fingerprint: Hex }[];
  keyCommitment: { threadId: string; openerSignPublicKey: Hex; key: Hex; commitment: Hex }[];
  padding: { plain: Hex; padded: Hex }[];
  genesis: { text: string; bytes: Hex; signature: Hex; hash: Hex }[];
  sealedKey: { threadId: string; recipient: 'p1'; sealed: Hex; opensTo: Hex; key: Hex }[];
  transcript: { threadId: string; key: Hex; genesisHash: Hex; items: ({ seq: number; type: TranscriptItem['type']; senderId: string; prevHash: Hex; signature: Hex; hash: Hex; header: string; toStaffId?: string; toFingerprint?: Hex; pool?: { staffId: string; fingerprint: Hex }[]; nonce?: Hex; ciphertext?: Hex; body?: string })[] }[];
}

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
const file = JSON.parse(readFileSync(new URL('../vectors/protocol-v2.json', import.meta.url), 'utf8')) as { vectors: Vectors };
const v = file.vectors;

describe('thread vectors (PROTOCOL.md §6–7)', () => {
  it('fingerprints, commitments and padding', () => {
    for (const x of v.fingerprint) expect(keyFingerprint(hex(x.boxPublicKey), hex(x.signPublicKey))).toEqual(hex(x.fingerprint));
    for (const x of v.keyCommitment) expect(keyCommitment(x.threadId, hex(x.openerSignPublicKey), hex(x.key))).toEqual(hex(x.commitment));
    for (const x of v.padding) expect(pad(hex(x.plain))).toEqual(hex(x.padded));
    expect(v.padding.length).toBeGreaterThan(3);
  });

  it('the parties\' keys come from their seeds as libsodium derives them', () => {
    for (const p of Object.values(v.threadParties)) {
      expect(sodium.crypto_box_seed_keypair(hex(p.boxSeed)).publicKey).toEqual(hex(p.boxPublicKey));
      expect(sodium.crypto_sign_seed_keypair(hex(p.signSeed)).publicKey).toEqual(hex(p.signPublicKey));
    }
  });

  it('the genesis verifies, and its hash is the chain\'s first link', () => {
    const [g] = v.genesis;
    expect(new TextDecoder().decode(hex(g!.bytes))).toBe(g!.text);
    const parsed = verifyGenesis(sodium, v.transcript[0]!.threadId, hex(g!.bytes), hex(g!.signature));
    expect(parsed?.openerSignPublicKey).toEqual(hex(v.threadParties.opener.signPublicKey));
    expect(genesisHash(hex(g!.bytes), hex(g!.signature))).toEqual(hex(g!.hash));
  });

  it('the sealed key opens for its recipient and thread only', () => {
    for (const x of v.sealedKey) {
      const p = v.threadParties[x.recipient];
      const box = sodium.crypto_box_seed_keypair(hex(p.boxSeed));
      expect(sodium.crypto_box_seal_open(hex(x.sealed), box.publicKey, box.privateKey)).toEqual(hex(x.opensTo));
      expect(openThreadKey(sodium, hex(x.sealed), x.threadId, box)).toEqual(hex(x.key));
      expect(openThreadKey(sodium, hex(x.sealed), 't_OTHEROTHEROTHEROTHEROT', box)).toBeNull();
    }
  });

  it('the transcript passes the reader\'s check item by item, and every message opens to its body', () => {
    const [t] = v.transcript;
    const [g] = v.genesis;
    const genesis = verifyGenesis(sodium, t!.threadId, hex(g!.bytes), hex(g!.signature))!;
    const staff = (id: string): KnownStaff | null => {
      const p = Object.values(v.threadParties).find((x) => x.id === id && id.startsWith('s_'));
      return p ? { id, roles: ['psychologist'], languages: ['ru'], boxPublicKey: hex(p.boxPublicKey), signPublicKey: hex(p.signPublicKey) } : null;
    };
    let state = startTranscript(genesis, hex(t!.genesisHash));
    for (const x of t!.items) {
      const item: TranscriptItem = {
        seq: x.seq, type: x.type, senderId: x.senderId, prevHash: hex(x.prevHash), signature: hex(x.signature),
        ...(x.nonce && x.ciphertext ? { nonce: hex(x.nonce), ciphertext: hex(x.ciphertext) } : {}),
        ...(x.toStaffId && x.toFingerprint ? { to: { staffId: x.toStaffId, fingerprint: hex(x.toFingerprint) } } : {}),
        ...(x.pool ? { pool: x.pool.map((m) => ({ staffId: m.staffId, fingerprint: hex(m.fingerprint) })) } : {}),
      };
      const r = applyItem(sodium, state, item, staff);
      expect(r.ok, `item ${x.seq}`).toBe(true);
      if (!r.ok) return;
      expect(r.hash).toEqual(hex(x.hash));
      expect(new TextDecoder().decode(itemHeaderBytes(r.header))).toBe(x.header);
      if (x.body) {
        const plain = openMessage(sodium, { threadKey: hex(t!.key), header: r.header, nonce: item.nonce!, ciphertext: item.ciphertext! });
        expect(new TextDecoder().decode(plain!)).toBe(x.body);
        expect(decodeBody(plain!)).not.toBeNull();
        expect((item.ciphertext!.length - SIZES.tag) % SIZES.padBlock).toBe(0);
      }
      state = r.state;
    }
    // p2 held it, the opener returned it to a pool of p1 alone, and p1 claimed it.
    expect(state.holder?.id).toBe(v.threadParties.p1.id);
    expect(t!.items.map((x) => x.type)).toEqual(['message', 'claim', 'message', 'handover', 'message', 'return', 'claim']);
  });
});
