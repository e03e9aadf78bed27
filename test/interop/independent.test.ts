import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from '@noble/ciphers/utils.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { concat, fromBase64Url, toBase64Url, utf8 } from './independent/bytes.js';
import { keyFingerprint, manifestBytes, signManifest, verifiedDirectory, type DirectoryEntry } from './independent/directory.js';
import { genesisBytes, genesisHash, keyCommitment, parseGenesis, signGenesis, verifyGenesis, type Genesis } from './independent/genesis.js';
import { boxKeyPairFromSecret, boxKeyPairFromSeed, signKeyPairFromSeed, unwrapKeyBundle, wrapKeyBundle } from './independent/keys.js';
import { encodeBody, openMessage, parseBody, sealMessage } from './independent/message.js';
import { pad, unpad } from './independent/padding.js';
import { formatRecoveryCode, parseRecoveryCode } from './independent/recovery-code.js';
import { readThread, type ReaderIdentity, type WireItem, type WireThreadDetail } from './independent/reader.js';
import { boxSharedKey, seal, sealOpen } from './independent/sealed-box.js';
import { openThreadKey, sealThreadKey } from './independent/thread-key.js';
import { checkItem, initialState, itemHash, signItem, type Item, type TranscriptState } from './independent/transcript.js';

// The independent implementation on its own: known answers from NaCl and libsodium for the
// primitives it assembles by hand, then the checks of PROTOCOL.md §7.5 and §7.7 with tampering.

const seedOf = (n: number): Uint8Array => new Uint8Array(32).fill(n);

describe('primitives assembled by hand', () => {
  it('crypto_box_beforenm gives NaCl\'s known answer (HSalsa20 over the X25519 point of RFC 7748)', () => {
    const aliceSk = hexToBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bobPk = hexToBytes('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    // NaCl tests/core1.c "firstkey".
    expect(bytesToHex(boxSharedKey(aliceSk, bobPk))).toBe('1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389');
  });

  it('opens a box sealed by libsodium\'s crypto_box_seal, and seals what it opens', () => {
    // Made once with libsodium: crypto_box_seal("sealed by libsodium", crypto_box_seed_keypair(01 × 32).publicKey).
    const recipient = boxKeyPairFromSeed(seedOf(1));
    expect(bytesToHex(recipient.secretKey)).toBe('5ce86efb75fa4e2c410f46e16de9f6acae1a1703528651b69bc176c088bef3ee');
    const sealed = hexToBytes('543cff4bd5f4e90d847f3da29401b7ceaa31510586f12e8357e621d2457b7c2637ed86da4bb05641c963b75fc3654749b3b9fab09bfb00c31e1b8cb0666b28ea825e2f');
    expect(new TextDecoder().decode(sealOpen(sealed, recipient)!)).toBe('sealed by libsodium');
    expect(sealOpen(seal(utf8('x'), recipient.publicKey), recipient)).toEqual(utf8('x'));
  });

  it('a sealed box opens for no one else and not after any change', () => {
    const recipient = boxKeyPairFromSeed(seedOf(1));
    const sealed = seal(utf8('secret'), recipient.publicKey);
    expect(sealOpen(sealed, boxKeyPairFromSeed(seedOf(2)))).toBeNull();
    for (const i of [0, 31, 32, 47, 48, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[i]! ^= 1;
      expect(sealOpen(bad, recipient), `byte ${i}`).toBeNull();
    }
  });

  it('box and sign key pairs from a seed are libsodium\'s', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
    // crypto_box_seed_keypair and crypto_sign_seed_keypair of 00 01 … 1f, computed with libsodium.
    expect(bytesToHex(boxKeyPairFromSeed(seed).publicKey)).toBe('4701d08488451f545a409fb58ae3e58581ca40ac3f7f114698cd71deac73ca01');
    expect(bytesToHex(signKeyPairFromSeed(seed).publicKey)).toBe('03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8');
  });

  it('padding is sodium_pad: 0x80 then zeros to the next 256, a whole block for an exact multiple', () => {
    expect(pad(new Uint8Array(3).fill(9)).subarray(0, 5)).toEqual(Uint8Array.of(9, 9, 9, 0x80, 0));
    expect(pad(new Uint8Array(255)).length).toBe(256);
    expect(pad(new Uint8Array(256)).length).toBe(512);
    expect(() => pad(new Uint8Array(80 * 256))).toThrow(RangeError);
    const padded = pad(utf8('hello'));
    expect(unpad(padded)).toEqual(utf8('hello'));
    const noMarker = padded.slice();
    noMarker[5] = 0;
    expect(unpad(noMarker)).toBeNull();
    const trailing = padded.slice();
    trailing[255] = 1;
    expect(unpad(trailing)).toBeNull();
    expect(unpad(concat(pad(utf8('x')), new Uint8Array(256)))).toBeNull();
  });

  it('a recovery code round-trips and catches a typo and a swap of neighbours', () => {
    const secret = randomBytes(16);
    const code = formatRecoveryCode(secret);
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(parseRecoveryCode(code.toLowerCase().replace(/-/g, ' '))).toEqual({ ok: true, secret });
    const compact = code.replace(/-/g, '');
    const typo = compact.slice(0, 3) + (compact[3] === 'A' ? 'B' : 'A') + compact.slice(4);
    expect(parseRecoveryCode(typo)).toEqual({ ok: false, reason: 'checksum' });
    const i = [...compact].findIndex((ch, j) => j < 25 && ch !== compact[j + 1]);
    const swapped = compact.slice(0, i) + compact[i + 1] + compact[i] + compact.slice(i + 2);
    expect(parseRecoveryCode(swapped)).toEqual({ ok: false, reason: 'checksum' });
    expect(parseRecoveryCode(`${compact.slice(0, -1)}U`)).toEqual({ ok: false, reason: 'character' });
  });

  it('a key bundle opens only with its wrap key and only with matching public keys', () => {
    const keys = { box: boxKeyPairFromSeed(seedOf(3)), sign: signKeyPairFromSeed(seedOf(4)) };
    const wrapKey = randomBytes(32);
    const wrapped = wrapKeyBundle(wrapKey, keys, randomBytes(24));
    expect(wrapped.length).toBe(136);
    expect(unwrapKeyBundle(wrapKey, wrapped)?.sign.publicKey).toEqual(keys.sign.publicKey);
    expect(unwrapKeyBundle(randomBytes(32), wrapped)).toBeNull();
    expect(boxKeyPairFromSecret(unwrapKeyBundle(wrapKey, wrapped)!.box.secretKey).publicKey).toEqual(keys.box.publicKey);
  });
});

// A consultation among an asker, two psychologists of the pool, a psychologist of another
// language and a moderator, all signed into a directory by one organisation key.
function world() {
  const org = signKeyPairFromSeed(seedOf(0x70));
  const person = (id: string, n: number, roles: string[], languages = ['ru']) => ({
    id, box: boxKeyPairFromSeed(seedOf(n)), sign: signKeyPairFromSeed(seedOf(n + 1)), roles, languages,
  });
  const asker = person('a_ASKERASKERASKERASKERAS', 0x10, []);
  const p1 = person('s_PSYONEPSYONEPSYONEPSYO', 0x20, ['psychologist']);
  const p2 = person('s_PSYTWOPSYTWOPSYTWOPSYT', 0x30, ['psychologist']);
  const kk = person('s_KAZAKHKAZAKHKAZAKHKAZA', 0x40, ['psychologist'], ['kk']);
  const mod = person('s_MODERATORMODERATORMODE', 0x50, ['moderator']);
  const staff = [p1, p2, kk, mod];
  const manifest = {
    version: 3, issuedAt: 1_700_000_000_000, expiresAt: 1_702_592_000_000,
    entries: staff.map((s): DirectoryEntry => ({ staffId: s.id, displayName: s.id.slice(2, 8), roles: s.roles, languages: s.languages, boxPublicKey: s.box.publicKey, signPublicKey: s.sign.publicKey })),
  };
  const wireDirectory = signManifest(manifest, org.seed);
  const directory = verifiedDirectory(wireDirectory, org.publicKey, manifest.issuedAt);
  const threadId = 't_THREADTHREADTHREADTHRE';
  const threadKey = randomBytes(32);
  const genesis: Genesis = {
    threadId, kind: 'consultation', language: 'ru', topic: 'sleep', urgency: 'soon', openerId: asker.id,
    openerBoxPublicKey: asker.box.publicKey, openerSignPublicKey: asker.sign.publicKey, keyCommitment: keyCommitment(threadId, asker.sign.publicKey, threadKey),
    recipients: [p2, p1].map((p) => ({ id: p.id, fingerprint: keyFingerprint(p.box.publicKey, p.sign.publicKey) })),
  };
  const gBytes = genesisBytes(genesis);
  const gSig = signGenesis(gBytes, asker.sign.seed);
  // The transcript as a server would store it: items appended by whoever signs them.
  const items: Item[] = [];
  let head = genesisHash(gBytes, gSig);
  const next = () => ({ threadId, seq: items.length + 1, prevHash: head });
  const append = (item: Item) => { items.push(item); head = itemHash(threadId, item); return item; };
  const say = (who: { id: string; sign: { seed: Uint8Array } }, text: string, read = items.length) =>
    append(sealMessage({ ...next(), senderId: who.id }, { type: 'text', at: 1_790_000_000_000, read, text }, threadKey, who.sign.seed));
  const claim = (who: typeof p1) => append(signItem(threadId, { seq: items.length + 1, type: 'claim', senderId: who.id, prevHash: head }, who.sign.seed));
  const handover = (from: typeof p1, to: typeof p1) => append(signItem(threadId, {
    seq: items.length + 1, type: 'handover', senderId: from.id, prevHash: head, toStaffId: to.id, toFingerprint: keyFingerprint(to.box.publicKey, to.sign.publicKey),
  }, from.sign.seed));
  const detailFor = (reader: { box: { publicKey: Uint8Array } }, overrides: Partial<WireThreadDetail> = {}): WireThreadDetail => ({
    id: threadId, kind: 'consultation', language: 'ru', topic: 'sleep', urgency: 'soon',
    genesis: toBase64Url(gBytes), genesisSignature: toBase64Url(gSig), sealedKey: toBase64Url(sealThreadKey(threadKey, threadId, reader.box.publicKey)), ...overrides,
  });
  const wire = (list: Item[] = items): WireItem[] => list.map((i) => ({
    seq: i.seq, type: i.type, senderId: i.senderId, prevHash: toBase64Url(i.prevHash), signature: toBase64Url(i.signature),
    ...(i.nonce ? { nonce: toBase64Url(i.nonce), ciphertext: toBase64Url(i.ciphertext!) } : {}),
    ...(i.toStaffId ? { toStaffId: i.toStaffId, toFingerprint: toBase64Url(i.toFingerprint!) } : {}),
  }));
  const as = (p: typeof p1, role: ReaderIdentity['role']): ReaderIdentity => ({ role, id: p.id, box: p.box, sign: p.sign });
  const apply = () => {
    let state: TranscriptState = initialState(genesisHash(gBytes, gSig));
    for (const item of items) {
      const check = checkItem(genesis, directory, state, item);
      if (!check.ok) return check.reason;
      state = check.state;
    }
    return state;
  };
  return { org, asker, p1, p2, kk, mod, manifest, wireDirectory, directory, threadId, threadKey, genesis, gBytes, gSig, items, say, claim, handover, detailFor, wire, as, apply };
}

describe('the staff manifest (§6)', () => {
  it('is accepted only signed by the pinned organisation key (or a key it endorsed), canonical, unexpired and not older than one seen', () => {
    const w = world();
    expect(w.directory.size).toBe(4);
    const now = w.manifest.issuedAt;
    const text = Buffer.from(w.wireDirectory.manifest, 'base64url').toString('utf8');
    const forged = { ...w.wireDirectory, manifest: Buffer.from(text.replace('PSYONE', 'PSYTWO')).toString('base64url') };
    expect(() => verifiedDirectory(forged, w.org.publicKey, now)).toThrow('not signed');
    const stranger = signKeyPairFromSeed(seedOf(9));
    expect(() => verifiedDirectory(w.wireDirectory, stranger.publicKey, now)).toThrow('not signed');
    expect(() => verifiedDirectory(w.wireDirectory, w.org.publicKey, w.manifest.expiresAt)).toThrow('expired');
    expect(() => verifiedDirectory(w.wireDirectory, w.org.publicKey, now, 4)).toThrow('older');
    expect(verifiedDirectory(null, w.org.publicKey, now).size).toBe(0);
    // Rotation: signed by a new key that the pinned (old) key endorsed; without the endorsement, refused.
    const rotated = signManifest({ ...w.manifest, version: 4 }, stranger.seed, w.org.seed);
    expect(verifiedDirectory(rotated, w.org.publicKey, now).size).toBe(4);
    expect(() => verifiedDirectory({ ...rotated, endorsement: undefined }, w.org.publicKey, now)).toThrow('not signed');
    expect(manifestBytes({ ...w.manifest, entries: [{ ...w.directory.get(w.p1.id)!, displayName: 'two\nlines' }] })).toBeNull();
  });
});

describe('genesis (§7.2)', () => {
  it('only the canonical bytes parse; the signature binds them', () => {
    const w = world();
    expect(parseGenesis(w.gBytes)?.recipients.map((r) => r.id)).toEqual([w.p1.id, w.p2.id].sort());
    const text = new TextDecoder().decode(w.gBytes);
    for (const bad of [`${text}\n`, text.replace('\nsleep\n', '\nsleep \n'), text.replace(/\n2\n/, '\n02\n'), text.replace('\nsleep\n', '\ninsomnia\n')]) {
      expect(parseGenesis(utf8(bad)), JSON.stringify(bad.slice(0, 80))).toBeNull();
    }
    const lines = text.split('\n');
    expect(parseGenesis(utf8([...lines.slice(0, 11), lines[12], lines[11]].join('\n')))).toBeNull();
    expect(parseGenesis(utf8([...lines.slice(0, 10), '2', lines[11], lines[11]].join('\n')))).toBeNull();
    expect(verifyGenesis(w.gBytes, w.gSig)).not.toBeNull();
    expect(verifyGenesis(utf8(text.replace('\nsoon\n', '\nurgent\n')), w.gSig)).toBeNull();
  });
});

describe('sealed thread key (§7.3)', () => {
  it('opens only for its thread and its commitment', () => {
    const w = world();
    const sealed = sealThreadKey(w.threadKey, w.threadId, w.p1.box.publicKey);
    expect(sealed.length).toBe(104);
    const opener = w.genesis.openerSignPublicKey;
    expect(openThreadKey(sealed, w.p1.box, w.threadId, opener, w.genesis.keyCommitment)).toEqual(w.threadKey);
    expect(openThreadKey(sealed, w.p1.box, 't_OTHEROTHEROTHEROTHEROT', opener, keyCommitment('t_OTHEROTHEROTHEROTHEROT', opener, w.threadKey))).toBeNull();
    expect(openThreadKey(sealed, w.p1.box, w.threadId, opener, keyCommitment(w.threadId, opener, randomBytes(32)))).toBeNull();
    // The same K and commitment under another opener key (a server re-signing the genesis as its own): refused.
    expect(openThreadKey(sealed, w.p1.box, w.threadId, randomBytes(32), w.genesis.keyCommitment)).toBeNull();
  });
});

describe('who may speak (§7.5)', () => {
  it('the opener, then the claimer, then the colleague it hands over to', () => {
    const w = world();
    w.say(w.asker, 'hello');
    w.claim(w.p1);
    w.say(w.p1, 'hi');
    w.handover(w.p1, w.p2);
    w.say(w.p2, 'taking over');
    w.say(w.asker, 'thanks');
    expect(w.apply()).toMatchObject({ seq: 6, holder: { id: w.p2.id } });
  });

  it('a pool member cannot post before a claim', () => {
    const w = world();
    w.say(w.asker, 'hello');
    w.say(w.p1, 'I have not claimed');
    expect(w.apply()).toBe('not_allowed');
  });

  it('a moderator cannot post or claim, nor a psychologist of another language claim', () => {
    for (const who of ['mod', 'kk'] as const) {
      const w = world();
      w.claim(w[who]);
      expect(w.apply(), who).toBe('not_allowed');
    }
    const w = world();
    w.say(w.mod, 'moderator speaking');
    expect(w.apply()).toBe('not_allowed');
  });

  it('a second claim, a pool member other than the holder, and the former holder are refused', () => {
    const cases: [string, (w: ReturnType<typeof world>) => void][] = [
      ['second claim', (w) => { w.claim(w.p1); w.claim(w.p2); }],
      ['other pool member', (w) => { w.claim(w.p1); w.say(w.p2, 'me too'); }],
      ['former holder', (w) => { w.claim(w.p1); w.handover(w.p1, w.p2); w.say(w.p1, 'still here'); }],
      ['hand-over by a non-holder', (w) => { w.claim(w.p1); w.handover(w.p2, w.p2); }],
      ['hand-over outside the pool', (w) => { w.claim(w.p1); w.handover(w.p1, w.mod); }],
      ['hand-over to oneself', (w) => { w.claim(w.p1); w.handover(w.p1, w.p1); }],
    ];
    for (const [name, act] of cases) {
      const w = world();
      act(w);
      expect(w.apply(), name).toBe('not_allowed');
    }
  });

  it('a gap, a broken chain, a wrong signature and a wrong shape are refused', () => {
    const w = world();
    w.say(w.asker, 'one');
    w.say(w.asker, 'two');
    const state = initialState(genesisHash(w.gBytes, w.gSig));
    expect(checkItem(w.genesis, w.directory, state, w.items[1]!)).toEqual({ ok: false, reason: 'gap' });
    expect(checkItem(w.genesis, w.directory, state, { ...w.items[0]!, prevHash: new Uint8Array(32) })).toEqual({ ok: false, reason: 'broken_chain' });
    const flipped = w.items[0]!.ciphertext!.slice();
    flipped[0]! ^= 1;
    expect(checkItem(w.genesis, w.directory, state, { ...w.items[0]!, ciphertext: flipped })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(checkItem(w.genesis, w.directory, state, { ...w.items[0]!, ciphertext: w.items[0]!.ciphertext!.slice(1) })).toEqual({ ok: false, reason: 'shape' });
  });
});

describe('messages (§7.6)', () => {
  it('a ciphertext is 16 + 256·k bytes and the header is its associated data', () => {
    const w = world();
    const item = w.say(w.asker, 'x'.repeat(300));
    expect(item.ciphertext!.length).toBe(16 + 512);
    expect(openMessage(w.threadId, item, w.threadKey)).toMatchObject({ type: 'text', text: 'x'.repeat(300) });
    expect(openMessage(w.threadId, { ...item, seq: 2 }, w.threadKey)).toBeNull();
    expect(openMessage('t_OTHEROTHEROTHEROTHEROT', item, w.threadKey)).toBeNull();
  });

  it('bodies parse strictly', () => {
    const body = encodeBody({ type: 'intake', at: 1, read: 0, intake: { populations: ['plhiv', 'migrants'], ageGroup: '25-34' } });
    expect(new TextDecoder().decode(body)).toBe('{"type":"intake","at":1,"read":0,"intake":{"populations":["plhiv","migrants"],"ageGroup":"25-34"}}');
    expect(parseBody(body, 1)).not.toBeNull();
    expect(parseBody(body, 0)).toBeNull();
    for (const bad of [
      { type: 'text', at: 1, read: 0, text: 'a', extra: 1 },
      { type: 'text', at: -1, read: 0, text: 'a' },
      { type: 'text', at: 1, read: 0.5, text: 'a' },
      { type: 'intake', at: 1, read: 0, intake: { populations: ['martians'] } },
      { type: 'intake', at: 1, read: 0, intake: { populations: [], ageGroup: '17' } },
      { type: 'intake', at: 1, read: 0, intake: { populations: [], region: 'r'.repeat(81) } },
      { type: 'intake', at: 1, read: 0, intake: { populations: [], phone: '+7' } },
    ]) expect(parseBody(utf8(JSON.stringify(bad)), 5), JSON.stringify(bad)).toBeNull();
  });
});

describe('reading a thread (§7.7)', () => {
  it('an asker reads its own thread and sees the psychologist\'s answer', () => {
    const w = world();
    w.say(w.asker, 'hello');
    w.claim(w.p1);
    w.say(w.p1, 'hi');
    const read = readThread({ threadId: w.threadId, detail: w.detailFor(w.asker), items: w.wire(), reader: w.as(w.asker, 'asker'), directory: w.directory });
    expect(read.ok && read.thread.items.map((i) => i.body && 'text' in i.body && i.body.text)).toEqual(['hello', undefined, 'hi']);
  });

  it('an asker refuses a genesis it did not sign: the server as opener', () => {
    const w = world();
    const server = { id: w.asker.id, box: boxKeyPairFromSeed(seedOf(0x66)), sign: signKeyPairFromSeed(seedOf(0x67)) };
    const forged = parseGenesis(w.gBytes)!;
    const bytes = genesisBytes({ ...forged, openerSignPublicKey: server.sign.publicKey, openerBoxPublicKey: server.box.publicKey });
    const detail = w.detailFor(w.asker, { genesis: toBase64Url(bytes), genesisSignature: toBase64Url(signGenesis(bytes, server.sign.seed)) });
    expect(readThread({ threadId: w.threadId, detail, items: [], reader: w.as(w.asker, 'asker'), directory: w.directory })).toEqual({ ok: false, reason: 'genesis_not_mine' });
  });

  it('refuses metadata changed by the server, a key for another thread, a deleted middle item and a fork', () => {
    const w = world();
    w.say(w.asker, 'one');
    w.say(w.asker, 'two');
    w.say(w.asker, 'three');
    const reader = w.as(w.asker, 'asker');
    const read = (detail: WireThreadDetail, items = w.wire(), posted?: Map<number, Uint8Array>) => readThread({ threadId: w.threadId, detail, items, reader, directory: w.directory, ...(posted ? { posted } : {}) });
    expect(read(w.detailFor(w.asker, { urgency: 'urgent' }))).toMatchObject({ ok: false, reason: 'summary_mismatch' });
    const otherId = 't_OTHEROTHEROTHEROTHEROT';
    expect(read(w.detailFor(w.asker, { sealedKey: toBase64Url(sealThreadKey(w.threadKey, otherId, w.asker.box.publicKey)) }))).toMatchObject({ ok: false, reason: 'sealed_key_invalid' });
    expect(read(w.detailFor(w.asker), w.wire([w.items[0]!, w.items[2]!]))).toMatchObject({ ok: false, reason: 'gap', seq: 3 });
    const posted = new Map([[2, itemHash(w.threadId, w.items[1]!)]]);
    const other = world();
    expect(read(w.detailFor(w.asker), w.wire(), posted).ok).toBe(true);
    expect(read(w.detailFor(w.asker), w.wire(), new Map([[2, itemHash(other.threadId, other.say(other.asker, 'x'))]]))).toMatchObject({ ok: false, reason: 'fork', seq: 2 });
  });

  it('a staff reader must be a recipient under its own keys', () => {
    const w = world();
    expect(readThread({ threadId: w.threadId, detail: w.detailFor(w.p1), items: [], reader: w.as(w.p1, 'staff'), directory: w.directory }).ok).toBe(true);
    expect(readThread({ threadId: w.threadId, detail: w.detailFor(w.kk), items: [], reader: w.as(w.kk, 'staff'), directory: w.directory })).toEqual({ ok: false, reason: 'not_a_reader' });
  });

  it('a case is read by its opener, and refused when the genesis\'s keys are not the opener\'s directory entry', () => {
    const w = world();
    const supervisor = { id: 's_SUPERVISORSUPERVISORSU', box: boxKeyPairFromSeed(seedOf(0x60)), sign: signKeyPairFromSeed(seedOf(0x61)) };
    const entry: DirectoryEntry = { staffId: supervisor.id, displayName: 'sup', roles: ['supervisor'], languages: ['ru'], boxPublicKey: supervisor.box.publicKey, signPublicKey: supervisor.sign.publicKey };
    const directory = new Map([...w.directory, [supervisor.id, entry]]);
    const caseOf = (opener: { id: string; box: typeof w.p1.box; sign: typeof w.p1.sign }) => {
      const bytes = genesisBytes({ ...w.genesis, kind: 'case', openerId: opener.id, openerBoxPublicKey: opener.box.publicKey, openerSignPublicKey: opener.sign.publicKey,
        keyCommitment: keyCommitment(w.threadId, opener.sign.publicKey, w.threadKey), recipients: [{ id: supervisor.id, fingerprint: keyFingerprint(supervisor.box.publicKey, supervisor.sign.publicKey) }] });
      return w.detailFor(supervisor, { kind: 'case', genesis: toBase64Url(bytes), genesisSignature: toBase64Url(signGenesis(bytes, opener.sign.seed)) });
    };
    const asSupervisor: ReaderIdentity = { role: 'staff', ...supervisor };
    expect(readThread({ threadId: w.threadId, detail: caseOf(w.p1), items: [], reader: asSupervisor, directory }).ok).toBe(true);
    const opener = readThread({ threadId: w.threadId, detail: { ...caseOf(w.p1), sealedKey: toBase64Url(sealThreadKey(w.threadKey, w.threadId, w.p1.box.publicKey)) }, items: [], reader: w.as(w.p1, 'staff'), directory });
    expect(opener.ok).toBe(true);
    // The server signs a case in p1's name with keys of its own.
    const impostor = { id: w.p1.id, box: boxKeyPairFromSeed(seedOf(0x66)), sign: signKeyPairFromSeed(seedOf(0x67)) };
    expect(readThread({ threadId: w.threadId, detail: caseOf(impostor), items: [], reader: asSupervisor, directory })).toEqual({ ok: false, reason: 'opener_not_in_directory' });
  });

  it('warns of own messages the other side had not seen when it wrote', () => {
    const w = world();
    w.say(w.asker, 'one');
    w.claim(w.p1);
    w.say(w.asker, 'two');
    w.say(w.p1, 'answer to one', 2);
    const read = readThread({ threadId: w.threadId, detail: w.detailFor(w.asker), items: w.wire(), reader: w.as(w.asker, 'asker'), directory: w.directory });
    expect(read.ok && read.thread.crossed).toEqual([{ seq: 4, unseen: [3] }]);
  });

  it('the base64url it reads is strict', () => {
    expect(fromBase64Url('Zh')).toBeNull();
    expect(fromBase64Url('Zg==')).toBeNull();
    expect(fromBase64Url('+w')).toBeNull();
  });
});

describe('independence', () => {
  it('imports only @noble/* and its own files: nothing from src/, no libsodium', () => {
    const dir = new URL('./independent/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const specifiers = [...readFileSync(new URL(file, dir), 'utf8').matchAll(/\bfrom\s+'([^']+)'|import\(\s*'([^']+)'/g)].map((m) => m[1] ?? m[2]);
      expect(specifiers.filter((x) => !/^(@noble\/(ciphers|curves|hashes)\/[a-z0-9.]+|\.\/[a-z-]+\.js)$/.test(x!)), file).toEqual([]);
    }
  });
});
