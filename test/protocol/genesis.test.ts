import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../../src/protocol/encoding.js';
import { genesisBytes, keyCommitment, keyFingerprint, parseGenesis, verifyGenesis } from '../../src/protocol/genesis.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';
import { threadFixture } from './thread-fixture.js';

let sodium: Sodium;
beforeAll(async () => { sodium = await loadSodium(); });

describe('genesis', () => {
  it('verifies as signed, and parses back to the same record', () => {
    const f = threadFixture(sodium);
    const g = verifyGenesis(sodium, f.threadId, f.bytes, f.signature);
    expect(g).not.toBeNull();
    expect(genesisBytes(g!)).toEqual(f.bytes);
    expect(g!.recipients.map((r) => r.id)).toEqual([f.p1.id, f.p2.id].sort());
  });

  it('is refused for another thread id, another signer, or any changed byte', () => {
    const f = threadFixture(sodium);
    expect(verifyGenesis(sodium, 't_OTHEROTHEROTHEROTHEROT', f.bytes, f.signature)).toBeNull();
    // The server re-signs with its own key, naming its own key as the opener's: the record verifies
    // on its own, which is why an asker also checks that the opener key is its own (client side).
    const server = sodium.crypto_sign_keypair();
    expect(verifyGenesis(sodium, f.threadId, f.bytes, sodium.crypto_sign_detached(f.bytes, server.privateKey))).toBeNull();
    const text = new TextDecoder().decode(f.bytes);
    for (const [from, to] of [['\nsoon\n', '\nurgent\n'], ['\nsleep\n', '\nanxiety\n'], ['\nru\n', '\nkk\n'], ['\nconsultation\n', '\ncase\n']] as const) {
      expect(verifyGenesis(sodium, f.threadId, utf8(text.replace(from, to)), f.signature)).toBeNull();
    }
  });

  it('accepts only the canonical form', () => {
    const f = threadFixture(sodium);
    const text = new TextDecoder().decode(f.bytes);
    const lines = text.split('\n');
    const variants = [
      `${text}\n`, // a final newline
      text.replace('\n2\n', '\n02\n'), // a leading zero
      [...lines.slice(0, -2), lines.at(-1)!, lines.at(-2)!].join('\n'), // recipients out of order
      text.replace(/ ([^\n]+)$/, '  $1'), // two spaces
      [...lines.slice(0, -1)].join('\n'), // a recipient missing for the count
    ];
    for (const v of variants) expect(parseGenesis(utf8(v))).toBeNull();
    expect(parseGenesis(concatBytes(f.bytes, new Uint8Array([0xff])))).toBeNull();
    expect(parseGenesis(f.bytes)).not.toBeNull();
  });

  it('refuses to encode what it could not parse back', () => {
    const f = threadFixture(sodium);
    expect(() => genesisBytes({ ...f.genesis, recipients: [...f.genesis.recipients].reverse() })).toThrow(/ascending/);
    expect(() => genesisBytes({ ...f.genesis, keyCommitment: new Uint8Array(31) })).toThrow(/32 bytes/);
    expect(() => genesisBytes({ ...f.genesis, threadId: 'a_THREADTHREADTHREADTHRE' })).toThrow(/threadId/);
    expect(() => genesisBytes({ ...f.genesis, recipients: [{ id: f.opener.id, fingerprint: new Uint8Array(32) }] })).toThrow(/staff ids/);
    expect(() => genesisBytes({ ...f.genesis, recipients: [] })).toThrow(/recipients: 1-200/);
    const many = Array.from({ length: 201 }, (_, i) => ({ id: `s_${String(i).padStart(22, '0')}`, fingerprint: new Uint8Array(32) }));
    expect(() => genesisBytes({ ...f.genesis, recipients: many })).toThrow(/recipients: 1-200/);
    // Nor is a hand-written genesis with a count of 0 or over 200 read.
    const text = new TextDecoder().decode(f.bytes).split('\n');
    expect(parseGenesis(utf8([...text.slice(0, 10), '0'].join('\n')))).toBeNull();
  });

  it('commits to K for one thread, and fingerprints both keys', () => {
    const f = threadFixture(sodium);
    expect(keyCommitment(f.threadId, f.opener.sign.publicKey, f.key)).toEqual(f.genesis.keyCommitment);
    expect(keyCommitment('t_OTHEROTHEROTHEROTHEROT', f.opener.sign.publicKey, f.key)).not.toEqual(f.genesis.keyCommitment);
    // Another opener key (a server re-signing the genesis as its own): another commitment.
    expect(keyCommitment(f.threadId, f.p1.sign.publicKey, f.key)).not.toEqual(f.genesis.keyCommitment);
    const fp = keyFingerprint(f.p1.box.publicKey, f.p1.sign.publicKey);
    expect(fp).toHaveLength(32);
    expect(keyFingerprint(f.p1.box.publicKey, f.p2.sign.publicKey)).not.toEqual(fp);
    expect(() => keyFingerprint(new Uint8Array(31), f.p1.sign.publicKey)).toThrow(RangeError);
  });
});
