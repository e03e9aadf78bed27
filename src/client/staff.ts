import type { z } from 'zod';
import { okSchema as okResponse, type Language } from '../protocol/api/common.js';
import { queueEvent, type QueueEvent } from '../protocol/api/queue.js';
import { preloginResponse, staffProfile, staffSessionResponse, type StaffRole } from '../protocol/api/staff.js';
import { threadListResponse, type ThreadSummary } from '../protocol/api/threads.js';
import { bytesEqual, fromBase64Url, randomBytes, toBase64Url } from '../protocol/encoding.js';
import { sealThreadKey, signItem } from '../protocol/envelope.js';
import { keyFingerprint, type Genesis } from '../protocol/genesis.js';
import { shortFingerprint } from '../protocol/manifest.js';
import type { Topic, Urgency } from '../protocol/thread-metadata.js';
import { assertInteger } from '../protocol/bytes.js';
import { STAFF_KDF_BOUNDS } from '../protocol/constants.js';
import { deriveStaffSecrets, refuseStaffKdf, STAFF_KDF, type KdfParams } from '../protocol/kdf.js';
import { unwrapKeyBundle, wrapKeyBundle } from '../protocol/key-bundle.js';
import { loadSodium, type Sodium } from '../protocol/sodium.js';
import { ApiError, Http } from './http.js';
import { followJsonEvents } from './sse.js';
import type { StaffMaterial } from './staff-material.js';
import type { Directory } from './directory.js';
import { Participant, ProtocolError, type ClientOptions } from './participant.js';

export interface StaffClientOptions extends ClientOptions {
  /**
   * The weakest Argon2id cost this client accepts from a server's pre-login answer. A server that
   * lowered it could brute-force the passphrase from the auth key, so it defaults to STAFF_KDF
   * (m = 64 MiB, t = 3) and is never taken from a server's answer; only tests lower it. The
   * maximum (1 GiB, t = 10), p = 1 and the 16-byte salt hold whatever this says.
   */
  minKdf?: KdfParams;
}

export interface QueueFilter {
  language?: Language;
  topic?: Topic;
  urgency?: Urgency;
  kind?: 'consultation' | 'case';
}

export interface FollowQueueOptions {
  filter?: QueueFilter;
  /** Each event in order: first the whole queue (`snapshot`), then its changes. */
  onEvent: (event: QueueEvent) => void;
  signal?: AbortSignal;
}

/**
 * A staff member (psychologist, supervisor, moderator, admin). The passphrase is stretched here
 * with Argon2id; the server sees only the derived auth key and a key bundle it cannot open.
 */
export class StaffClient extends Participant {
  roles: StaffRole[] = [];

  /** The short fingerprint of the keys this client holds, for the member to read to the admin out of band before the directory is signed. */
  ownFingerprint(): string {
    return shortFingerprint(this.box.publicKey, this.sign.publicKey);
  }

  /** Whether the verified staff directory lists this member with exactly the keys this client holds (a refused directory throws, as directory() does). */
  async listedInDirectory(): Promise<boolean> {
    const entry = (await this.directory(true)).get(this.id);
    return entry !== null && bytesEqual(entry.boxPublicKey, this.box.publicKey) && bytesEqual(entry.signPublicKey, this.sign.publicKey);
  }

  /** Accepts a one-time invite: picks a salt, derives the keys, wraps new key pairs, and logs in. */
  static async acceptInvite(
    options: StaffClientOptions,
    invite: { code: string; login: string; displayName: string; languages: Language[]; passphrase: string; kdf?: KdfParams },
  ): Promise<StaffClient> {
    return StaffClient.enrol(options, invite.passphrase, invite.kdf, '/api/staff/accept', {
      code: invite.code, login: invite.login, displayName: invite.displayName, languages: invite.languages,
    });
  }

  /**
   * Accepts a reset code (`<staff id>.<secret>`, from an admin): a new passphrase and new key
   * pairs for the same account; every other session ends. Colleagues' and askers' clients trust
   * the new keys only once a signed manifest lists them (the admin's next export, sign, import).
   */
  static async acceptReset(options: StaffClientOptions, reset: { code: string; passphrase: string; kdf?: KdfParams }): Promise<StaffClient> {
    return StaffClient.enrol(options, reset.passphrase, reset.kdf, '/api/staff/reset', { code: reset.code });
  }

  /**
   * What accepting an invite and a reset share: the passphrase stretched (within the bounds),
   * fresh key pairs wrapped under it, the public halves and the auth key sent with `fields` to
   * `path`, and a client holding the new keys on the session it answers with.
   */
  private static async enrol(options: StaffClientOptions, passphrase: string, kdfGiven: KdfParams | undefined, path: string, fields: Record<string, unknown>): Promise<StaffClient> {
    const sodium = await loadSodium();
    const kdf = kdfGiven ?? STAFF_KDF;
    const salt = randomBytes(STAFF_KDF_BOUNDS.saltBytes);
    assertKdf(kdf, salt, options.minKdf);
    const secrets = await deriveStaffSecrets(passphrase, salt, kdf);
    const box = sodium.crypto_box_keypair();
    const sign = sodium.crypto_sign_keypair();
    const wrapped = wrapKeyBundle(sodium, secrets.wrapKey, { boxSecretKey: box.privateKey, signSecretKey: sign.privateKey });
    secrets.wrapKey.fill(0);
    const http = new Http(options);
    const session = await http.request(staffSessionResponse, 'POST', path, {
      ...fields, kdfSalt: toBase64Url(salt), kdf, authKey: toBase64Url(secrets.authKey),
      boxPublicKey: toBase64Url(box.publicKey), signPublicKey: toBase64Url(sign.publicKey), wrappedKeys: toBase64Url(wrapped),
    });
    secrets.authKey.fill(0);
    http.token = session.token;
    const client = new StaffClient(sodium, http, options, session.profile.staffId, { publicKey: box.publicKey, privateKey: box.privateKey }, { publicKey: sign.publicKey, privateKey: sign.privateKey });
    client.roles = session.profile.roles;
    return client;
  }

  /** Log out everywhere: every session of this member ends, this one too (the keys are forgotten here). */
  async logoutEverywhere(): Promise<void> {
    await this.http.request(okResponse, 'DELETE', '/api/staff/me/sessions');
    this.http.token = null;
    this.forgetKeys();
  }

  /** Pre-login (salt and cost), Argon2id here, login, then opens the key bundle and checks it matches the profile. */
  static async login(options: StaffClientOptions, login: string, passphrase: string): Promise<StaffClient> {
    const sodium = await loadSodium();
    const http = new Http(options);
    const pre = await http.request(preloginResponse, 'POST', '/api/staff/prelogin', { login });
    const salt = fromBase64Url(pre.kdfSalt);
    if (!salt) throw new ApiError('bad_response', 0, 'The server sent an unexpected answer.');
    // Before any derivation, and before the login request: a refused offer sends nothing.
    assertKdf(pre.kdf, salt, options.minKdf);
    const secrets = await deriveStaffSecrets(passphrase, salt, pre.kdf);
    const session = await http.request(staffSessionResponse, 'POST', '/api/staff/sessions', { login, authKey: toBase64Url(secrets.authKey) });
    secrets.authKey.fill(0);
    const wrapped = fromBase64Url(session.profile.wrappedKeys);
    const bundle = wrapped && unwrapKeyBundle(sodium, secrets.wrapKey, wrapped);
    secrets.wrapKey.fill(0);
    if (!bundle) throw new ProtocolError('bad_thread_key', 'The key bundle does not open with this passphrase.');
    http.token = session.token;
    return StaffClient.holding(sodium, http, options, session.profile, bundle);
  }

  /**
   * Comes back on a session this client held (a reload of the console's tab: exportMaterial()),
   * without the passphrase. The server is asked who the token belongs to, and the keys are used
   * only if they are that member's, as login checks the key bundle; a session that ended answers
   * `unauthorized`. The staff directory is verified again on first use, against the manifest
   * memory the options carry (the console keeps it for the tab's life, so a reload cannot be
   * served an older manifest than the tab had accepted).
   */
  static async resume(options: StaffClientOptions, material: StaffMaterial): Promise<StaffClient> {
    const sodium = await loadSodium();
    const http = new Http(options);
    http.token = material.token;
    const profile = await http.request(staffProfile, 'GET', '/api/staff/me');
    if (profile.staffId !== material.staffId) throw new ProtocolError('bad_thread_key', 'This session belongs to another staff member.');
    return StaffClient.holding(sodium, http, options, profile, { boxSecretKey: material.boxSecretKey.slice(), signSecretKey: material.signSecretKey.slice() });
  }

  /**
   * What resume() needs to come back on this session: the token and copies of the secret keys
   * (the caller seals them, then wipes its copies). Whoever holds it is this member until the
   * session ends; see staff-material.ts.
   */
  exportMaterial(): StaffMaterial {
    if (!this.http.token) throw new ApiError('unauthorized', 0, 'This client holds no session.');
    return { staffId: this.id, token: this.http.token, boxSecretKey: this.box.privateKey.slice(), signSecretKey: this.sign.privateKey.slice() };
  }

  /**
   * A client holding these secret keys for this profile. The server could pair the member's keys
   * with other public keys (or a session with someone else's profile): only keys that match what
   * the profile lists are used, and a signing key whose public half is not the one its seed makes is refused.
   */
  private static holding(sodium: Sodium, http: Http, options: StaffClientOptions, profile: StaffProfile, keys: { boxSecretKey: Uint8Array; signSecretKey: Uint8Array }): StaffClient {
    const box = { publicKey: sodium.crypto_scalarmult_base(keys.boxSecretKey), privateKey: keys.boxSecretKey };
    const sign = { publicKey: keys.signSecretKey.slice(32), privateKey: keys.signSecretKey };
    const fromSeed = sodium.crypto_sign_seed_keypair(keys.signSecretKey.subarray(0, 32)).publicKey;
    if (!bytesEqual(fromSeed, sign.publicKey)
      || !bytesEqual(box.publicKey, fromBase64Url(profile.boxPublicKey) ?? new Uint8Array()) || !bytesEqual(sign.publicKey, fromBase64Url(profile.signPublicKey) ?? new Uint8Array())) {
      keys.boxSecretKey.fill(0);
      keys.signSecretKey.fill(0);
      throw new ProtocolError('bad_thread_key', 'The public keys on the server do not match the key bundle.');
    }
    const client = new StaffClient(sodium, http, options, profile.staffId, box, sign);
    client.roles = profile.roles;
    return client;
  }

  /** Open threads this member may claim (sealed to them), urgent first, then oldest. */
  async queue(filter: QueueFilter = {}): Promise<ThreadSummary[]> {
    const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return (await this.http.request(threadListResponse, 'GET', `/api/queue?${query.toString()}`)).threads;
  }

  /**
   * Follows this member's intake queue live (GET /api/queue/events) until the stream ends (the
   * session ended, the member was disabled, the server restarts: reconnect, and the new snapshot
   * replaces what was shown) or `signal` aborts. Throws an ApiError when the stream is refused
   * (`unauthorized` after a logout). The events are the server's word, as the queue list is:
   * a thread's metadata is checked against its signed genesis when it is opened (thread()).
   */
  async followQueue(options: FollowQueueOptions): Promise<void> {
    const query = new URLSearchParams(Object.entries(options.filter ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return followJsonEvents(this.http, `/api/queue/events?${query.toString()}`, queueEvent, options);
  }

  /**
   * Claims a thread from the pool with a signed claim item: the transcript then names this member
   * as the holder, the only staff member whose messages the asker's client accepts.
   */
  async claim(threadId: string): Promise<ThreadSummary> {
    await this.serialised(threadId, () => this.postItem(threadId, 'claim', (header) => ({
      signature: signItem(this.sodium, header, new Uint8Array(0), this.sign.privateKey), payload: new Uint8Array(0), request: {},
    }), 'claim'));
    return this.thread(threadId);
  }

  /**
   * Hands the thread to a colleague with a signed hand-over item naming them by the fingerprint
   * of their verified directory keys, and K sealed with the thread id to their verified box key.
   * The colleague must have the pool's role and the thread's language (the transcript check).
   */
  async handover(threadId: string, toStaffId: string): Promise<void> {
    const colleague = (await this.directory(true)).get(toStaffId);
    if (!colleague) throw new ProtocolError('bad_handover', 'This colleague is not in the verified directory.');
    const key = await this.threadKey(threadId);
    const to = { staffId: toStaffId, fingerprint: keyFingerprint(colleague.boxPublicKey, colleague.signPublicKey) };
    await this.serialised(threadId, () => this.postItem(threadId, 'handover', (header) => ({
      signature: signItem(this.sodium, header, new Uint8Array(0), this.sign.privateKey), payload: new Uint8Array(0),
      request: { toStaffId, toFingerprint: toBase64Url(to.fingerprint), sealedKey: toBase64Url(sealThreadKey(this.sodium, key, threadId, colleague.boxPublicKey)) },
    }), 'handover', to));
    this.forgetThread(threadId); // the server drops our sealed key; K goes from here too
  }

  /** A case consultation with supervisors, same protocol; the author de-identifies the case. */
  async openCase(request: { topic: Topic; language: Language; urgency: Urgency }): Promise<string> {
    return this.openThread({ kind: 'case', ...request });
  }

  /**
   * A consultation is opened by an asker; a case by a colleague whose verified directory entry
   * (newest, or former for one who has left) holds the keys the genesis names (a server cannot
   * pass its own key off as a colleague's).
   */
  protected override async checkOpener(g: Genesis): Promise<void> {
    await super.checkOpener(g);
    if (g.openerId === this.id) return;
    if (g.kind === 'consultation') {
      if (!g.openerId.startsWith('a_')) throw new ProtocolError('foreign_genesis', 'A consultation is opened by an asker.');
      return;
    }
    // A colleague who has left the directory since is found among former entries (or in older manifests): their case stays readable.
    const keys = keyFingerprint(g.openerBoxPublicKey, g.openerSignPublicKey);
    const entry = (await this.directoryHolding([{ id: g.openerId, fingerprint: keys }])).find(g.openerId, keys);
    if (!entry) throw new ProtocolError('foreign_genesis', 'This case was not opened by a verified colleague with the keys it names.');
  }

  /** Whether the newest signed manifest names this member with the keys they hold: only then may they take, answer or hand over threads. */
  async isInDirectory(refresh = false): Promise<boolean> {
    return this.inDirectory(await this.directory(refresh));
  }

  /** A staff member posts only while the newest manifest names them with the keys they hold. */
  protected override inDirectory(directory: Directory): boolean {
    return directory.isCurrent(this.id, this.sign.publicKey);
  }

  /**
   * A staff route without its own method here (moderation, answers, articles, admin): the answer
   * is still parsed with the route's schema from protocol/api.
   */
  api<S extends z.ZodType>(schema: S, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<z.output<S>> {
    return this.http.request(schema, method, path, body);
  }

  /** A staff route that answers with text rather than JSON (the impact report's CSV and page fragment). */
  apiText(path: string): Promise<string> {
    return this.http.text(path);
  }

  get token(): string | null {
    return this.http.token;
  }
}

type StaffProfile = z.output<typeof staffProfile>;

const KDF_REFUSED = {
  kdf_downgrade: 'The server asked for a weaker key derivation than this client allows.',
  kdf_out_of_bounds: 'The server asked for a key derivation outside the bounds this client accepts.',
} as const;

/** Refuses an Argon2id offer outside the client's bounds (protocol/kdf.ts refuseStaffKdf), with status 0: the SDK's refusal. */
function assertKdf(kdf: KdfParams, salt: Uint8Array, floor: KdfParams = STAFF_KDF): void {
  // The floor is this client's own option: a nonsensical one is a programming error.
  assertInteger(floor.m, { min: 8, max: STAFF_KDF_BOUNDS.max.m }, 'minKdf.m');
  assertInteger(floor.t, { min: 1, max: STAFF_KDF_BOUNDS.max.t }, 'minKdf.t');
  const refusal = refuseStaffKdf(kdf, salt, floor);
  if (refusal) throw new ApiError(refusal, 0, KDF_REFUSED[refusal]);
}
