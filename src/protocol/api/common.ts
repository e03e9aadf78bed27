import { z } from 'zod';
import { base64UrlLength, BASE64URL_PATTERN, fromBase64Url } from '../encoding.js';
import { ERROR_STATUS, type ErrorCode } from '../errors.js';
import { ID_PATTERN } from '../ids.js';

// Shapes shared by every API domain. Requests carry bytes as base64url and are decoded to
// Uint8Array by the schema itself (the one JSON edge); responses keep base64url strings.

/** Request field: exactly `n` bytes (or between min and max), as base64url, parsed to bytes. */
export function bytesIn(n: number | { min: number; max: number }) {
  const [min, max] = typeof n === 'number' ? [n, n] : [n.min, n.max];
  return z
    .string()
    .max(base64UrlLength(max))
    .regex(BASE64URL_PATTERN)
    .transform((s, ctx) => {
      const b = fromBase64Url(s);
      if (!b || b.length < min || b.length > max) {
        ctx.addIssue({ code: 'custom', message: `expected ${min === max ? min : `${min}-${max}`} bytes` });
        return z.NEVER;
      }
      return b;
    });
}

/** Response field: bytes as base64url. */
export const bytesOut = z.string().regex(BASE64URL_PATTERN);

export const idSchema = z.string().regex(ID_PATTERN);
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
});

export const okSchema = z.object({ ok: z.literal(true) });

export const powSchema = z.object({
  /** The server-signed challenge, returned as it was issued. */
  challenge: z.string().max(512).regex(BASE64URL_PATTERN),
  counter: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const powPurposeSchema = z.enum(['identity', 'question']);
export const powChallengeRequest = z.object({ purpose: powPurposeSchema });
export const powChallengeResponse = z.object({ challenge: z.string(), bits: z.number().int(), expiresAt: z.number().int() });

export const sessionResponse = z.object({
  token: z.string(),
  expiresAt: z.number().int(),
});
