import type { Context, MiddlewareHandler } from 'hono';
import { OpenAPIHono } from '@hono/zod-openapi';
import { isAuthenticated, withSharedErrors } from './openapi.js';
import type { Principal } from '../auth/sessions.js';
import { AppError } from '../errors.js';
import type { StaffRole } from '../protocol/api/staff.js';

export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal | null;
    token: string | null;
    /** The keyed hash of the client address (rate-limit.ts), once computed for this request. */
    networkKey: string | undefined;
  };
}

/**
 * A sub-app whose validation failures become one AppError (mapped to 400 in app.ts), and whose
 * routes are completed from their own declaration: an operation with a `security` requirement
 * checks for a session before its input is validated (an anonymous caller learns nothing about
 * the body's shape, and gets the answer that tells it what is missing: 401), and every operation
 * lists the shared error answers (http/openapi.ts).
 */
export function newRouter(): OpenAPIHono<AppEnv> {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        // Paths and issue codes only: echoing the submitted value could put a secret in a response or log.
        throw new AppError('invalid_input', {
          issues: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code })),
        });
      }
    },
  });
  const register = router.openapi;
  router.openapi = ((route, handler, hook) => register(
    { ...withSharedErrors(route), middleware: [...(isAuthenticated(route) ? [sessionRequired] : []), ...[route.middleware ?? []].flat()] },
    handler,
    hook,
  )) as typeof router.openapi;
  return router;
}

/** Route middleware of authenticated operations, before validation: 401 without a live session. */
const sessionRequired: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('principal')) throw new AppError('unauthorized');
  await next();
};

export function requireAsker(c: Context<AppEnv>): string {
  const p = c.get('principal');
  if (!p) throw new AppError('unauthorized');
  if (p.kind !== 'asker') throw new AppError('forbidden');
  return p.identityId;
}

/** The staff member, who must hold at least one of `roles`. */
export function requireStaff(c: Context<AppEnv>, roles: readonly StaffRole[]): { staffId: string; roles: StaffRole[] } {
  const p = c.get('principal');
  if (!p) throw new AppError('unauthorized');
  if (p.kind !== 'staff' || !p.roles.some((r) => roles.includes(r))) throw new AppError('forbidden');
  return p;
}

export function requirePrincipal(c: Context<AppEnv>): Principal {
  const p = c.get('principal');
  if (!p) throw new AppError('unauthorized');
  return p;
}

/** The bearer token of the request, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = header?.match(/^Bearer ([A-Za-z0-9_-]{43})$/);
  return m ? m[1]! : null;
}

/** API answers are not stored by caches, unless a public route said otherwise (the same for everyone). */
export const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  // On the response's own headers: c.header() after the handler would copy the whole response.
  const headers = c.res.headers;
  if (!headers.get('Cache-Control')?.startsWith('public')) headers.set('Cache-Control', 'no-store');
};

/** Marks a successful answer as the same for everyone (so caches may keep it and it may be compressed). */
export function publicAnswer(cacheControl: `public${string}`): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.res.status === 200) c.res.headers.set('Cache-Control', cacheControl);
  };
}

export const BEARER_SECURITY = [{ bearer: [] }];
/** Said on every public operation: an explicit "no session needed", not a missing declaration. */
export const PUBLIC_SECURITY: { [scheme: string]: string[] }[] = [];
