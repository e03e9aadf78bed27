import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { AppError } from '../errors.js';

// The request body limit, written for how @hono/node-server reads bodies.
//
// hono's bodyLimit reads `c.req.raw.body` on every request. On GET that alone makes the adapter
// build a full WHATWG Request (MEASURED.md: 96 µs per /api request). On an oversized POST it is
// worse: the adapter wraps the socket in a web stream that pauses it and then nobody reads it,
// so after the 413 the adapter's drain (500 ms) gives up and destroys the keep-alive connection
// ("other side closed" on the client's next request). Here the body is judged by its headers
// where they suffice, read from the Node stream where they do not, and the excess of a refused
// body is discarded so the connection serves the next request; only past DISCARD_CAP is it closed.

/** Beyond this an oversized body is not worth reading to keep a connection: the 413 closes it. */
export const DISCARD_CAP = 8 * 1024 * 1024;

interface NodeBindings {
  incoming?: IncomingMessage;
}

function incomingOf(c: Context): IncomingMessage | undefined {
  const env = c.env as NodeBindings | undefined;
  return env?.incoming;
}

/** Reads and drops the rest of a refused body, up to DISCARD_CAP; then the socket goes. */
function discard(incoming: IncomingMessage, alreadyRead: number): void {
  let seen = alreadyRead;
  incoming.removeAllListeners('data');
  incoming.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DISCARD_CAP) incoming.socket.destroy();
  });
  incoming.on('error', () => { /* the socket is gone: nothing to keep */ });
  incoming.resume();
}

function tooLarge(c: Context, closing: boolean): AppError {
  if (closing) c.header('Connection', 'close');
  return new AppError('payload_too_large');
}

/** Reads a chunked body from the Node stream, refusing it past maxSize. */
function readNodeBody(incoming: IncomingMessage, maxSize: number): Promise<Uint8Array | number> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxSize) {
        incoming.off('end', onEnd);
        incoming.off('error', onError);
        resolve(size);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks, size));
    const onError = (err: Error): void => reject(err);
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onError);
  });
}

/** Reads a chunked body through the web stream (app.request() in tests has no Node request). */
async function readWebBody(body: ReadableStream<Uint8Array>, maxSize: number): Promise<Uint8Array | number> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxSize) {
      await reader.cancel();
      return size;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** Refuses request bodies over maxSize with 413 `payload_too_large`; bodiless requests pass untouched. */
export function limitBody(maxSize: number): MiddlewareHandler {
  // Bodiless requests pass without entering an async function (a promise less per request).
  return (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    return limitRequestBody(c, next, method, maxSize);
  };
}

async function limitRequestBody(c: Context, next: Next, method: string, maxSize: number): Promise<void> {
  const chunked = c.req.header('transfer-encoding') !== undefined;
  const length = c.req.header('content-length');
  const incoming = incomingOf(c);
  if (!chunked && length !== undefined) {
    // Node's parser already holds the body to Content-Length, so the header is the size.
    const size = Number(length);
    if (size <= maxSize) return next();
    if (incoming && size <= DISCARD_CAP) discard(incoming, 0);
    throw tooLarge(c, incoming !== undefined && !(size <= DISCARD_CAP));
  }
  // Over HTTP/1.1 neither header means no body; a Request built in memory (app.request() in
  // tests) may carry a body without saying its length, so it is read below.
  if (!chunked && incoming) return next();
  if (!incoming && !c.req.raw.body) return next();
  const body = incoming ? await readNodeBody(incoming, maxSize) : await readWebBody(c.req.raw.body!, maxSize);
  if (typeof body === 'number') {
    if (incoming) discard(incoming, body);
    throw tooLarge(c, false);
  }
  c.req.raw = new Request(c.req.raw.url, { method, headers: c.req.raw.headers, body: body as Uint8Array<ArrayBuffer> });
  return next();
}
