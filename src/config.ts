import { z } from 'zod';
import { trustProxySchema } from './http/client-address.js';
import { rateLimitsSchema } from './http/limits.js';

// The only module that reads the environment (STYLE.md; enforced by eslint).
const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Hex, 32 bytes. When absent, generated on first start into DATA_DIR/pepper (mode 0600). */
  PEPPER: z.string().regex(/^[0-9a-f]{64}$/i).optional(),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(60 * 24),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).default(24 * 14),
  /** Leading zero bits a proof of work needs when the service is quiet; load adds to it. */
  POW_BITS: z.coerce.number().int().min(1).max(30).default(18),
  MAX_OPEN_THREADS: z.coerce.number().int().min(1).default(5),
  /** The least Argon2id memory (KiB) a staff account may be created with; lowered only by tests. */
  STAFF_KDF_MIN_MEMORY_KIB: z.coerce.number().int().min(8).default(64 * 1024),
  STAFF_KDF_MIN_PASSES: z.coerce.number().int().min(1).default(3),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PURGE_INTERVAL_MINUTES: z.coerce.number().int().min(1).default(60),
  /** Reader flags that take a published entry out of the public index until a moderator decides. */
  FLAG_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(3),
  /** The organisation public key (base64url, from `admin -- org-key public`), pinned into the web apps. */
  ORG_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/).optional(),
  /** Load the sample knowledge base into an empty database at start (turn off in production). */
  DEMO_CONTENT: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Which peers may name the client in X-Forwarded-For, for rate limits only: off, a hop count, or proxy addresses/CIDRs. */
  TRUST_PROXY: trustProxySchema,
  /** Overrides of the rate limits (http/limits.ts), e.g. `login=10/1m,network=600/1m`. */
  RATE_LIMITS: rateLimitsSchema,
});

export type Config = z.infer<typeof configSchema>;

/** Parses the environment once at start-up; a bad value stops the process with the failing key named. */
/** A setting the environment gives wrongly: the operator's to fix, said in one line (server.ts). */
export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    // Names and zod's reason only, never the value: a PEPPER given wrongly must not reach a log.
    const issues = result.error.issues.map((i) => `${i.path.join('.')} (${i.message})`).join('; ');
    throw new ConfigError(`Invalid configuration: ${issues}`);
  }
  return result.data;
}

/** Defaults for tests and tools, overridden field by field. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...configSchema.parse({}), POW_BITS: 4, LOG_LEVEL: 'silent', STAFF_KDF_MIN_MEMORY_KIB: 8, STAFF_KDF_MIN_PASSES: 1, DEMO_CONTENT: false, ...overrides };
}
