import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

// Compression of public answers, decided per response.
//
// BREACH: when a compressed response holds a secret and also text the attacker chose (a search
// query, a reflected value), the compressed length tells the attacker, guess by guess, how much
// of their text matches the secret, even through TLS. So only answers that are the same for
// everyone are compressed: a 200 marked `Cache-Control: public` to a request without a session.
// Anything no-store (private pages, search results, every authenticated API answer), anything
// with a session and every error body goes out as it is. SECURITY.md, "Compression and BREACH".

export type Encoding = 'br' | 'gzip';

/** Below this the headers cost more than compression saves. */
const MIN_SIZE = 1024;
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg\+xml)/;
// Fast settings for per-request work: a 20 KB page takes 0.2-0.4 ms either way (measured on the
// shared 2-core machine), to about a third of its size. Only clients that ask pay it.
const BROTLI_ON_THE_FLY = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };
const GZIP_ON_THE_FLY = { level: 6 };

/** The encoding to send for an `Accept-Encoding` header: br when accepted, then gzip, else none. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [token = '', ...params] = part.split(';');
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(token.trim().toLowerCase(), Number.isFinite(weight) ? weight : 0);
  }
  // An encoding not named is accepted as `*` says (RFC 9110 §12.5.3); `q=0` refuses it.
  const accepts = (name: string): boolean => (weights.get(name) ?? weights.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return null;
}

/** Compresses public text answers (pages, public JSON) by Accept-Encoding; leaves everything else alone. */
export function compressPublic(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD') return;
    const res = c.res;
    const headers = res.headers;
    if (res.status !== 200 || !headers.get('Cache-Control')?.startsWith('public')) return;
    if (!COMPRESSIBLE.test(headers.get('Content-Type') ?? '')) return;
    // A response that already varies by encoding chose it itself (precompressed static files).
    if (headers.has('Content-Encoding') || /accept-encoding/i.test(headers.get('Vary') ?? '')) return;
    if (c.req.header('authorization') !== undefined) return;
    headers.append('Vary', 'Accept-Encoding');
    const encoding = method === 'GET' ? chooseEncoding(c.req.header('accept-encoding')) : null;
    if (!encoding) return;
    const body = new Uint8Array(await res.arrayBuffer());
    const out = body.length < MIN_SIZE ? body
      : encoding === 'br' ? brotliCompressSync(body, BROTLI_ON_THE_FLY) : gzipSync(body, GZIP_ON_THE_FLY);
    c.res = new Response(out as Uint8Array<ArrayBuffer>, res);
    if (out !== body) {
      c.res.headers.set('Content-Encoding', encoding);
      c.res.headers.set('Content-Length', String(out.length));
    }
  };
}
