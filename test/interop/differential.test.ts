import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as sdkManifest from '../../src/protocol/manifest.js';
import * as sdkEnvelope from '../../src/protocol/envelope.js';
import * as sdkGenesis from '../../src/protocol/genesis.js';
import { encodeBody as sdkEncodeBody } from '../../src/protocol/message-body.js';
import { pad as sdkPad } from '../../src/protocol/padding.js';
import * as sdkTranscript from '../../src/protocol/transcript.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';
import { utf8 } from './independent/bytes.js';
import { keyFingerprint, manifestBytes, parseManifest, type DirectoryEntry } from './independent/directory.js';
import { genesisBytes, genesisHash, parseGenesis, signGenesis, type Genesis } from './independent/genesis.js';
import { boxKeyPairFromSeed, signKeyPairFromSeed } from './independent/keys.js';
import { encodeBody, openMessage, sealMessage } from './independent/message.js';
import { pad } from './independent/padding.js';
import { openThreadKey, sealThreadKey } from './independent/thread-key.js';
import { checkItem, initialState, itemSignedBytes, signItem, type UnsignedItem } from './independent/transcript.js';
import { LANGUAGES, THREAD_KINDS, TOPICS, URGENCIES } from './independent/vocabulary.js';

// Differential tests: the independent implementation and the project's protocol functions (what
// the SDK and the server run) on the same random inputs must produce the same bytes, accept the
// same genesis texts and open each other's sealed keys and messages. Fixed vectors check chosen
// inputs; these look for the input nobody chose (an id with '-' and '_', a display name in any
// script, a byte flipped anywhere in a genesis).

let sodium: Sodium;
beforeAll(async () => { sodium = await loadSodium(); });

const B64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
const id = (prefix: string) => fc.array(fc.constantFrom(...B64URL), { minLength: 22, maxLength: 22 }).map((c) => `${prefix}_${c.join('')}`);
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const genesisArb: fc.Arbitrary<Genesis> = fc.record({
  threadId: id('t'),
  kind: fc.constantFrom(...THREAD_KINDS),
  language: fc.constantFrom(...LANGUAGES),
  topic: fc.constantFrom(...TOPICS),
  urgency: fc.constantFrom(...URGENCIES),
  openerId: fc.oneof(id('a'), id('s')),
  openerBoxPublicKey: bytes(32),
  openerSignPublicKey: bytes(32),
  keyCommitment: bytes(32),
  recipients: fc.uniqueArray(fc.record({ id: id('s'), fingerprint: bytes(32) }), { minLength: 1, maxLength: 6, selector: (r) => r.id }),
}).filter((g) => g.recipients.every((r) => r.id !== g.openerId));

/** The same genesis in the SDK's type, recipients in the order it requires of its caller. */
const sdkGenesisOf = (g: Genesis): sdkGenesis.Genesis => ({ ...g, recipients: [...g.recipients].sort(byId) } as sdkGenesis.Genesis);

describe('independent implementation = the project\'s protocol functions', () => {
  it('genesis bytes are the same for any genesis', () => {
    fc.assert(fc.property(genesisArb, (g) => {
      expect(genesisBytes(g)).toEqual(sdkGenesis.genesisBytes(sdkGenesisOf(g)));
    }));
  });

  it('a genesis with any one character changed, added or removed is accepted by both or by neither', () => {
    // Every position, every edit from a set that reaches each field's rules: id prefixes, the
    // base64url alphabet and its standard cousins, padding, white space, line ends, a digit, a
    // non-ASCII letter. Exhaustive per genesis, so a rule one side lacks cannot hide.
    const replacements = [...'ast0A-_=+/ \n\r', 'é'].map((c) => utf8(c));
    const splice = (b: Uint8Array, at: number, count: number, insert: Uint8Array): Uint8Array => {
      const remove = Math.min(count, b.length - at);
      const out = new Uint8Array(b.length - remove + insert.length);
      out.set(b.subarray(0, at));
      out.set(insert, at);
      out.set(b.subarray(at + remove), at + insert.length);
      return out;
    };
    const small = genesisArb.filter((g) => g.recipients.length <= 2);
    fc.assert(fc.property(small, (g) => {
      const original = genesisBytes(g);
      for (let at = 0; at <= original.length; at++) {
        const edits = [splice(original, at, 1, new Uint8Array(0)), ...replacements.flatMap((r) => [splice(original, at, 1, r), splice(original, at, 0, r)])];
        for (const mutated of edits) {
          const mine = parseGenesis(mutated);
          const theirs = sdkGenesis.parseGenesis(mutated);
          if ((mine === null) !== (theirs === null)) expect.fail(`${mine ? 'only this implementation' : 'only the SDK'} accepts:\n${new TextDecoder().decode(mutated)}`);
          if (mine && theirs) expect(genesisBytes(mine)).toEqual(sdkGenesis.genesisBytes(theirs));
        }
      }
    }), { numRuns: 2, endOnFailure: true });
  });

  it('manifest bytes are the same for any entries, display names, role and language orders, and both parse them alike', () => {
    const roles = fc.subarray(['admin', 'moderator', 'psychologist', 'supervisor', 'school-psychologist'], { minLength: 1 }).chain((r) => fc.shuffledSubarray(r, { minLength: r.length }));
    const languages = fc.subarray([...LANGUAGES], { minLength: 1 }).chain((l) => fc.shuffledSubarray(l, { minLength: l.length }));
    // Any name, valid or not (control characters, surrounding spaces, too long): both must encode it or refuse it alike.
    const name = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.string({ minLength: 0, maxLength: 90 }));
    const entry = fc.record({ staffId: id('s'), displayName: name, roles, languages, boxPublicKey: bytes(32), signPublicKey: bytes(32) });
    const manifest = fc.record({
      version: fc.integer({ min: 1, max: 2 ** 40 }), issuedAt: fc.integer({ min: 0, max: 2 ** 45 }), validity: fc.integer({ min: 1, max: 2 ** 35 }),
      entries: fc.uniqueArray(entry, { maxLength: 5, selector: (e) => e.staffId }),
    });
    fc.assert(fc.property(manifest, ({ validity, ...m }) => {
      const input = { ...m, expiresAt: m.issuedAt + validity };
      const mine = manifestBytes(input);
      let theirs: Uint8Array | null;
      try { theirs = sdkManifest.manifestBytes(input as sdkManifest.Manifest); } catch { theirs = null; }
      expect(mine).toEqual(theirs);
      if (!mine) return;
      // A one-byte change anywhere: both parsers accept it or both refuse it.
      const at = mine.length > 1 ? (m.version % (mine.length - 1)) : 0;
      const edited = mine.slice();
      edited[at] = edited[at]! ^ 0x01;
      expect(parseManifest(edited) === null).toBe(sdkManifest.parseManifest(edited) === null);
      expect(parseManifest(mine)).not.toBeNull();
    }));
  });

  it('item signed bytes are the same for any item', () => {
    const item = fc.record({
      threadId: id('t'), seq: fc.integer({ min: 1, max: 2 ** 40 }), type: fc.constantFrom('message', 'claim', 'handover', 'return'), senderId: fc.oneof(id('a'), id('s')),
      prevHash: bytes(32), toStaffId: id('s'), toFingerprint: bytes(32),
      pool: fc.uniqueArray(fc.record({ staffId: id('s'), fingerprint: bytes(32) }), { minLength: 1, maxLength: 5, selector: (m) => m.staffId }).map((p) => p.sort((x, y) => (x.staffId < y.staffId ? -1 : 1))), nonce: bytes(24), ciphertext: fc.uint8Array({ minLength: 272, maxLength: 272 }),
    });
    fc.assert(fc.property(item, (i) => {
      const mine: UnsignedItem = {
        seq: i.seq, type: i.type, senderId: i.senderId, prevHash: i.prevHash,
        ...(i.type === 'message' ? { nonce: i.nonce, ciphertext: i.ciphertext } : {}),
        ...(i.type === 'handover' ? { toStaffId: i.toStaffId, toFingerprint: i.toFingerprint } : {}),
        ...(i.type === 'return' ? { pool: i.pool } : {}),
      };
      const header: sdkEnvelope.ItemHeader = {
        threadId: i.threadId, seq: i.seq, type: i.type, senderId: i.senderId, prevHash: i.prevHash,
        ...(i.type === 'handover' ? { to: { staffId: i.toStaffId, fingerprint: i.toFingerprint } } : {}), ...(i.type === 'return' ? { pool: i.pool } : {}),
      };
      const payload = i.type === 'message' ? new Uint8Array([...i.nonce, ...i.ciphertext]) : new Uint8Array(0);
      expect(itemSignedBytes(i.threadId, mine)).toEqual(sdkEnvelope.itemSignedBytes(header, payload));
    }));
  });

  it('padding and text bodies are the same bytes', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 80 * 256 - 1 }), (n) => {
      const plain = new Uint8Array(n).fill(0x61);
      expect(Buffer.compare(pad(plain), sdkPad(plain))).toBe(0);
    }), { numRuns: 100 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), fc.nat(), fc.nat(), (text, at, read) => {
      expect(encodeBody({ type: 'text', at, read, text })).toEqual(sdkEncodeBody({ type: 'text', at, read, text }));
    }));
  });

  it('each opens the other\'s sealed thread keys and messages', () => {
    fc.assert(fc.property(id('t'), bytes(32), bytes(32), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 600 }), (threadId, threadKey, seed, text) => {
      const box = boxKeyPairFromSeed(seed);
      const sdkBox = sodium.crypto_box_seed_keypair(seed);
      const sign = signKeyPairFromSeed(seed);
      const commitment = sdkGenesis.keyCommitment(threadId, sign.publicKey, threadKey);
      expect(sdkEnvelope.openThreadKey(sodium, sealThreadKey(threadKey, threadId, box.publicKey), threadId, sdkBox)).toEqual(threadKey);
      expect(openThreadKey(sdkEnvelope.sealThreadKey(sodium, threadKey, threadId, sdkBox.publicKey), box, threadId, sign.publicKey, commitment)).toEqual(threadKey);

      const position = { threadId, seq: 7, senderId: 'a_AAAAAAAAAAAAAAAAAAAAAA', prevHash: commitment };
      const header: sdkEnvelope.ItemHeader = { ...position, type: 'message' };
      const body = { type: 'text' as const, at: 1, read: 6, text };
      const mine = sealMessage(position, body, threadKey, sign.seed);
      expect(sdkEnvelope.openMessage(sodium, { threadKey, header, nonce: mine.nonce!, ciphertext: mine.ciphertext! })).toEqual(encodeBody(body));
      const theirs = sdkEnvelope.sealMessage(sodium, { threadKey, header, plaintext: utf8(JSON.stringify(body)), signPrivateKey: sodium.crypto_sign_seed_keypair(seed).privateKey });
      expect(openMessage(threadId, { ...position, type: 'message', nonce: theirs.nonce, ciphertext: theirs.ciphertext, signature: theirs.signature }, threadKey)).toEqual(body);
      expect(theirs.signature).toEqual(sealMessage(position, body, threadKey, sign.seed, theirs.nonce).signature);
    }), { numRuns: 50 });
  });

  it('who may speak: any sequence of messages, claims and hand-overs by anyone is judged alike', () => {
    const person = (id: string, n: number, roles: string[], languages: string[]) => ({ id, roles, languages, box: boxKeyPairFromSeed(new Uint8Array(32).fill(n)), sign: signKeyPairFromSeed(new Uint8Array(32).fill(n + 1)) });
    const asker = person('a_ASKERASKERASKERASKERAS', 1, [], []);
    const staff = [
      person('s_PSYONEPSYONEPSYONEPSYO', 3, ['psychologist'], ['ru']),
      person('s_PSYTWOPSYTWOPSYTWOPSYT', 5, ['psychologist', 'supervisor'], ['kk', 'ru']),
      person('s_LATECOMERLATECOMERLATE', 7, ['psychologist'], ['ru']), // in the pool, not in the genesis
      person('s_ROTATEDROTATEDROTATEDR', 9, ['psychologist'], ['ru']), // named with keys it no longer has
      person('s_KAZAKHKAZAKHKAZAKHKAZA', 11, ['psychologist'], ['kk']),
      person('s_MODERATORMODERATORMODE', 13, ['moderator'], ['ru']),
      person('s_SUPERVISORSUPERVISORSU', 15, ['supervisor'], ['ru']),
    ];
    const everyone = [asker, ...staff];
    const directory = new Map<string, DirectoryEntry>(staff.map((p) => [p.id, { staffId: p.id, displayName: p.id, roles: p.roles, languages: p.languages, boxPublicKey: p.box.publicKey, signPublicKey: p.sign.publicKey }]));
    const fingerprintOf = (p: (typeof staff)[number]) => keyFingerprint(p.box.publicKey, p.sign.publicKey);
    const action = fc.record({
      by: fc.nat(everyone.length - 1),
      // Mostly signed by its sender; now and then by someone else's key.
      signer: fc.oneof({ arbitrary: fc.constant(null), weight: 9 }, { arbitrary: fc.nat(everyone.length - 1), weight: 1 }),
      type: fc.constantFrom('message', 'claim', 'handover', 'return'),
      to: fc.nat(staff.length - 1),
      // A return's pool: `to` and these, in ascending id order.
      more: fc.array(fc.nat(staff.length - 1), { maxLength: 3 }),
    });
    fc.assert(fc.property(fc.constantFrom('consultation' as const, 'case' as const), fc.array(action, { minLength: 1, maxLength: 12 }), (kind, actions) => {
      const threadId = 't_THREADTHREADTHREADTHRE';
      const genesis: Genesis = {
        threadId, kind, language: 'ru', topic: 'other', urgency: 'soon', openerId: asker.id, openerBoxPublicKey: asker.box.publicKey, openerSignPublicKey: asker.sign.publicKey,
        keyCommitment: new Uint8Array(32),
        recipients: [staff[0]!, staff[1]!, staff[6]!].map((p) => ({ id: p.id, fingerprint: fingerprintOf(p) })).concat({ id: staff[3]!.id, fingerprint: new Uint8Array(32).fill(7) }),
      };
      const gBytes = genesisBytes(genesis);
      const head = genesisHash(gBytes, signGenesis(gBytes, asker.sign.seed));
      let mine = initialState(head);
      let theirs = sdkTranscript.startTranscript(sdkGenesis.parseGenesis(gBytes)!, head);
      const known = (id: string) => { const e = directory.get(id); return e ? { id, roles: e.roles, languages: e.languages, boxPublicKey: e.boxPublicKey, signPublicKey: e.signPublicKey } : null; };
      for (const a of actions) {
        const by = everyone[a.by]!;
        const to = staff[a.to]!;
        const unsigned: UnsignedItem = {
          seq: mine.seq + 1, type: a.type, senderId: by.id, prevHash: mine.head,
          ...(a.type === 'message' ? { nonce: new Uint8Array(24), ciphertext: new Uint8Array(16 + 256) } : {}),
          ...(a.type === 'handover' ? { toStaffId: to.id, toFingerprint: fingerprintOf(to) } : {}),
          ...(a.type === 'return' ? {
            pool: [...new Set([a.to, ...a.more])].map((n) => staff[n]!).sort((x, y) => (x.id < y.id ? -1 : 1)).map((p) => ({ staffId: p.id, fingerprint: fingerprintOf(p) })),
          } : {}),
        };
        const item = signItem(threadId, unsigned, everyone[a.signer ?? a.by]!.sign.seed);
        const checked = checkItem(genesis, directory, mine, item);
        const applied = sdkTranscript.applyItem(sodium, theirs, {
          ...item, ...(item.toStaffId ? { to: { staffId: item.toStaffId, fingerprint: item.toFingerprint! } } : {}),
        }, known);
        expect(checked.ok, `${a.type} by ${by.id}${a.signer === null ? '' : ` signed by ${everyone[a.signer]!.id}`} after holder ${mine.holder?.id}`).toBe(applied.ok);
        if (checked.ok && applied.ok) {
          expect(checked.hash).toEqual(applied.hash);
          expect(checked.state.holder?.id).toBe(applied.state.holder?.id);
          if (a.type === 'return') expect(checked.state.pool?.map((m) => m.id)).toEqual(applied.state.pool.map((m) => m.staffId));
          mine = checked.state;
          theirs = applied.state;
        }
      }
    }), { numRuns: 200 });
  });
});
