import { bytesEqual, concatBytes, fromBase64Url, randomBytes, toBase64Url } from '../protocol/encoding.js';
import { checkProofOfWork } from '../protocol/pow.js';
import type { Pepper } from '../pepper.js';

// Proof-of-work challenges (DESIGN.md §8). A challenge is self-contained and MACed by the
// server, so issuing one writes nothing; single use is enforced by remembering spent ones in
// memory until they expire. Difficulty rises by one bit each time the issue rate doubles past
// a quiet baseline, so a flood pays more per identity than a person does.

export type PowPurpose = 'identity' | 'question' | 'webinar';
const PURPOSES: PowPurpose[] = ['identity', 'question', 'webinar'];
const TTL_MS = 10 * 60_000;
const QUIET_PER_MINUTE = 30;
const MAX_EXTRA_BITS = 6;

export interface PowChallenge {
  challenge: string;
  bits: number;
  expiresAt: number;
}

export class ProofOfWork {
  private readonly spent = new Map<string, number>();
  private issuedThisMinute = 0;
  private minute = 0;

  constructor(private readonly pepper: Pepper, private readonly baseBits: number) {}

  currentBits(now: number): number {
    this.roll(now);
    const load = this.issuedThisMinute / QUIET_PER_MINUTE;
    const extra = load <= 1 ? 0 : Math.min(MAX_EXTRA_BITS, Math.floor(Math.log2(load)));
    return this.baseBits + extra;
  }

  issue(purpose: PowPurpose, now: number): PowChallenge {
    const bits = this.currentBits(now);
    this.issuedThisMinute++;
    const expiresAt = now + TTL_MS;
    const body = new Uint8Array(27);
    const view = new DataView(body.buffer);
    body[0] = 1; // format version
    body[1] = PURPOSES.indexOf(purpose);
    body[2] = bits;
    view.setFloat64(3, expiresAt);
    body.set(randomBytes(16), 11);
    const mac = this.pepper.hash('pow', body).subarray(0, 16);
    return { challenge: toBase64Url(concatBytes(body, mac)), bits, expiresAt };
  }

  /** True once per valid, unexpired, solved challenge for this purpose. */
  redeem(purpose: PowPurpose, proof: { challenge: string; counter: number }, now: number): boolean {
    const raw = fromBase64Url(proof.challenge);
    if (!raw || raw.length !== 43) return false;
    const body = raw.subarray(0, 27);
    if (!bytesEqual(this.pepper.hash('pow', body).subarray(0, 16), raw.subarray(27))) return false;
    if (body[0] !== 1 || body[1] !== PURPOSES.indexOf(purpose)) return false;
    const expiresAt = new DataView(body.buffer, body.byteOffset).getFloat64(3);
    if (!(expiresAt > now)) return false;
    this.sweep(now);
    if (this.spent.has(proof.challenge)) return false;
    if (!checkProofOfWork(raw, proof.counter, body[2]!)) return false;
    this.spent.set(proof.challenge, expiresAt);
    return true;
  }

  private roll(now: number): void {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.issuedThisMinute = 0;
    }
  }

  private sweep(now: number): void {
    for (const [key, expiresAt] of this.spent) if (expiresAt <= now) this.spent.delete(key);
  }
}
