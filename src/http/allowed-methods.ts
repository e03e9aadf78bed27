import type { Hono } from 'hono';
import type { AppEnv } from './context.js';

// 405 needs the methods a path does answer (RFC 9110 §15.5.6: `Allow` is required). They are
// read from the app's own router, the one that routes requests, so the list cannot drift from
// the routes: a path is known when a route other than a catch-all matches it for some method.

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** A function from a request path to the methods it answers (with HEAD wherever GET is), or [] for an unknown path. */
export function allowedMethodsOf(app: Hono<AppEnv>): (path: string) => string[] {
  return (path) => {
    // API paths are their own space (app.ts mounts them under /api): a page route never makes one known.
    const api = path === '/api' || path.startsWith('/api/');
    const allowed: string[] = [];
    for (const method of METHODS) {
      const [matches] = app.router.match(method, path);
      const known = matches.some(([[, route]]) => route.method === method && !route.path.endsWith('*') && (!api || route.path.startsWith('/api/')));
      if (known) allowed.push(...(method === 'GET' ? ['GET', 'HEAD'] : [method]));
    }
    return allowed;
  };
}
