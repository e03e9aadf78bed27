import { z } from 'zod';

// The rate limits, by name, with their defaults; RATE_LIMITS overrides any of them, e.g.
// `login=10/1m,search=300/1m` (a benchmark raises `network` and `principal` so that it measures
// the service, not the limiter). Each is a fixed window counted per network address (keyed
// hash, see rate-limit.ts) or, for `principal`, per session holder.

export const LIMIT_NAMES = ['network', 'principal', 'mint', 'login', 'pow', 'staff-login', 'staff-accept', 'search', 'questions'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface Limit {
  limit: number;
  windowMs: number;
}

const MINUTE = 60_000;

export const DEFAULT_LIMITS: Readonly<Record<LimitName, Limit>> = {
  /** Every /api request from one address. */
  network: { limit: 1200, windowMs: MINUTE },
  /** Every /api request of one session holder, whatever network they use. */
  principal: { limit: 600, windowMs: MINUTE },
  mint: { limit: 20, windowMs: MINUTE },
  login: { limit: 30, windowMs: MINUTE },
  pow: { limit: 60, windowMs: MINUTE },
  'staff-login': { limit: 30, windowMs: MINUTE },
  'staff-accept': { limit: 10, windowMs: MINUTE },
  search: { limit: 120, windowMs: MINUTE },
  questions: { limit: 20, windowMs: MINUTE },
};

const UNIT_MS = { s: 1000, m: MINUTE, h: 60 * MINUTE } as const;
const RULE = /^([a-z-]+)=(\d{1,9})\/(\d{1,6})([smh])$/;

/** `name=limit/window` pairs (window in s, m or h), comma-separated, over the defaults. */
export const rateLimitsSchema = z.string().default('').transform((raw, ctx): Record<LimitName, Limit> => {
  const limits = { ...DEFAULT_LIMITS };
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = RULE.exec(part);
    const name = m?.[1] as LimitName | undefined;
    if (!m || !name || !LIMIT_NAMES.includes(name) || Number(m[2]) < 1 || Number(m[3]) < 1) {
      ctx.addIssue({ code: 'custom', message: `expected name=limit/window (names: ${LIMIT_NAMES.join(', ')}; window like 60s, 1m, 1h)` });
      continue;
    }
    limits[name] = { limit: Number(m[2]), windowMs: Number(m[3]) * UNIT_MS[m[4] as keyof typeof UNIT_MS] };
  }
  return limits;
});
