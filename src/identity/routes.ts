import { createRoute } from '@hono/zod-openapi';
import { createSession, revokeAllSessions, type SessionPolicy } from '../auth/sessions.js';
import type { Db } from '../db/connection.js';
import { AppError } from '../errors.js';
import { BEARER_SECURITY, newRouter, PUBLIC_SECURITY, requireAsker } from '../http/context.js';
import type { Pepper } from '../pepper.js';
import type { ProofOfWork } from '../pow/service.js';
import { toBase64Url } from '../protocol/encoding.js';
import { okSchema } from '../protocol/api/common.js';
import { errorResponse, jsonBody, jsonResponse as json } from '../http/openapi.js';
import { identityLoginRequest, identityResponse, identitySessionResponse, mintIdentityRequest } from '../protocol/api/identity.js';
import { eraseIdentity, findIdentityByAuthKey, getIdentity, mintIdentity, touchIdentity } from './service.js';

export interface IdentityDeps {
  db: Db;
  pepper: Pepper;
  pow: ProofOfWork;
  sessions: SessionPolicy;
  clock: () => number;
  /** Runs after an erase: the caller checkpoints the WAL so the erased pages leave the -wal file too. */
  afterErase: () => void;
}


const mint = createRoute({
  method: 'post',
  path: '/identities',
  operationId: 'mintIdentity',
  security: PUBLIC_SECURITY,
  tags: ['identity'],
  summary: 'Mint an anonymous identity (with a proof of work) and get a session token',
  request: jsonBody(mintIdentityRequest),
  responses: { 201: json(identitySessionResponse, 'Identity created'), 409: errorResponse('Identity exists') },
});

const login = createRoute({
  method: 'post',
  path: '/identities/sessions',
  operationId: 'loginIdentity',
  security: PUBLIC_SECURITY,
  tags: ['identity'],
  summary: 'Log in again from the auth key derived from a recovery code',
  request: jsonBody(identityLoginRequest),
  responses: { 201: json(identitySessionResponse, 'Session created'), 401: errorResponse('No identity with this auth key (`invalid_credentials`)') },
});

const me = createRoute({
  method: 'get',
  path: '/identities/me',
  operationId: 'getMyIdentity',
  tags: ['identity'],
  summary: 'The calling identity',
  security: BEARER_SECURITY,
  responses: { 200: json(identityResponse, 'The identity') },
});

const erase = createRoute({
  method: 'delete',
  path: '/identities/me',
  operationId: 'eraseMyIdentity',
  tags: ['identity'],
  summary: 'Erase the identity with every session, thread and message it owns',
  security: BEARER_SECURITY,
  responses: { 200: json(okSchema, 'Erased') },
});

const logoutEverywhere = createRoute({
  method: 'delete',
  path: '/identities/me/sessions',
  operationId: 'revokeMySessions',
  tags: ['identity'],
  summary: 'Revoke every session of the calling identity',
  security: BEARER_SECURITY,
  responses: { 200: json(okSchema, 'Revoked') },
});

export function identityRoutes(deps: IdentityDeps) {
  const { db, pepper, clock } = deps;
  return newRouter()
    .openapi(mint, (c) => {
      const body = c.req.valid('json');
      if (!deps.pow.redeem('identity', body.pow, clock())) throw new AppError('invalid_proof_of_work');
      const identity = mintIdentity(db, pepper, body, clock());
      if (!identity) throw new AppError('identity_exists');
      const session = createSession(db, pepper, deps.sessions, { identityId: identity.identityId }, clock());
      return c.json({ ...session, identityId: identity.identityId, pseudonym: identity.pseudonym }, 201);
    })
    .openapi(login, (c) => {
      const identity = findIdentityByAuthKey(db, pepper, c.req.valid('json').authKey);
      if (!identity) throw new AppError('invalid_credentials');
      touchIdentity(db, identity.identityId, clock());
      const session = createSession(db, pepper, deps.sessions, { identityId: identity.identityId }, clock());
      return c.json({ ...session, identityId: identity.identityId, pseudonym: identity.pseudonym }, 201);
    })
    .openapi(me, (c) => {
      const identity = getIdentity(db, requireAsker(c));
      if (!identity) throw new AppError('unauthorized');
      return c.json({
        identityId: identity.identityId,
        pseudonym: identity.pseudonym,
        boxPublicKey: toBase64Url(identity.boxPublicKey),
        signPublicKey: toBase64Url(identity.signPublicKey),
      }, 200);
    })
    .openapi(erase, (c) => {
      eraseIdentity(db, requireAsker(c));
      deps.afterErase();
      return c.json({ ok: true as const }, 200);
    })
    .openapi(logoutEverywhere, (c) => {
      revokeAllSessions(db, { identityId: requireAsker(c) });
      return c.json({ ok: true as const }, 200);
    });
}
