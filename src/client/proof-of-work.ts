import { POW } from '../protocol/constants.js';
import { fromBase64Url } from '../protocol/encoding.js';
import { ProofOfWorkHasher, searchProofOfWork } from '../protocol/pow-search.js';

// Solving a proof of work in the browser without freezing the page, and starting one before the
// SDK has loaded.

/** A solved challenge, as the `pow` field of a request carries it. */
export interface SolvedProofOfWork {
  challenge: string;
  counter: number;
}

/** About 20-40 ms a slice on a slow phone: the page answers a tap (the quick exit first) between slices. */
const SLICE_TRIES = 16_384;

/** Lets the page handle what is waiting (input, rendering), then resumes; a macrotask without setTimeout's 4 ms clamp. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Finds the first counter that meets `bits`, yielding between slices; null past `maxTries` (a hostile difficulty). */
export async function solveProofOfWorkYielding(challenge: Uint8Array, bits: number, maxTries: number = POW.maxTries): Promise<number | null> {
  const hasher = new ProofOfWorkHasher(challenge);
  for (let from = 0; from < maxTries; from += SLICE_TRIES) {
    const counter = searchProofOfWork(hasher, bits, from, Math.min(SLICE_TRIES, maxTries - from));
    if (counter !== null) return counter;
    await yieldToPage();
  }
  return null;
}

/**
 * Asks for an identity challenge and solves it, without the SDK: the asker's first screen starts
 * this on the tap on "get a code", so that the work overlaps the app's download. Null on any
 * failure; AskerClient.create then solves one itself, as it does when a given proof is refused.
 *
 * The answer is checked by hand rather than with the protocol's zod schema (powChallengeResponse):
 * zod alone would be most of the first screen's 50 KB budget, and what a bad answer can do here is
 * waste this work, nothing more (the challenge is opaque and the server checks the proof).
 */
export async function startIdentityProofOfWork(baseUrl: string, doFetch: typeof fetch = (...args) => globalThis.fetch(...args)): Promise<SolvedProofOfWork | null> {
  try {
    const res = await doFetch(`${baseUrl.replace(/\/+$/, '')}/api/pow/challenges`, {
      method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ purpose: 'identity' }),
      referrerPolicy: 'no-referrer', credentials: 'omit', cache: 'no-store',
    });
    if (!res.ok) return null;
    const data: unknown = await res.json();
    if (typeof data !== 'object' || data === null) return null;
    const { challenge, bits } = data as Record<string, unknown>;
    const raw = typeof challenge === 'string' ? fromBase64Url(challenge) : null;
    if (!raw || raw.length !== POW.challengeBytes || typeof bits !== 'number' || !Number.isInteger(bits) || bits < 0 || bits > POW.maxBits) return null;
    const counter = await solveProofOfWorkYielding(raw, bits);
    return counter === null ? null : { challenge: challenge as string, counter };
  } catch {
    return null;
  }
}
