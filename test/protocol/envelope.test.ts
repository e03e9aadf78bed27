import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEALED_KEY_BYTES } from '../../src/protocol/constants.js';
import { concatBytes, utf8 } from '../../src/protocol/encoding.js';
import { ciphertextLengthValid, itemHeaderBytes, openMessage, openThreadKey, sealMessage, sealThreadKey, verifyItem, type ItemHeader } from '../../src/protocol/envelope.js';
import { pad, unpad } from '../../src/protocol/padding.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';
import { threadFixture } from './thread-fixture.js';

let sodium: Sodium;
beforeAll(async () => { sodium = await loadSodium(); });

const header = (over: Partial<ItemHeader> = {}): ItemHeader => ({
  threadId: 't_THREADTHREADTHREADTHRE', seq: 3, type: 'message', senderId: 'a_OPENEROPENEROPENEROPEN', prevHash: new Uint8Array(32).fill(7), ...over,
});

describe('padding (as sodium_pad, 256-byte blocks)', () => {
  it('round-trips any length and always adds at least one byte, to a whole block', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), (plain) => {
      const padded = pad(plain);
      expect(padded.length % 256).toBe(0);
      expect(padded.length).toBeGreaterThan(plain.length);
      expect(unpad(padded)).toEqual(plain);
    }));
  });

  it('matches libsodium byte for byte', () => {
    for (const n of [0, 1, 255, 256, 257, 700]) {
      const plain = sodium.randombytes_buf(n);
      const theirs = sodium.pad(plain, 256);
      expect(pad(plain)).toEqual(theirs);
      expect(unpad(theirs)).toEqual(plain);
    }
  });

  it('refuses malformed padding', () => {
    expect(unpad(new Uint8Array(256))).toBeNull(); // no 0x80
    const bad = pad(utf8('hi'));
    bad[255] = 1;
    expect(unpad(bad)).toBeNull();
    expect(unpad(new Uint8Array(100))).toBeNull();
  });
});

describe('sealed thread key', () => {
  it('opens only for the thread it was sealed with', () => {
    const f = threadFixture(sodium);
    const sealed = sealThreadKey(sodium, f.key, f.threadId, f.p1.box.publicKey);
    expect(sealed).toHaveLength(SEALED_KEY_BYTES);
    expect(openThreadKey(sodium, sealed, f.threadId, f.p1.box)).toEqual(f.key);
    // The key of thread A served as thread B's: refused.
    expect(openThreadKey(sodium, sealed, 't_OTHEROTHEROTHEROTHEROT', f.p1.box)).toBeNull();
    expect(openThreadKey(sodium, sealed, f.threadId, f.p2.box)).toBeNull();
    // A bare K sealed the v1 way (no thread id) is refused too.
    expect(openThreadKey(sodium, sodium.crypto_box_seal(f.key, f.p1.box.publicKey), f.threadId, f.p1.box)).toBeNull();
  });
});

describe('message envelope', () => {
  it('pads before encrypting: the ciphertext length shows only the block count', () => {
    const f = threadFixture(sodium);
    const sign = f.opener.sign;
    const short = sealMessage(sodium, { threadKey: f.key, header: header(), plaintext: utf8('да'), signPrivateKey: sign.privateKey });
    const longer = sealMessage(sodium, { threadKey: f.key, header: header(), plaintext: utf8('я не сплю уже неделю, просыпаюсь в четыре'), signPrivateKey: sign.privateKey });
    expect(short.ciphertext.length).toBe(256 + 16);
    expect(longer.ciphertext.length).toBe(256 + 16);
    expect(ciphertextLengthValid(short.ciphertext.length)).toBe(true);
    expect(ciphertextLengthValid(short.ciphertext.length - 1)).toBe(false);
  });

  it('opens with the same header only, and the signature covers header, nonce and ciphertext', () => {
    const f = threadFixture(sodium);
    const h = header();
    const m = sealMessage(sodium, { threadKey: f.key, header: h, plaintext: utf8('hello'), signPrivateKey: f.opener.sign.privateKey });
    const payload = concatBytes(m.nonce, m.ciphertext);
    expect(verifyItem(sodium, h, payload, m.signature, f.opener.sign.publicKey)).toBe(true);
    expect(new TextDecoder().decode(openMessage(sodium, { threadKey: f.key, header: h, nonce: m.nonce, ciphertext: m.ciphertext })!)).toBe('hello');
    for (const other of [header({ seq: 4 }), header({ threadId: 't_OTHEROTHEROTHEROTHEROT' }), header({ senderId: 's_PSYCHONEPSYCHONEPSYCHO' }), header({ prevHash: new Uint8Array(32) })]) {
      expect(openMessage(sodium, { threadKey: f.key, header: other, nonce: m.nonce, ciphertext: m.ciphertext })).toBeNull();
      expect(verifyItem(sodium, other, payload, m.signature, f.opener.sign.publicKey)).toBe(false);
    }
    expect(verifyItem(sodium, h, payload, m.signature, f.p1.sign.publicKey)).toBe(false);
  });

  it('names every field of the header in its bytes, and a hand-over its recipient', () => {
    expect(new TextDecoder().decode(itemHeaderBytes(header()))).toBe(`tynys.item.v2\nt_THREADTHREADTHREADTHRE\n3\nmessage\na_OPENEROPENEROPENEROPEN\n${'BwcH'.repeat(10)}Bwc`);
    expect(() => itemHeaderBytes(header({ type: 'handover' }))).toThrow(/hand-over/);
    expect(() => itemHeaderBytes(header({ seq: 0 }))).toThrow(/seq/);
    expect(() => itemHeaderBytes(header({ prevHash: new Uint8Array(16) }))).toThrow(/prevHash/);
  });
});
