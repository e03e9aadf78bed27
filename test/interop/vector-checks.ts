import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'vitest';
import { concat, fromBase64Url, fromUtf8, toBase64Url, utf8 } from './independent/bytes.js';
import { keyFingerprint, type DirectoryEntry } from './independent/directory.js';
import { genesisBytes, genesisHash, keyCommitment, parseGenesis, signGenesis, verifyGenesis } from './independent/genesis.js';
import { boxKeyPairFromSecret, boxKeyPairFromSeed, deriveAskerKeys, deriveKey, deriveStaffSecrets, KDF_SALT, signKeyPairFromSeed, staffMasterKey, unwrapKeyBundle, wrapKeyBundle } from './independent/keys.js';
import { openMessage, parseBody, sealMessage } from './independent/message.js';
import { pad, unpad } from './independent/padding.js';
import { leadingZeroBits, meetsProofOfWork, solveProofOfWork } from './independent/pow.js';
import { formatRecoveryCode, parseRecoveryCode } from './independent/recovery-code.js';
import { sealOpen } from './independent/sealed-box.js';
import { openThreadKey, sealThreadKey } from './independent/thread-key.js';
import { checkItem, initialState, itemHash, itemHeader, itemSignedBytes, signItem, type Item } from './independent/transcript.js';
import type { ItemType } from './independent/vocabulary.js';

// One checker per construction of test/vectors/protocol-v2.json (PROTOCOL.md §1.4): each
// recomputes the vector's outputs from its inputs with the independent implementation. A new
// kind of vector is one more entry in CHECKS.

/* eslint-disable @typescript-eslint/no-explicit-any -- vectors are JSON read from a file; each checker states the fields it reads */
type Json = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const hex = bytesToHex;
const bytes = hexToBytes;

interface Party { id: string; boxSeed: string; signSeed: string; boxPublicKey: string; signPublicKey: string }

/** The parties of the thread vectors as a verified directory: pool members of the vectors' language. */
function partyDirectory(parties: Record<string, Party>, language: string): Map<string, DirectoryEntry> {
  return new Map(Object.values(parties).filter((p) => p.id.startsWith('s_')).map((p) => [p.id, {
    staffId: p.id, displayName: p.id, roles: ['psychologist'], languages: [language], boxPublicKey: bytes(p.boxPublicKey), signPublicKey: bytes(p.signPublicKey),
  }]));
}

export type VectorCheck = (vectors: Json, all: Record<string, Json>) => void | Promise<void>;

export const CHECKS: Record<string, VectorCheck> = {
  base64url(vectors) {
    for (const v of vectors) {
      if (v.valid === false) expect(fromBase64Url(v.base64url), v.why).toBeNull();
      else {
        expect(toBase64Url(bytes(v.bytes))).toBe(v.base64url);
        expect(hex(fromBase64Url(v.base64url)!)).toBe(v.bytes);
      }
    }
  },

  recoveryCode({ encode, decode }) {
    for (const v of encode) {
      const code = formatRecoveryCode(bytes(v.secret));
      expect(code).toBe(v.code);
      expect(code.replace(/-/g, '')).toBe(v.data + v.checks);
    }
    for (const v of decode) {
      const parsed = parseRecoveryCode(v.input);
      expect(parsed.ok ? { secret: hex(parsed.secret) } : { error: parsed.reason }, v.input).toEqual(v.secret ? { secret: v.secret } : { error: v.error });
    }
  },

  hkdf(vectors) {
    for (const v of vectors) {
      expect(v.salt).toBe(KDF_SALT);
      expect(v.length).toBe(32);
      expect(hex(deriveKey(bytes(v.ikm), v.info))).toBe(v.okm);
    }
  },

  askerKeys(vectors) {
    for (const v of vectors) {
      const keys = deriveAskerKeys(bytes(v.recoverySecret));
      expect(hex(keys.authKey)).toBe(v.authKey);
      expect(toBase64Url(keys.authKey)).toBe(v.authKeyBase64url);
      expect(hex(keys.box.secretKey)).toBe(v.boxSecretKey);
      expect(hex(keys.box.publicKey)).toBe(v.boxPublicKey);
      expect(hex(keys.sign.seed)).toBe(v.signSeed);
      expect(hex(keys.sign.publicKey)).toBe(v.signPublicKey);
      expect(hex(boxKeyPairFromSeed(bytes(v.boxSeed)).publicKey)).toBe(v.boxPublicKey);
    }
  },

  async staffSecrets(vectors) {
    for (const v of vectors) {
      expect(hex(utf8(v.passphrase.normalize('NFKC')))).toBe(v.password);
      const params = { m: v.argon2id.m, t: v.argon2id.t, p: v.argon2id.p };
      expect(v.argon2id).toMatchObject({ version: 0x13, length: 32 });
      expect(hex(await staffMasterKey(v.passphrase, bytes(v.salt), params))).toBe(v.masterKey);
      const secrets = await deriveStaffSecrets(v.passphrase, bytes(v.salt), params);
      expect({ authKey: hex(secrets.authKey), wrapKey: hex(secrets.wrapKey) }).toEqual({ authKey: v.authKey, wrapKey: v.wrapKey });
    }
  },

  keyBundle(vectors) {
    for (const v of vectors) {
      const sign = signKeyPairFromSeed(bytes(v.signSecretKey).slice(0, 32));
      expect(hex(sign.publicKey)).toBe(v.signPublicKey);
      const box = boxKeyPairFromSecret(bytes(v.boxSecretKey));
      expect(hex(box.publicKey)).toBe(v.boxPublicKey);
      expect(v.ad).toBe('tynys/v1/staff-key-bundle');
      const wrapped = wrapKeyBundle(bytes(v.wrapKey), { box, sign }, bytes(v.nonce));
      expect(hex(wrapped)).toBe(v.wrapped);
      expect(toBase64Url(wrapped)).toBe(v.wrappedBase64url);
      const opened = unwrapKeyBundle(bytes(v.wrapKey), wrapped)!;
      expect(hex(opened.box.secretKey)).toBe(v.boxSecretKey);
      expect(hex(concat(opened.sign.seed, opened.sign.publicKey))).toBe(v.signSecretKey);
    }
  },

  proofOfWork(vectors) {
    for (const v of vectors) {
      const challenge = bytes(v.challenge);
      expect(toBase64Url(challenge)).toBe(v.challengeBase64url);
      expect(solveProofOfWork(challenge, v.bits)).toBe(v.counter);
      expect(meetsProofOfWork(challenge, v.counter, v.bits)).toBe(true);
      const counter = new Uint8Array(8);
      new DataView(counter.buffer).setBigUint64(0, BigInt(v.counter));
      expect(hex(concat(challenge, counter))).toBe(v.input);
      expect(hex(sha256(bytes(v.input)))).toBe(v.hash);
      expect(leadingZeroBits(bytes(v.hash))).toBe(v.leadingZeroBits);
    }
  },

  threadParties(parties: Record<string, Party>) {
    for (const p of Object.values(parties)) {
      expect(hex(boxKeyPairFromSeed(bytes(p.boxSeed)).publicKey)).toBe(p.boxPublicKey);
      expect(hex(signKeyPairFromSeed(bytes(p.signSeed)).publicKey)).toBe(p.signPublicKey);
    }
  },

  fingerprint(vectors) {
    for (const v of vectors) expect(hex(keyFingerprint(bytes(v.boxPublicKey), bytes(v.signPublicKey)))).toBe(v.fingerprint);
  },

  keyCommitment(vectors) {
    for (const v of vectors) expect(hex(keyCommitment(v.threadId, bytes(v.openerSignPublicKey), bytes(v.key)))).toBe(v.commitment);
  },

  padding(vectors) {
    for (const v of vectors) {
      expect(hex(pad(bytes(v.plain)))).toBe(v.padded);
      expect(hex(unpad(bytes(v.padded))!)).toBe(v.plain);
    }
  },

  genesis(vectors, all) {
    const opener: Party | undefined = all.threadParties?.opener;
    for (const v of vectors) {
      const raw = bytes(v.bytes);
      expect(fromUtf8(raw)).toBe(v.text);
      const genesis = parseGenesis(raw)!;
      expect(genesis, 'canonical genesis').not.toBeNull();
      expect(hex(genesisBytes(genesis))).toBe(v.bytes);
      expect(verifyGenesis(raw, bytes(v.signature))).not.toBeNull();
      // Ed25519 is deterministic: the opener's seed gives the same signature.
      if (opener) expect(hex(signGenesis(raw, bytes(opener.signSeed)))).toBe(v.signature);
      expect(hex(genesisHash(raw, bytes(v.signature)))).toBe(v.hash);
    }
  },

  sealedKey(vectors, all) {
    for (const v of vectors) {
      const party: Party = all.threadParties[v.recipient];
      const recipient = boxKeyPairFromSeed(bytes(party.boxSeed));
      const ephemeral = boxKeyPairFromSeed(bytes(v.ephemeralSeed));
      expect(hex(blake2b(concat(ephemeral.publicKey, recipient.publicKey), { dkLen: 24 }))).toBe(v.nonce);
      expect(hex(sealThreadKey(bytes(v.key), v.threadId, recipient.publicKey, ephemeral.secretKey))).toBe(v.sealed);
      expect(hex(sealOpen(bytes(v.sealed), recipient)!)).toBe(v.opensTo);
      const opener = bytes(all.threadParties.opener.signPublicKey);
      expect(hex(openThreadKey(bytes(v.sealed), recipient, v.threadId, opener, keyCommitment(v.threadId, opener, bytes(v.key)))!)).toBe(v.key);
    }
  },

  transcript(vectors, all) {
    const parties: Record<string, Party> = all.threadParties;
    const seedOf = (id: string): Uint8Array => bytes(Object.values(parties).find((p) => p.id === id)!.signSeed);
    const genesis = parseGenesis(bytes(all.genesis[0].bytes))!;
    const directory = partyDirectory(parties, genesis.language);
    for (const v of vectors) {
      expect(v.genesisHash).toBe(all.genesis[0].hash);
      const key = bytes(v.key);
      let state = initialState(bytes(v.genesisHash));
      for (const w of v.items) {
        const unsigned = {
          seq: w.seq, type: w.type as ItemType, senderId: w.senderId, prevHash: bytes(w.prevHash),
          ...(w.nonce ? { nonce: bytes(w.nonce), ciphertext: bytes(w.ciphertext) } : {}),
          ...(w.toStaffId ? { toStaffId: w.toStaffId, toFingerprint: bytes(w.toFingerprint) } : {}),
          ...(w.pool ? { pool: (w.pool as { staffId: string; fingerprint: string }[]).map((m) => ({ staffId: m.staffId, fingerprint: bytes(m.fingerprint) })) } : {}),
        };
        expect(itemHeader(v.threadId, unsigned)).toBe(w.header);
        expect(hex(itemSignedBytes(v.threadId, unsigned))).toBe(w.signedBytes);
        let item: Item = signItem(v.threadId, unsigned, seedOf(w.senderId));
        expect(hex(item.signature)).toBe(w.signature);
        if (w.type === 'message') {
          const body = parseBody(utf8(w.body), w.seq)!;
          expect(body, w.body).not.toBeNull();
          expect(hex(pad(utf8(w.body)))).toBe(w.padded);
          item = sealMessage({ threadId: v.threadId, seq: w.seq, senderId: w.senderId, prevHash: bytes(w.prevHash) }, body, key, seedOf(w.senderId), bytes(w.nonce));
          // The body re-encoded by this implementation gives the same bytes: key order and escaping as the spec writes them.
          expect(hex(item.ciphertext!)).toBe(w.ciphertext);
          expect(hex(item.signature)).toBe(w.signature);
          expect(openMessage(v.threadId, item, key)).toEqual(body);
        }
        expect(hex(itemHash(v.threadId, item))).toBe(w.hash);
        const check = checkItem(genesis, directory, state, item);
        expect(check, `item ${w.seq}`).toMatchObject({ ok: true });
        if (check.ok) state = check.state;
      }
    }
  },
};
