import { bytesToHex } from '@noble/hashes/utils.js';
import { concatBytes, utf8 } from '../../src/protocol/encoding.js';
import { itemHash, itemHeaderBytes, itemSignedBytes, sealMessage, sealThreadKey, signItem, type ItemHeader } from '../../src/protocol/envelope.js';
import { genesisBytes, genesisHash, keyCommitment, keyFingerprint, signGenesis, type Genesis } from '../../src/protocol/genesis.js';
import { encodeBody, type MessageBody } from '../../src/protocol/message-body.js';
import { pad } from '../../src/protocol/padding.js';
import type { Sodium } from '../../src/protocol/sodium.js';

// The thread constructions' vectors (PROTOCOL.md §6–7), from fixed inputs: key pairs from fixed
// seeds, a fixed K and fixed nonces, so every value but the sealed key (crypto_box_seal draws an
// ephemeral key) is reproducible; the sealed key's vector gives what opening it must yield.
// Bytes in lower-case hex, like the other vectors (scripts/protocol-vectors.ts); text stays text.

const b = bytesToHex;
const fixed = (byte: number, n = 32): Uint8Array => new Uint8Array(n).fill(byte);

export function threadVectors(sodium: Sodium) {
  const party = (id: string, seedByte: number) => {
    const box = sodium.crypto_box_seed_keypair(fixed(seedByte));
    const sign = sodium.crypto_sign_seed_keypair(fixed(seedByte + 1));
    return { id, boxSeed: fixed(seedByte), signSeed: fixed(seedByte + 1), box, sign };
  };
  const opener = party('a_OPENEROPENEROPENEROPEN', 0x10);
  const p1 = party('s_PSYCHONEPSYCHONEPSYCHO', 0x20);
  const p2 = party('s_PSYCHTWOPSYCHTWOPSYCHT', 0x30);
  const threadId = 't_THREADTHREADTHREADTHRE';
  const K = fixed(0x42);
  const fp = (p: typeof p1) => keyFingerprint(p.box.publicKey, p.sign.publicKey);
  const genesis: Genesis = {
    threadId, kind: 'consultation', language: 'ru', topic: 'sleep', urgency: 'soon', openerId: opener.id,
    openerBoxPublicKey: opener.box.publicKey, openerSignPublicKey: opener.sign.publicKey,
    keyCommitment: keyCommitment(threadId, opener.sign.publicKey, K),
    recipients: [p1, p2].map((p) => ({ id: p.id, fingerprint: fp(p) })),
  };
  const gBytes = genesisBytes(genesis);
  const gSig = signGenesis(sodium, genesis, opener.sign.privateKey);
  const publicParty = (p: typeof p1) => ({ id: p.id, boxSeed: b(p.boxSeed), signSeed: b(p.signSeed), boxPublicKey: b(p.box.publicKey), signPublicKey: b(p.sign.publicKey) });

  // A transcript: the opener's intake card, p1's claim and reply, a hand-over to p2, p2's message.
  let head = genesisHash(gBytes, gSig);
  let seq = 0;
  const items: unknown[] = [];
  const push = (type: ItemHeader['type'], from: typeof p1, options: { body?: MessageBody; to?: typeof p1; pool?: (typeof p1)[] } = {}) => {
    seq += 1;
    const header: ItemHeader = {
      threadId, seq, type, senderId: from.id, prevHash: head, ...(options.to ? { to: { staffId: options.to.id, fingerprint: fp(options.to) } } : {}),
      ...(options.pool ? { pool: options.pool.map((p) => ({ staffId: p.id, fingerprint: fp(p) })) } : {}),
    };
    let payload: Uint8Array = new Uint8Array(0);
    let message: Record<string, string> = {};
    let signature: Uint8Array;
    if (options.body) {
      const plaintext = encodeBody(options.body);
      const nonce = fixed(seq, 24);
      const sealed = sealMessage(sodium, { threadKey: K, header, plaintext, signPrivateKey: from.sign.privateKey, nonce });
      payload = concatBytes(sealed.nonce, sealed.ciphertext);
      signature = sealed.signature;
      message = { body: new TextDecoder().decode(plaintext), padded: b(pad(plaintext)), nonce: b(sealed.nonce), ciphertext: b(sealed.ciphertext) };
    } else {
      signature = signItem(sodium, header, payload, from.sign.privateKey);
    }
    const signed = itemSignedBytes(header, payload);
    const hash = itemHash(signed, signature);
    items.push({
      seq, type, senderId: from.id, prevHash: b(head), ...(header.to ? { toStaffId: header.to.staffId, toFingerprint: b(header.to.fingerprint) } : {}),
      ...(header.pool ? { pool: header.pool.map((m) => ({ staffId: m.staffId, fingerprint: b(m.fingerprint) })) } : {}),
      header: new TextDecoder().decode(itemHeaderBytes(header)), signedBytes: b(signed), signature: b(signature), hash: b(hash), ...message,
    });
    head = hash;
  };
  push('message', opener, { body: { type: 'intake', at: 1_790_000_000_000, read: 0, intake: { populations: ['plhiv'], ageGroup: '25-34' } } });
  push('claim', p1);
  push('message', p1, { body: { type: 'text', at: 1_790_000_060_000, read: 1, text: 'Здравствуйте. Расскажите, как вы спите?' } });
  push('handover', p1, { to: p2 });
  push('message', p2, { body: { type: 'text', at: 1_790_000_120_000, read: 4, text: 'I am taking over from my colleague.' } });
  // The holder can no longer answer: the opener returns the thread to the pool, and p1 claims it again.
  push('return', opener, { pool: [p1] });
  push('claim', p1);

  // crypto_box_seal with a fixed ephemeral key pair, built from libsodium's own pieces, so the vector
  // is reproducible; that crypto_box_seal_open opens it shows the construction is the same.
  const ephemeral = sodium.crypto_box_seed_keypair(fixed(0x50));
  const sealNonce = sodium.crypto_generichash(24, concatBytes(ephemeral.publicKey, p1.box.publicKey), null);
  const sealed = concatBytes(ephemeral.publicKey, sodium.crypto_box_easy(concatBytes(K, utf8(threadId)), sealNonce, p1.box.publicKey, ephemeral.privateKey));
  const opened = sodium.crypto_box_seal_open(sealed, p1.box.publicKey, p1.box.privateKey);
  if (b(opened) !== b(concatBytes(K, utf8(threadId))) || sealThreadKey(sodium, K, threadId, p1.box.publicKey).length !== sealed.length) throw new Error('sealed-key vector: not a crypto_box_seal');
  return {
    threadParties: { opener: publicParty(opener), p1: publicParty(p1), p2: publicParty(p2) },
    fingerprint: [{ boxPublicKey: b(p1.box.publicKey), signPublicKey: b(p1.sign.publicKey), fingerprint: b(fp(p1)) }],
    keyCommitment: [{ threadId, openerSignPublicKey: b(opener.sign.publicKey), key: b(K), commitment: b(genesis.keyCommitment) }],
    padding: [0, 1, 255, 256, 300].map((n) => { const plain = fixed(0x61, n); return { plain: b(plain), padded: b(pad(plain)) }; }),
    genesis: [{ text: new TextDecoder().decode(gBytes), bytes: b(gBytes), signature: b(gSig), hash: b(genesisHash(gBytes, gSig)) }],
    sealedKey: [{ threadId, recipient: 'p1', ephemeralSeed: b(fixed(0x50)), nonce: b(sealNonce), sealed: b(sealed), opensTo: b(concatBytes(K, utf8(threadId))), key: b(K) }],
    transcript: [{ threadId, key: b(K), genesisHash: b(genesisHash(gBytes, gSig)), items }],
  };
}
