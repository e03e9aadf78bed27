import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

// Headers every response carries: the security set, fixed for the life of the process, and a
// request id. Built once here rather than per request (hono's secureHeaders and requestId cost
// ~24 µs per request, MEASURED.md).

// Everything the pages may load comes from this origin (DESIGN.md §2.7): no CDN, font,
// analytics or captcha; no inline script; WebAssembly for libsodium only.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', CSP],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/**
 * Gives the request a fresh random id (in `X-Request-Id` and the log line) and sets the security
 * headers. An id the client sends is never taken: it would let anyone write chosen text into the
 * logs, or link their requests across log lines by a value of their choosing.
 */
export function responseHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = randomUUID();
    c.set('requestId', id);
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    if (outgoing) {
      // Served by node:http: on the Node response itself, before the answer exists. The adapter's
      // writeHead merges them with the answer's own headers, whatever path writes it (a handler's
      // answer, an error, a stream), and the answer keeps its cheap form: setting them on
      // `c.res.headers` made the adapter build a WHATWG Headers (13 validated sets, then sorted
      // and copied back) on every request, 8 % of the server's busy time on an entry read.
      for (const [name, value] of SECURITY_HEADERS) outgoing.setHeader(name, value);
      outgoing.setHeader('X-Request-Id', id);
      return next();
    }
    // app.request() in tests: no Node response, so on the answer.
    await next();
    const headers = c.res.headers;
    for (const [name, value] of SECURITY_HEADERS) headers.set(name, value);
    headers.set('X-Request-Id', id);
  };
}
