import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { sessionRoutes } from './auth/routes.js';
import { sessionIsLive, sessionPolicyFrom, validateSession } from './auth/sessions.js';
import type { Config } from './config.js';
import { checkpoint, databaseFile, type Db } from './db/connection.js';
import { isStorageFailure, probeStorage, STORAGE_RETRY_AFTER_S, storageCodeOf, type StorageHealth } from './db/storage.js';
import { AppError } from './errors.js';
import { bearerToken, noStore, type AppEnv } from './http/context.js';
import { limitByNetwork, limitByPrincipal, NetworkKeyer, RateLimiter } from './http/rate-limit.js';
import { identityRoutes } from './identity/routes.js';
import { errorForLog, type Logger } from './logger.js';
import type { Pepper } from './pepper.js';
import { powRoutes } from './pow/routes.js';
import { ProofOfWork } from './pow/service.js';
import { ERROR_MESSAGES, ERROR_STATUS, type ErrorBody, type ErrorCode } from './protocol/errors.js';
import type { Sodium } from './protocol/sodium.js';
import { staffRoutes } from './staff/routes.js';
import { staffDirectory } from './staff/service.js';
import { ThreadEvents } from './threads/events.js';
import { threadRoutes } from './threads/routes.js';
import { getIdentity } from './identity/service.js';
import { webRoutes } from './web/routes.js';
import type { Assets } from './web/assets.js';
import { publicSearch } from './knowledge/public-search.js';
import { browse, prepareKnowledgeBase, publicEntry } from './knowledge/service.js';
import { listTags } from './knowledge/tags.js';
import { knowledgeRoutes } from './knowledge/routes.js';
import { knowledgeStaffRoutes } from './knowledge/staff-routes.js';
import { ensureDefaultTags } from './knowledge/tags.js';

export interface AppDeps {
  config: Config;
  db: Db;
  pepper: Pepper;
  logger: Logger;
  sodium: Sodium;
  clock?: () => number;
  /** The browser's files (web/assets.ts). */
  assets: Assets;
  /** Live-update listeners; compose.ts keeps them to end open streams on shutdown. */
  events?: ThreadEvents;
}

const API_BODY_LIMIT = 64 * 1024;

// Everything the pages may load comes from this origin (DESIGN.md §2.7): no CDN, font,
// analytics or captcha; no inline script; WebAssembly for libsodium only.
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

function statusOf(code: ErrorCode): ContentfulStatusCode {
  return ERROR_STATUS[code] as ContentfulStatusCode;
}

/** Maps whatever was thrown to an error code; the one place errors become HTTP. */
function codeOf(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new AppError('payload_too_large');
    if (err.status === 400) return new AppError('invalid_json');
    if (err.status === 404) return new AppError('not_found');
    if (err.status === 415) return new AppError('unsupported_media_type');
    if (err.status === 401) return new AppError('unauthorized');
    if (err.status === 503 || err.status === 504) return new AppError('timeout');
  }
  if (isStorageFailure(err)) return new AppError('storage_unavailable');
  return new AppError('internal');
}

/** Builds the application (no listen) from what it runs on; compose.ts opens those, for server.ts and tests alike. */
export function buildApp(deps: AppDeps) {
  const { config, db, pepper, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const sessions = sessionPolicyFrom(config);
  const pow = new ProofOfWork(pepper, config.POW_BITS);
  const limiter = new RateLimiter();
  const keyer = new NetworkKeyer(clock());
  const byNetwork = (name: string, limit: number, windowMs: number) => limitByNetwork(limiter, keyer, { name, limit, windowMs }, clock);

  const app = new OpenAPIHono<AppEnv>();

  app.use(requestId({ generator: () => crypto.randomUUID() }));
  app.use(secureHeaders({ contentSecurityPolicy: CSP, referrerPolicy: 'no-referrer', crossOriginEmbedderPolicy: false }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info({
      requestId: c.get('requestId'),
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    }, 'request');
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  // Liveness stays free of I/O (a process with a full disk is alive, and a restart would not
  // help); readiness asks the database. The probe writes, so its answer is kept for a second:
  // anyone may call this, and it must not turn into a stream of fsyncs.
  let readiness: { at: number; health: StorageHealth } | null = null;
  app.get('/readyz', (c) => {
    const now = clock();
    if (!readiness || now - readiness.at >= 1000) readiness = { at: now, health: probeStorage(db, databaseFile(config.DATA_DIR)) };
    const { health } = readiness;
    const ok = health.readable && health.writable;
    c.header('Cache-Control', 'no-store');
    if (!ok) c.header('Retry-After', String(STORAGE_RETRY_AFTER_S));
    return c.json({ ok, database: health }, ok ? 200 : 503);
  });

  // The API is its own sub-app under /api: no page route (`/:lang/*`) can answer for its paths,
  // whatever order the two are mounted in.
  const api = new OpenAPIHono<AppEnv>();
  api.use('*', noStore);
  api.use('*', bodyLimit({ maxSize: API_BODY_LIMIT, onError: () => { throw new AppError('payload_too_large'); } }));
  api.use('*', async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    c.set('token', token);
    c.set('principal', token ? validateSession(db, pepper, sessions, token, clock()) : null);
    await next();
  });
  api.use('*', byNetwork('network', 1200, 60_000));
  api.use('*', limitByPrincipal(limiter, { name: 'principal', limit: 600, windowMs: 60_000 }, clock));
  api.use('/identities', byNetwork('mint', 20, 60_000));
  api.use('/identities/sessions', byNetwork('login', 30, 60_000));
  api.use('/pow/*', byNetwork('pow', 60, 60_000));
  api.use('/staff/prelogin', byNetwork('staff-login', 30, 60_000));
  api.use('/staff/sessions', byNetwork('staff-login', 30, 60_000));
  api.use('/staff/accept', byNetwork('staff-accept', 10, 60_000));
  api.use('/kb/search', byNetwork('search', 120, 60_000));
  api.use('/kb/questions', byNetwork('questions', 20, 60_000));

  api.route('/', powRoutes({ pow, clock }));
  api.route('/', sessionRoutes({ db, pepper }));
  api.route('/', staffRoutes({ db, pepper, sessions, clock, minKdf: { m: config.STAFF_KDF_MIN_MEMORY_KIB, t: config.STAFF_KDF_MIN_PASSES, p: 1 } }));
  api.route('/', identityRoutes({ db, pepper, pow, sessions, clock, afterErase: () => checkpoint(db) }));
  api.route('/', threadRoutes({
    db, sodium: deps.sodium, clock,
    directory: staffDirectory(db),
    identities: (id) => getIdentity(db, id),
    events: deps.events ?? new ThreadEvents(),
    maxOpenThreads: config.MAX_OPEN_THREADS,
    afterErase: () => checkpoint(db),
    sessionIsLive: (token) => sessionIsLive(db, pepper, sessions, token, clock()),
  }));

  ensureDefaultTags(db);
  prepareKnowledgeBase(db, pepper);
  api.route('/', knowledgeRoutes({ db, pepper, pow, clock, policy: { flagThreshold: config.FLAG_THRESHOLD }, afterErase: () => checkpoint(db) }));
  api.route('/', knowledgeStaffRoutes({ db, pepper, clock, afterErase: () => checkpoint(db) }));

  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Tynys API', version: '1', description: 'Anonymous support with end-to-end encrypted consultations.' },
    servers: [{ url: '/api' }],
  });
  app.route('/api', api);

  app.route('/', webRoutes({
    assets: deps.assets,
    knowledge: {
      tags: () => listTags(db),
      search: (q, tags) => publicSearch(db, q, tags),
      browse: (q) => browse(db, q),
      entry: (id) => {
        try {
          return publicEntry(db, id);
        } catch (err) {
          if (err instanceof AppError && err.code === 'entry_not_found') return null;
          throw err;
        }
      },
    },
  }));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: ERROR_MESSAGES.not_found, requestId: c.get('requestId') } } satisfies ErrorBody, 404));
  app.onError((err, c) => {
    const appError = codeOf(err);
    if (appError.code === 'internal') logger.error({ requestId: c.get('requestId'), err: errorForLog(err) }, 'unhandled error');
    if (appError.code === 'storage_unavailable') {
      logger.error({ requestId: c.get('requestId'), sqlite: storageCodeOf(err) }, 'storage unavailable for writes');
      c.header('Retry-After', String(STORAGE_RETRY_AFTER_S));
    }
    const body: ErrorBody = {
      error: { code: appError.code, message: ERROR_MESSAGES[appError.code], requestId: c.get('requestId'), ...(appError.issues ? { issues: appError.issues } : {}) },
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body, statusOf(appError.code));
  });

  return app;
}

export type App = ReturnType<typeof buildApp>;
