import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { pepperFromBytes, type HashPurpose } from '../../src/pepper.js';
import { deriveKey } from '../../src/protocol/kdf.js';
import { randomBytes } from '../../src/protocol/encoding.js';

// Every stored hash (sessions, identities, invites, votes…) was made with @noble's HMAC: the
// node:crypto one must give the very same bytes, or every existing session and identity is lost.
describe('pepper', () => {
  const purposes: HashPurpose[] = ['identity-auth', 'staff-auth', 'session', 'invite', 'fake-salt', 'pow', 'vote', 'flag', 'question'];

  it('hashes byte for byte as the pure-JavaScript HMAC under the same subkeys', () => {
    for (let round = 0; round < 20; round++) {
      const secret = randomBytes(32);
      const pepper = pepperFromBytes(secret);
      for (const purpose of purposes) {
        for (const size of [0, 1, 32, 64, 65, 1000]) {
          const data = randomBytes(size);
          const expected = hmac(sha256, deriveKey(secret, `tynys/v1/pepper/${purpose}`), data);
          const got = pepper.hash(purpose, data);
          expect(got).toBeInstanceOf(Uint8Array);
          expect(Buffer.from(got).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
        }
      }
    }
  });

  it('keeps each purpose apart', () => {
    const pepper = pepperFromBytes(new Uint8Array(32).fill(7));
    const data = new Uint8Array(32).fill(1);
    const digests = new Set(purposes.map((p) => Buffer.from(pepper.hash(p, data)).toString('hex')));
    expect(digests.size).toBe(purposes.length);
    // A known answer, so that a change to the subkeys or the HMAC cannot pass unnoticed.
    expect(Buffer.from(pepper.hash('session', data)).toString('hex')).toBe(
      Buffer.from(hmac(sha256, deriveKey(new Uint8Array(32).fill(7), 'tynys/v1/pepper/session'), data)).toString('hex'),
    );
  });
});
