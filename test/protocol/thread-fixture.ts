import { newThreadKey } from '../../src/protocol/envelope.js';
import { genesisBytes, genesisHash, keyCommitment, keyFingerprint, signGenesis, type Genesis } from '../../src/protocol/genesis.js';
import type { Sodium } from '../../src/protocol/sodium.js';
import type { KnownStaff } from '../../src/protocol/transcript.js';

// A thread built with the protocol functions alone: an opener, two psychologists in the pool, a
// moderator and a psychologist of another language outside it.
export function threadFixture(sodium: Sodium) {
  const person = (id: string, roles: string[], languages: string[]) => {
    const box = sodium.crypto_box_keypair();
    const sign = sodium.crypto_sign_keypair();
    const known: KnownStaff = { id, roles, languages, boxPublicKey: box.publicKey, signPublicKey: sign.publicKey };
    return { id, box, sign, known };
  };
  const opener = person('a_OPENEROPENEROPENEROPEN', [], []);
  const p1 = person('s_PSYCHONEPSYCHONEPSYCHO', ['psychologist'], ['ru']);
  const p2 = person('s_PSYCHTWOPSYCHTWOPSYCHT', ['psychologist'], ['ru', 'kk']);
  const moderator = person('s_MODERATORMODERATORMODE', ['moderator'], ['ru']);
  const english = person('s_ENGLISHENGLISHENGLISHE', ['psychologist'], ['en']);
  const staff = [p1, p2, moderator, english];
  const lookup = (id: string): KnownStaff | null => staff.find((s) => s.id === id)?.known ?? null;
  const threadId = 't_THREADTHREADTHREADTHRE';
  const key = newThreadKey(sodium);
  const recipients = [p1, p2].map((s) => ({ id: s.id, fingerprint: keyFingerprint(s.box.publicKey, s.sign.publicKey) })).sort((a, b) => (a.id < b.id ? -1 : 1));
  const genesis: Genesis = {
    threadId, kind: 'consultation', language: 'ru', topic: 'sleep', urgency: 'soon', openerId: opener.id,
    openerBoxPublicKey: opener.box.publicKey, openerSignPublicKey: opener.sign.publicKey, keyCommitment: keyCommitment(threadId, opener.sign.publicKey, key), recipients,
  };
  const bytes = genesisBytes(genesis);
  const signature = signGenesis(sodium, genesis, opener.sign.privateKey);
  return { opener, p1, p2, moderator, english, lookup, threadId, key, genesis, bytes, signature, hash: genesisHash(bytes, signature) };
}
