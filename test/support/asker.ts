import { deriveAskerKeys, type AskerKeys } from '../../src/protocol/kdf.js';
import { fromBase64Url, randomBytes, toBase64Url } from '../../src/protocol/encoding.js';
import { solveProofOfWork } from '../../src/protocol/pow.js';
import type { TestContext } from './app.js';

export interface TestAsker {
  identityId: string;
  token: string;
  keys: AskerKeys;
  secret: Uint8Array;
}

/** Mints an identity through the API, solving the (test-sized) proof of work like a client. */
export async function mintAsker(t: TestContext): Promise<TestAsker> {
  const secret = randomBytes(16);
  const keys = deriveAskerKeys(t.sodium, secret);
  const ch = await t.call('POST', '/api/pow/challenges', { json: { purpose: 'identity' } });
  const counter = solveProofOfWork(fromBase64Url(ch.body.challenge)!, ch.body.bits)!;
  const res = await t.call('POST', '/api/identities', {
    json: {
      authKey: toBase64Url(keys.authKey),
      boxPublicKey: toBase64Url(keys.box.publicKey),
      signPublicKey: toBase64Url(keys.sign.publicKey),
      pow: { challenge: ch.body.challenge, counter },
    },
  });
  if (res.status !== 201) throw new Error(`mint failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { identityId: res.body.identityId, token: res.body.token, keys, secret };
}
