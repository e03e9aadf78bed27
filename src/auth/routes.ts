import { createRoute } from '@hono/zod-openapi';
import type { Db } from '../db/connection.js';
import { BEARER_SECURITY, newRouter, requirePrincipal } from '../http/context.js';
import { jsonResponse } from '../http/openapi.js';
import type { Pepper } from '../pepper.js';
import { okSchema } from '../protocol/api/common.js';
import { revokeSession } from './sessions.js';

const logout = createRoute({
  method: 'delete',
  path: '/sessions/current',
  operationId: 'logout',
  tags: ['sessions'],
  summary: 'Log out: revoke the token this request carries (askers and staff)',
  security: BEARER_SECURITY,
  responses: { 200: jsonResponse(okSchema, 'Revoked') },
});

export function sessionRoutes(deps: { db: Db; pepper: Pepper }) {
  return newRouter().openapi(logout, (c) => {
    requirePrincipal(c);
    revokeSession(deps.db, deps.pepper, c.get('token')!);
    return c.json({ ok: true as const }, 200);
  });
}
