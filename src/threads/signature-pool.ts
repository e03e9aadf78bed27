import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Sodium } from '../protocol/sodium.js';

// Ed25519 checks of posted items on worker threads. A post's signature check (libsodium, ~120 µs)
// was a quarter of the event loop's time per post in the bench's profile, while the second core
// sat half idle; the event loop goes on with the next requests while workers check. The workers
// run the same libsodium build as the server and the clients, so what verifies is decided by one
// implementation (OpenSSL's Ed25519 accepts some encodings libsodium refuses).
//
// Checks asked for in one turn of the event loop go to a worker in one message (a message costs
// ~10–20 µs each way, a check ~120 µs). If a worker fails, its checks and all later ones run on
// the event loop: slower, never skipped.

export interface SignatureCheck {
  signature: Uint8Array;
  message: Uint8Array;
  publicKey: Uint8Array;
}

export interface SignaturePool {
  /** Whether each signature verifies, in order. */
  verify(checks: readonly SignatureCheck[]): Promise<boolean[]>;
  close(): Promise<void>;
}

// Plain JavaScript, evaluated as the worker's script: the same file works under tsx, vitest and
// the compiled build (a worker file path would differ between them).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.libsodium);
sodium.ready.then(() => parentPort.on('message', ({ packed }) => {
  const bytes = new Uint8Array(packed);
  const view = new DataView(packed);
  const ok = new Uint8Array(view.getUint32(0));
  for (let i = 0, at = 4; i < ok.length; i++) {
    const length = view.getUint32(at);
    const signature = bytes.subarray(at + 4, at + 68), publicKey = bytes.subarray(at + 68, at + 100), message = bytes.subarray(at + 100, at + 100 + length);
    at += 100 + length;
    try { ok[i] = sodium.crypto_sign_verify_detached(signature, message, publicKey) ? 1 : 0; } catch { ok[i] = 0; }
  }
  parentPort.postMessage({ ok: ok.buffer }, [ok.buffer]);
}));
`;

/**
 * The checks in one buffer, handed to the worker without a copy (a structured clone of the arrays
 * cost ~30 µs per post): a count, then per check its message length, signature, key and message.
 * Signatures and keys of the wrong length are answered "no" here, as libsodium would.
 */
function pack(checks: readonly SignatureCheck[]): ArrayBuffer {
  const size = checks.reduce((n, c) => n + 100 + c.message.length, 4);
  const packed = new ArrayBuffer(size);
  const bytes = new Uint8Array(packed);
  const view = new DataView(packed);
  view.setUint32(0, checks.length);
  let at = 4;
  for (const c of checks) {
    view.setUint32(at, c.message.length);
    bytes.set(c.signature, at + 4);
    bytes.set(c.publicKey, at + 68);
    bytes.set(c.message, at + 100);
    at += 100 + c.message.length;
  }
  return packed;
}

const wellFormed = (c: SignatureCheck): boolean => c.signature.length === 64 && c.publicKey.length === 32;

/** Verifies on the event loop with `sodium`: the pool's fallback, and the pool of a single-core machine. */
export function verifyHere(sodium: Sodium, checks: readonly SignatureCheck[]): boolean[] {
  return checks.map((c) => {
    try {
      return sodium.crypto_sign_verify_detached(c.signature, c.message, c.publicKey);
    } catch {
      return false;
    }
  });
}

interface Batch {
  checks: SignatureCheck[];
  waiters: { from: number; count: number; resolve: (ok: boolean[]) => void }[];
}

const emptyBatch = (): Batch => ({ checks: [], waiters: [] });

function settle(batch: Batch, ok: readonly boolean[]): void {
  for (const w of batch.waiters) w.resolve(ok.slice(w.from, w.from + w.count));
}

/** Workers for `availableParallelism() - 1` cores (at most 4); none on one core, where they cannot help. */
export function startSignaturePool(sodium: Sodium, workers = Math.min(4, availableParallelism() - 1)): SignaturePool {
  if (workers < 1) return { verify: (checks) => Promise.resolve(verifyHere(sodium, checks)), close: () => Promise.resolve() };
  const libsodium = createRequire(import.meta.url).resolve('libsodium-wrappers');
  // One batch in flight per worker: waking a sleeping thread costs ~30 µs on this kind of virtual
  // machine (a profile showed it in postMessage), so checks asked for while every worker is busy
  // wait and go together when one answers.
  const inFlight = new Map<Worker, Batch>();
  let queued = emptyBatch();
  let scheduled = false;
  let failed = false;

  // A worker that fails or exits: what it held is checked here, and so is everything after.
  const fail = (): void => {
    if (failed) return;
    failed = true;
    for (const batch of inFlight.values()) settle(batch, verifyHere(sodium, batch.checks));
    inFlight.clear();
    for (const w of pool) void w.terminate();
  };
  const pool: Worker[] = Array.from({ length: workers }, () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { libsodium } });
    worker.unref(); // never what keeps the process alive
    worker.on('message', (m: { ok: ArrayBuffer }) => {
      const batch = inFlight.get(worker);
      if (!batch) return;
      inFlight.delete(worker);
      const ok = new Uint8Array(m.ok);
      settle(batch, batch.checks.map((c, i) => ok[i] === 1 && wellFormed(c)));
      schedule();
    });
    worker.on('error', fail);
    worker.on('exit', fail);
    return worker;
  });

  const send = (): void => {
    scheduled = false;
    if (queued.checks.length === 0) return;
    const batch = queued;
    queued = emptyBatch();
    if (failed) {
      settle(batch, verifyHere(sodium, batch.checks));
      return;
    }
    const worker = pool.find((w) => !inFlight.has(w));
    if (!worker) {
      queued = batch;
      return;
    }
    inFlight.set(worker, batch);
    const packed = pack(batch.checks.map((c) => (wellFormed(c) ? c : { signature: new Uint8Array(64), publicKey: new Uint8Array(32), message: c.message })));
    worker.postMessage({ packed }, [packed]);
  };
  // At the end of this turn of the event loop, when a worker is free (or the pool has failed).
  function schedule(): void {
    if (scheduled || queued.checks.length === 0 || (!failed && inFlight.size === pool.length)) return;
    scheduled = true;
    setImmediate(send);
  }

  return {
    verify(checks) {
      if (checks.length === 0) return Promise.resolve([]);
      return new Promise((resolve) => {
        queued.waiters.push({ from: queued.checks.length, count: checks.length, resolve });
        queued.checks.push(...checks);
        schedule();
      });
    },
    async close() {
      fail(); // what is in flight, and every later check, runs here
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
