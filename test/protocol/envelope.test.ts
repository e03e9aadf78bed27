import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/protocol/encoding.js';
import {
  messageAssociatedData, newThreadKey, openMessage, openThreadKey, sealMessage, sealThreadKey, verifyEnvelope,
  type Envelope, type MessageHeader,
} from '../../src/protocol/envelope.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';

let sodium: Sodium;
beforeAll(async () => { sodium = await loadSodium(); });

const header: MessageHeader = { threadId: 't_AAAAAAAAAAAAAAAAAAAAAA', seq: 3, senderId: 'a_BBBBBBBBBBBBBBBBBBBBBB' };

function fixture() {
  const threadKey = newThreadKey(sodium);
  const signer = sodium.crypto_sign_keypair();
  const envelope = sealMessage(sodium, { threadKey, header, plaintext: utf8('I have not slept for a week'), signPrivateKey: signer.privateKey });
  const open = (over: { header?: MessageHeader; envelope?: Envelope; key?: Uint8Array; signer?: Uint8Array } = {}) => openMessage(sodium, {
    threadKey: over.key ?? threadKey,
    header: over.header ?? header,
    envelope: over.envelope ?? envelope,
    senderSignPublicKey: over.signer ?? signer.publicKey,
  });
  return { threadKey, signer, envelope, open };
}

const flip = (b: Uint8Array, i = 0) => { const c = b.slice(); c[i]! ^= 1; return c; };

describe('message envelope', () => {
  it('opens what it sealed, and the ciphertext is not the plaintext', () => {
    const { envelope, open } = fixture();
    expect(new TextDecoder().decode(open()!)).toBe('I have not slept for a week');
    expect(Buffer.from(envelope.ciphertext).includes(Buffer.from('slept'))).toBe(false);
    expect(envelope.nonce).toHaveLength(24);
  });

  it('uses a fresh nonce for every message', () => {
    const { threadKey, signer } = fixture();
    const a = sealMessage(sodium, { threadKey, header, plaintext: utf8('same'), signPrivateKey: signer.privateKey });
    const b = sealMessage(sodium, { threadKey, header, plaintext: utf8('same'), signPrivateKey: signer.privateKey });
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
  });

  it('rejects a tampered ciphertext, nonce or signature', () => {
    const { envelope, open } = fixture();
    for (let i = 0; i < envelope.ciphertext.length; i += 7) {
      expect(open({ envelope: { ...envelope, ciphertext: flip(envelope.ciphertext, i) } })).toBeNull();
    }
    expect(open({ envelope: { ...envelope, nonce: flip(envelope.nonce) } })).toBeNull();
    expect(open({ envelope: { ...envelope, signature: flip(envelope.signature) } })).toBeNull();
    expect(open({ envelope: { ...envelope, ciphertext: envelope.ciphertext.subarray(0, envelope.ciphertext.length - 1) } })).toBeNull();
  });

  it('rejects the message under another thread id, sequence number or sender (replay, reorder, relabel)', () => {
    const { open } = fixture();
    expect(open({ header: { ...header, threadId: 't_CCCCCCCCCCCCCCCCCCCCCC' } })).toBeNull();
    expect(open({ header: { ...header, seq: 4 } })).toBeNull();
    expect(open({ header: { ...header, seq: 2 } })).toBeNull();
    expect(open({ header: { ...header, senderId: 's_DDDDDDDDDDDDDDDDDDDDDD' } })).toBeNull();
  });

  it('rejects a signature by the wrong key, even with the right thread key', () => {
    const { threadKey, open } = fixture();
    const mallory = sodium.crypto_sign_keypair();
    const forged = sealMessage(sodium, { threadKey, header, plaintext: utf8('forged'), signPrivateKey: mallory.privateKey });
    expect(open({ envelope: forged })).toBeNull();
    expect(verifyEnvelope(sodium, header, forged, mallory.publicKey)).toBe(true);
  });

  it('rejects a valid signature over a ciphertext made under another thread key', () => {
    const { signer, open } = fixture();
    const other = sealMessage(sodium, { threadKey: newThreadKey(sodium), header, plaintext: utf8('x'), signPrivateKey: signer.privateKey });
    expect(open({ envelope: other })).toBeNull();
  });

  it('spells the associated data out: version, thread, sequence, sender', () => {
    expect(new TextDecoder().decode(messageAssociatedData(header))).toBe('tynys.msg.v1\nt_AAAAAAAAAAAAAAAAAAAAAA\n3\na_BBBBBBBBBBBBBBBBBBBBBB');
    expect(() => messageAssociatedData({ ...header, seq: 0 })).toThrow(RangeError);
  });
});

describe('thread key sealing', () => {
  it('opens only with the recipient\'s key pair', () => {
    const key = newThreadKey(sodium);
    const alice = sodium.crypto_box_keypair();
    const bob = sodium.crypto_box_keypair();
    const sealed = sealThreadKey(sodium, key, alice.publicKey);
    expect(sealed).toHaveLength(80);
    expect(Buffer.from(openThreadKey(sodium, sealed, alice)!).equals(Buffer.from(key))).toBe(true);
    expect(openThreadKey(sodium, sealed, bob)).toBeNull();
    expect(openThreadKey(sodium, flip(sealed, 40), alice)).toBeNull();
  });
});
