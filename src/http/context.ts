import type { Context, MiddlewareHandler } from 'hono';
import { OpenAPIHono } from '@hono/zod-openapi';
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

/** A sub-app whose validation failures become one AppError (mapped to 400 in app.ts). */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        // Paths and issue codes only: echoing the submitted value could put a secret in a response or log.
        throw new AppError('invalid_input', {
          issues: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code })),
        });
      }
    },
  });
}

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
