import type { z } from 'zod';
import { okSchema, powChallengeResponse, type Language } from '../protocol/api/common.js';
import type { flagRequest} from '../protocol/api/knowledge.js';
import { helpfulResponse, myQuestionSchema, myQuestionsResponse, type submitQuestionRequest } from '../protocol/api/knowledge.js';
import { identitySessionResponse } from '../protocol/api/identity.js';
import { fromBase64Url, randomBytes, toBase64Url } from '../protocol/encoding.js';
import { deriveAskerKeys } from '../protocol/kdf.js';
import { formatRecoveryCode, parseRecoveryCode, RECOVERY_SECRET_BYTES } from '../protocol/recovery-code.js';
import { loadSodium } from '../protocol/sodium.js';
import { intakeCardSchema, type IntakeCard } from '../protocol/message-body.js';
import type { Genesis } from '../protocol/genesis.js';
import type { Topic, Urgency } from '../protocol/thread-metadata.js';
import { ApiError, Http } from './http.js';
import { Participant, ProtocolError, type ClientOptions } from './participant.js';
import { solveProofOfWorkYielding, type SolvedProofOfWork } from './proof-of-work.js';

export interface ConsultationRequest {
  topic: Topic;
  language: Language;
  urgency: Urgency;
  /**
   * What the asker chooses to share with the psychologist (populations, age group, region, a
   * note): sent encrypted as the thread's first message, never as metadata the server reads.
   */
  intake?: IntakeCard;
}

/**
 * The anonymous asker. Everything the asker holds comes from the recovery code: the auth key
 * the server checks, and the box and sign key pairs that never leave this object.
 */
export type NewQuestion = Omit<z.input<typeof submitQuestionRequest>, 'pow'>;
export type MyQuestion = z.output<typeof myQuestionSchema>;
export type FlagReason = z.output<typeof flagRequest>['reason'];

/** Fetches a challenge and solves it here: the work is the client's, not the server's. */
async function solvePow(http: Http, purpose: 'identity' | 'question'): Promise<SolvedProofOfWork> {
  const challenge = await http.request(powChallengeResponse, 'POST', '/api/pow/challenges', { purpose });
  const raw = fromBase64Url(challenge.challenge);
  const counter = raw && await solveProofOfWorkYielding(raw, challenge.bits);
  if (counter === null || counter === undefined) throw new ApiError('invalid_proof_of_work', 0, 'Could not solve the challenge.');
  return { challenge: challenge.challenge, counter };
}

export interface AskerOptions extends ClientOptions {
  /**
   * A proof of work for minting begun before the SDK was loaded (the asker's first screen starts
   * one on the tap: client/proof-of-work.ts), taken once by `create`; null or a failure means solve one here.
   */
  takeIdentityProof?: () => Promise<SolvedProofOfWork | null> | null;
}

export class AskerClient extends Participant {
  pseudonym = '';

  /** Draws a new secret, mints an identity with a proof of work, and returns the recovery code to show once. */
  static async create(options: AskerOptions): Promise<{ client: AskerClient; recoveryCode: string }> {
    const sodium = await loadSodium();
    const secret = randomBytes(RECOVERY_SECRET_BYTES);
    const recoveryCode = formatRecoveryCode(secret);
    const keys = deriveAskerKeys(sodium, secret);
    secret.fill(0);
    const http = new Http(options);
    const mint = async (pow: SolvedProofOfWork) => http.request(identitySessionResponse, 'POST', '/api/identities', {
      authKey: toBase64Url(keys.authKey),
      boxPublicKey: toBase64Url(keys.box.publicKey),
      signPublicKey: toBase64Url(keys.sign.publicKey),
      pow,
    });
    const early = await Promise.resolve(options.takeIdentityProof?.() ?? null).catch(() => null);
    const session = await mint(early ?? await solvePow(http, 'identity')).catch(async (err: unknown) => {
      // A proof begun earlier may have expired or been spent meanwhile: one fresh try.
      if (!early || !(err instanceof ApiError && err.code === 'invalid_proof_of_work')) throw err;
      return mint(await solvePow(http, 'identity'));
    });
    keys.authKey.fill(0);
    http.token = session.token;
    const client = new AskerClient(sodium, http, options, session.identityId, keys.box, keys.sign);
    client.pseudonym = session.pseudonym;
    return { client, recoveryCode };
  }

  /** Comes back with a recovery code: derives the keys again and opens a new session. */
  static async restore(options: ClientOptions, recoveryCode: string): Promise<AskerClient> {
    const parsed = parseRecoveryCode(recoveryCode);
    if (!parsed.ok) throw new ApiError(`recovery_code_${parsed.reason}`, 0, 'This recovery code has a typo.');
    const sodium = await loadSodium();
    const keys = deriveAskerKeys(sodium, parsed.secret);
    parsed.secret.fill(0);
    const http = new Http(options);
    const session = await http.request(identitySessionResponse, 'POST', '/api/identities/sessions', { authKey: toBase64Url(keys.authKey) });
    keys.authKey.fill(0);
    http.token = session.token;
    const client = new AskerClient(sodium, http, options, session.identityId, keys.box, keys.sign);
    client.pseudonym = session.pseudonym;
    return client;
  }

  /** The session token, for a caller that keeps it (the browser's "remember on this device"). */
  get token(): string | null {
    return this.http.token;
  }

  /**
   * Opens a consultation: a genesis signed here names the verified intake pool of the language,
   * K is sealed with the thread id to this asker and to each of them; then the intake card, if
   * the asker shared anything, is the first message.
   */
  async openConsultation(request: ConsultationRequest): Promise<string> {
    const intake = request.intake && intakeCardSchema.parse(request.intake);
    const threadId = await this.openThread({ kind: 'consultation', language: request.language, topic: request.topic, urgency: request.urgency });
    if (intake && (intake.populations.length > 0 || intake.ageGroup || intake.region || intake.note)) await this.sendBody(threadId, { type: 'intake', intake });
    return threadId;
  }

  /** An asker takes part only in threads it opened: a genesis it did not sign is refused, whoever it names. */
  protected override async checkOpener(g: Genesis): Promise<void> {
    if (g.openerId !== this.id) throw new ProtocolError('foreign_genesis', 'This thread was not opened by this asker.');
    await super.checkOpener(g);
  }

  /** Erases one thread with all its messages. */
  async eraseThread(threadId: string): Promise<void> {
    await this.http.request(okSchema, 'DELETE', `/api/threads/${threadId}`);
    this.forgetThread(threadId);
  }

  /** Erases the identity and everything it owns; this object is unusable afterwards. */
  async eraseEverything(): Promise<void> {
    await this.http.request(okSchema, 'DELETE', '/api/identities/me');
    this.http.token = null;
    this.forgetKeys();
  }

  /** Submits a public question for moderation (with a proof of work); it shows only once a moderator publishes it. */
  async askQuestion(question: NewQuestion): Promise<MyQuestion> {
    return this.http.request(myQuestionSchema, 'POST', '/api/kb/questions', { ...question, pow: await solvePow(this.http, 'question') });
  }

  /** This identity's questions with their status. */
  async myQuestions(): Promise<MyQuestion[]> {
    return (await this.http.request(myQuestionsResponse, 'GET', '/api/kb/questions/mine')).questions;
  }

  /** Deletes one of this identity's questions while it is unpublished. */
  async withdrawQuestion(id: string): Promise<void> {
    await this.http.request(okSchema, 'DELETE', `/api/kb/questions/${encodeURIComponent(id)}`);
  }

  /** Marks a published entry helpful (once per identity); returns the count. */
  async markHelpful(entryId: string): Promise<number> {
    return (await this.http.request(helpfulResponse, 'PUT', `/api/kb/entries/${encodeURIComponent(entryId)}/helpful`)).helpfulCount;
  }

  async flagEntry(entryId: string, reason: FlagReason): Promise<void> {
    await this.http.request(okSchema, 'POST', `/api/kb/entries/${encodeURIComponent(entryId)}/flags`, { reason });
  }

  async logoutEverywhere(): Promise<void> {
    await this.http.request(okSchema, 'DELETE', '/api/identities/me/sessions');
    this.http.token = null;
  }
}
