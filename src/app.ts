import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { sessionRoutes } from './auth/routes.js';
import { sessionIsLive, sessionPolicyFrom, validateSession } from './auth/sessions.js';
import type { Config } from './config.js';
import { checkpoint, databaseFile, type Db } from './db/connection.js';
import { isStorageFailure, probeStorage, STORAGE_RETRY_AFTER_S, storageCodeOf, type StorageHealth } from './db/storage.js';
import { AppError } from './errors.js';
import { bearerToken, noStore, publicAnswer, type AppEnv } from './http/context.js';
import { API_DOCUMENT, registerSharedComponents } from './http/openapi.js';
import { allowedMethodsOf } from './http/allowed-methods.js';
import { limitBody } from './http/body-limit.js';
import { clientAddressResolver } from './http/client-address.js';
import { compressPublic } from './http/compression.js';
import { limitByNetwork, limitByPrincipal, NetworkKeyer, RateLimiter, type NetworkLimits } from './http/rate-limit.js';
import type { LimitName } from './http/limits.js';
import { responseHeaders } from './http/response-headers.js';
import { identityRoutes } from './identity/routes.js';
import { errorForLog, type Logger } from './logger.js';
import type { Pepper } from './pepper.js';
import { powRoutes } from './pow/routes.js';
import { ProofOfWork } from './pow/service.js';
import { fromBase64Url } from './protocol/encoding.js';
import { ERROR_MESSAGES, ERROR_STATUS, type ErrorBody, type ErrorCode } from './protocol/errors.js';
import { type SignaturePool } from './threads/signature-pool.js';
import type { Sodium } from './protocol/sodium.js';
import { staffRoutes } from './staff/routes.js';
import { getStaff } from './staff/service.js';
import { staffDirectory } from './staff/directory.js';
import { lifecycleRoutes } from './staff/lifecycle-routes.js';
import { staffIsActive } from './staff/lifecycle.js';
import { threadAccess } from './threads/revocation.js';
import { ThreadEvents } from './threads/events.js';
import { threadRoutes } from './threads/routes.js';
import { getIdentity } from './identity/service.js';
import { webRoutes } from './web/routes.js';
import { apiReferencePage, type ApiDocument } from './web/api-reference.js';
import type { Assets } from './web/assets.js';
import { publicSearch } from './knowledge/public-search.js';
import { browse, prepareKnowledgeBase, publicEntry } from './knowledge/service.js';
import { listTags } from './knowledge/tags.js';
import { knowledgeRoutes } from './knowledge/routes.js';
import { knowledgeStaffRoutes } from './knowledge/staff-routes.js';
import { ensureDefaultTags } from './knowledge/tags.js';
import { recordStaffAction } from './staff/audit-log.js';
import { webinarRoutes } from './webinars/routes.js';
import { getPublic as getPublicWebinar, listPublic as listPublicWebinars, publicView as publicWebinarView } from './webinars/service.js';
import { ImpactCounter } from './impact/counter.js';
import { countKnowledge, countThreads } from './impact/hooks.js';
import type { WebinarFigures } from './impact/report.js';
import { webinarFigures } from './webinars/figures.js';
import { crisisRoutes } from './crisis/routes.js';
import { CrisisDirectory, crisisSource, seedCrisisContacts } from './crisis/service.js';
import { impactRoutes } from './impact/routes.js';
import { impactService } from './impact/service.js';
import { addCounts } from './impact/store.js';
import { countVisits } from './impact/visits.js';
import { limitSubject } from './http/client-address.js';
import { peerAddress } from './http/rate-limit.js';
import { renderImpactView } from './web/pages/impact.js';

export interface AppDeps {
  config: Config;
  db: Db;
  pepper: Pepper;
  logger: Logger;
  sodium: Sodium;
  /** Ed25519 checks of posted items on worker threads (compose.ts starts and stops them). */
  signatures: SignaturePool;
  clock?: () => number;
  /** The browser's files (web/assets.ts). */
  assets: Assets;
  /** Live-update listeners; compose.ts keeps them to end open streams on shutdown. */
  events?: ThreadEvents;
  /** The demo organisation is what is pinned (staff/demo-organisation.ts): every page says so. */
  demo?: boolean;
  /** The impact report's daily counts in memory; compose.ts writes them hourly and at shutdown. */
  impact?: ImpactCounter;
  /** Webinar figures for the impact report (the webinars domain's, once wired here; zeros until then). */
  webinarFigures?: WebinarFigures;
}

const API_BODY_LIMIT = 64 * 1024;

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
  const network: NetworkLimits = { limiter, keyer: new NetworkKeyer(clock()), clientAddress: clientAddressResolver(config.TRUST_PROXY), clock };
  const byNetwork = (name: LimitName) => limitByNetwork(network, { name, ...config.RATE_LIMITS[name] });
  // The request line's fields are fixed and hold nothing secret: no redaction pass per request.
  const requestLog = logger.child({}, { redact: [] });

  const app = new OpenAPIHono<AppEnv>();

  app.use(responseHeaders());
  // One line per request at `debug`, off at the default `info`: a line with the route and a time to
  // the millisecond would let whoever reads the logs link one person's acts by their timing (a
  // login, then a question a moment later), which the database is built not to allow (DESIGN.md
  // §2.9). Errors and warnings keep their request id. Not even a pass-through layer when off.
  if (requestLog.isLevelEnabled('debug')) {
    app.use(async (c, next) => {
      const started = performance.now();
      await next();
      requestLog.debug({
        requestId: c.get('requestId'),
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      }, 'request');
    });
  }
  app.use(compressPublic());

  app.get('/healthz', (c) => c.json({ ok: true }));
  // Liveness stays free of I/O (a process with a full disk is alive, and a restart would not
  // help); readiness asks the database. The probe writes, so its answer is kept for a second:
  // anyone may call this, and it must not turn into a stream of fsyncs.
  let readiness: { at: number; health: StorageHealth } | null = null;
  app.get('/readyz', (c) => {
    if (!readiness || clock() - readiness.at >= 1000) {
      const health = probeStorage(db, databaseFile(config.DATA_DIR));
      readiness = { at: clock(), health }; // from the probe's end: a slow probe is not repeated at once
    }
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
  // The network limit first: it needs only the peer, so a client over its budget costs no body
  // read and no session look-up, and oversized requests count against it too.
  api.use('*', byNetwork('network'));
  api.use('*', limitBody(API_BODY_LIMIT));
  // Not async, like the other pass-through layers: each async layer costs a promise per request.
  api.use('*', (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    c.set('token', token);
    c.set('principal', token ? validateSession(db, pepper, sessions, token, clock()) : null);
    return next();
  });
  api.use('*', limitByPrincipal(limiter, { name: 'principal', ...config.RATE_LIMITS.principal }, clock));
  api.use('/identities', byNetwork('mint'));
  api.use('/identities/sessions', byNetwork('login'));
  api.use('/pow/*', byNetwork('pow'));
  api.use('/staff/prelogin', byNetwork('staff-login'));
  api.use('/staff/sessions', byNetwork('staff-login'));
  api.use('/staff/accept', byNetwork('staff-accept'));
  api.use('/staff/reset', byNetwork('staff-accept'));
  api.use('/kb/search', byNetwork('search'));
  api.use('/kb/questions', byNetwork('questions'));
  // Public answers, the same for everyone: cacheable, and so compressed (http/compression.ts).
  api.use('/openapi.json', publicAnswer('public, max-age=300'));
  api.use('/directory', publicAnswer('public, no-cache'));

  api.route('/', powRoutes({ pow, clock }));
  api.route('/', sessionRoutes({ db, pepper }));
  api.route('/', staffRoutes({ db, pepper, sessions, clock, minKdf: { m: config.STAFF_KDF_MIN_MEMORY_KIB, t: config.STAFF_KDF_MIN_PASSES, p: 1 } }));
  // The staff lifecycle takes access away; the threads domain marks what the member held and ends their streams.
  const events = deps.events ?? new ThreadEvents();
  // Counts for the impact report: the other domains tell through listeners, the public pages through countVisits below.
  const counter = deps.impact ?? new ImpactCounter({ write: (rows) => addCounts(db, rows), clock });
  // The webinars domain's figures, held events only ("now" is the app's clock, so tests can move it).
  const heldWebinars: WebinarFigures = (period) => webinarFigures(db, { ...period, now: clock() }).byLanguage;
  const impact = impactService({ db, counter, webinars: deps.webinarFigures ?? heldWebinars, clock });
  const staffActive = (id: string) => staffIsActive(db, id);
  api.route('/', lifecycleRoutes({
    db, pepper, sessions, clock, threads: threadAccess(db, events, staffActive),
    minKdf: { m: config.STAFF_KDF_MIN_MEMORY_KIB, t: config.STAFF_KDF_MIN_PASSES, p: 1 },
  }));
  api.route('/', identityRoutes({ db, pepper, pow, sessions, clock, afterErase: () => checkpoint(db) }));
  api.route('/', threadRoutes({
    onStreamError: (err) => logger.error({ err: errorForLog(err) }, 'thread stream failed'),
    db, sodium: deps.sodium, signatures: deps.signatures, clock,
    directory: staffDirectory(db, { sodium: deps.sodium, orgPublicKey: config.ORG_PUBLIC_KEY ? fromBase64Url(config.ORG_PUBLIC_KEY) : null, clock }),
    identities: (id) => getIdentity(db, id),
    events,
    maxOpenThreads: config.MAX_OPEN_THREADS,
    afterErase: () => checkpoint(db),
    sessionIsLive: (token) => sessionIsLive(db, pepper, sessions, token, clock()),
    staffActive,
    staffRoles: (id) => {
      const member = getStaff(db, id);
      return member && member.disabledAt === null ? member.roles : [];
    },
    onActivity: countThreads(counter),
  }));

  ensureDefaultTags(db);
  prepareKnowledgeBase(db, pepper);
  api.route('/', webinarRoutes({
    db, pow, clock,
    audit: (r, now) => recordStaffAction(db, { actor: r.actor, action: `webinar.${r.action}`, subject: r.webinarId, detail: r.detail }, now),
  }));
  // Crisis contacts: the shipped defaults on an install's first start, then the admins' list, held in memory.
  seedCrisisContacts(db);
  const crisis = new CrisisDirectory(db);
  api.route('/', crisisRoutes({
    directory: crisis, clock,
    audit: (r, now) => recordStaffAction(db, { actor: r.actor, action: `crisis.${r.action}`, subject: r.contactId, detail: r.detail }, now),
  }));
  api.route('/', knowledgeRoutes({ db, pepper, pow, clock, policy: { flagThreshold: config.FLAG_THRESHOLD }, afterErase: () => checkpoint(db), onActivity: countKnowledge(counter) }));
  api.route('/', knowledgeStaffRoutes({ db, pepper, clock, afterErase: () => checkpoint(db), onActivity: countKnowledge(counter) }));
  api.route('/', impactRoutes({ db, impact, renderView: renderImpactView }));

  registerSharedComponents(api);
  // Built once, on first use (every route is registered by then): the document and the reference page are the same for everyone.
  let apiDocument: ApiDocument | undefined;
  const documentOf = () => (apiDocument ??= api.getOpenAPI31Document(API_DOCUMENT));
  let documentText: string | undefined;
  let referencePage: string | undefined;
  api.get('/openapi.json', (c) => c.body(documentText ??= JSON.stringify(documentOf()), 200, { 'Content-Type': 'application/json' }));
  api.get('/reference', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.html(referencePage ??= apiReferencePage(documentOf(), deps.assets));
  });
  app.route('/api', api);
  // What the API's routes did not answer stays the API's: a 405 or a JSON 404, never a page route's answer.
  const allowedMethods = allowedMethodsOf(app);
  const unmatched = (c: Context<AppEnv>) => {
    // A known path asked with a method it does not have: 405 with the methods it has.
    const allow = allowedMethods(c.req.path);
    const code = allow.length > 0 ? 'method_not_allowed' : 'not_found';
    if (code === 'method_not_allowed') c.header('Allow', allow.join(', '));
    return c.json({ error: { code, message: ERROR_MESSAGES[code], requestId: c.get('requestId') } } satisfies ErrorBody, statusOf(code));
  };
  app.all('/api/*', unmatched);

  // Pages count against the same budgets as the API: the search page runs the same search as
  // /api/kb/search and must not be a way around its limit.
  const pageNetwork = byNetwork('network');
  const pageSearch = byNetwork('search');
  app.use('/:lang/*', (c, next) => (c.req.path.startsWith('/api/') || c.req.path.startsWith('/static/') ? next() : pageNetwork(c, next)));
  app.use('/:lang/search', (c, next) => (c.req.path.startsWith('/api/') ? next() : pageSearch(c, next)));
  app.use('/:lang/*', countVisits({ counter, addressOf: (c) => limitSubject(network.clientAddress(peerAddress(c), c.req.header('x-forwarded-for'))) }));
  app.route('/', webRoutes({
    assets: deps.assets,
    demo: deps.demo ?? false,
    crisis: crisisSource(crisis),
    impact: (month) => impact.publicMonth(month),
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
    webinars: {
      list: (q) => { const now = clock(); return listPublicWebinars(db, q, now).map((row) => publicWebinarView(row, now)); },
      get: (id) => { const row = getPublicWebinar(db, id); return row ? publicWebinarView(row, clock()) : null; },
      clock,
    },
  }));

  app.notFound(unmatched);
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
    if (appError.retryAfter !== undefined) c.header('Retry-After', String(appError.retryAfter));
    return c.json(body, statusOf(appError.code));
  });

  return app;
}

export type App = ReturnType<typeof buildApp>;
