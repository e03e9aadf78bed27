import { z } from 'zod';
import { POW } from '../constants.js';
import { base64UrlLength, BASE64URL_PATTERN, fromBase64Url } from '../encoding.js';
import { ERROR_STATUS, type ErrorCode } from '../errors.js';
import { ID_PATTERN } from '../ids.js';

// Shapes shared by every API domain. Requests carry bytes as base64url and are decoded to
// Uint8Array by the schema itself (the one JSON edge); responses keep base64url strings.

/** Request field: exactly `n` bytes (or between min and max), as base64url, parsed to bytes. */
export function bytesIn(n: number | { min: number; max: number }) {
  const [min, max] = typeof n === 'number' ? [n, n] : [n.min, n.max];
  return base64UrlString(min, max)
    .transform((s, ctx) => {
      const b = fromBase64Url(s);
      if (!b || b.length < min || b.length > max) {
        ctx.addIssue({ code: 'custom', message: `expected ${min === max ? min : `${min}-${max}`} bytes` });
        return z.NEVER;
      }
      return b;
    });
}

/** Response field: exactly `n` bytes (or between min and max) as base64url. */
export function bytesOut(n: number | { min: number; max: number }) {
  const [min, max] = typeof n === 'number' ? [n, n] : [n.min, n.max];
  return base64UrlString(min, max);
}

// The string lengths are stated (minLength/maxLength in the OpenAPI document) so that a client
// generated from the contract knows a 32-byte key is exactly 43 characters; unpadded base64url
// gives each byte count one length, so this refuses nothing the byte check would accept.
function base64UrlString(minBytes: number, maxBytes: number) {
  const s = z.string().regex(BASE64URL_PATTERN);
  return minBytes === maxBytes ? s.length(base64UrlLength(minBytes)) : s.min(base64UrlLength(minBytes)).max(base64UrlLength(maxBytes));
}

/** A random id: a one-letter kind, '_' and 16 random bytes (protocol/ids.ts). */
export const idSchema = z.string().length(24).regex(ID_PATTERN);
export const threadIdParam = z.object({ id: idSchema });

export const LANGUAGES = ['ru', 'kk', 'en'] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;

export const errorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    requestId: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), code: z.string() })).optional(),
  }),
}).meta({ id: 'Error', description: 'Every error answer: a stable code (the HTTP status follows from it), a fixed message, the request id; `issues` lists failing paths, never submitted values.' });

export const okSchema = z.object({ ok: z.literal(true) }).meta({ id: 'Ok' });

export const powSchema = z.object({
  /** The server-signed challenge, returned as it was issued (any other string is a wrong proof of work, not a malformed request). */
  challenge: z.string().max(512).regex(BASE64URL_PATTERN),
  counter: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const powPurposeSchema = z.enum(['identity', 'question', 'webinar']);
export const powChallengeRequest = z.object({ purpose: powPurposeSchema }).meta({ id: 'PowChallengeRequest' });
/** An issued challenge: 27 bytes (version, purpose, bits, expiry, 16 random) and a 16-byte MAC (pow/service.ts). */
export const POW_CHALLENGE_BYTES = POW.challengeBytes;
export const powChallengeResponse = z.object({ challenge: bytesOut(POW_CHALLENGE_BYTES), bits: z.number().int().min(0).max(POW.maxBits), expiresAt: z.number().int() }).meta({ id: 'PowChallenge' });

export const sessionResponse = z.object({
  /** 32 random bytes as base64url: sent back as `Authorization: Bearer <token>`. */
  token: bytesOut(32),
  expiresAt: z.number().int(),
});
