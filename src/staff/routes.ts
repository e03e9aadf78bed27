import { createRoute } from '@hono/zod-openapi';
import { createSession, type SessionPolicy } from '../auth/sessions.js';
import type { Db } from '../db/connection.js';
import { AppError } from '../errors.js';
import { BEARER_SECURITY, newRouter, PUBLIC_SECURITY, requireStaff } from '../http/context.js';
import { errorResponse, jsonBody, jsonResponse } from '../http/openapi.js';
import type { Pepper } from '../pepper.js';
import {
  acceptInviteRequest, createInviteRequest, createInviteResponse, directoryHistoryQuery, directoryHistoryResponse, directoryResponse, preloginRequest, preloginResponse,
  staffLoginRequest, staffProfile, staffSessionResponse, STAFF_ROLES, type StaffRole,
} from '../protocol/api/staff.js';
import type { Language } from '../protocol/api/common.js';
import { toBase64Url } from '../protocol/encoding.js';
import type { KdfParams } from '../protocol/kdf.js';
import { createStaffInvite } from './lifecycle.js';
import { acceptInvite, getStaff, prelogin, verifyStaffLogin, type StaffRow } from './service.js';
import { latestManifest, manifestsBefore } from './manifest-store.js';
import { manifestToWire } from '../protocol/manifest.js';

export interface StaffDeps {
  db: Db;
  pepper: Pepper;
  sessions: SessionPolicy;
  clock: () => number;
  /** The weakest Argon2id cost an account may be created with (STAFF_KDF outside tests). */
  minKdf: KdfParams;
}

const createInviteRoute = createRoute({
  method: 'post', path: '/staff/invites', operationId: 'createInvite', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'Create a one-time staff invite, valid 72 hours (admins)',
  request: jsonBody(createInviteRequest),
  responses: { 201: jsonResponse(createInviteResponse, 'The invite code, shown once') },
});

const acceptRoute = createRoute({
  method: 'post', path: '/staff/accept', operationId: 'acceptInvite', tags: ['staff'], security: PUBLIC_SECURITY,
  summary: 'Accept an invite with client-derived keys; the passphrase never leaves the browser',
  request: jsonBody(acceptInviteRequest),
  responses: {
    201: jsonResponse(staffSessionResponse, 'Account created and logged in'),
    404: errorResponse('Unknown, used or expired invite'),
    409: errorResponse('Login taken'),
  },
});

const preloginRoute = createRoute({
  method: 'post', path: '/staff/prelogin', operationId: 'staffPrelogin', tags: ['staff'], security: PUBLIC_SECURITY,
  summary: 'Salt and Argon2id cost for a login (a stable fake for unknown logins)',
  request: jsonBody(preloginRequest),
  responses: { 200: jsonResponse(preloginResponse, 'Salt and cost') },
});

const loginRoute = createRoute({
  method: 'post', path: '/staff/sessions', operationId: 'staffLogin', tags: ['staff'], security: PUBLIC_SECURITY,
  summary: 'Log in with the auth key derived from the passphrase; returns the encrypted key bundle',
  request: jsonBody(staffLoginRequest),
  responses: {
    201: jsonResponse(staffSessionResponse, 'Session and profile'), 401: errorResponse('Unknown login or wrong auth key (`invalid_credentials`)'),
    403: errorResponse('`account_disabled`: right credentials, but an admin disabled the account'),
  },
});

const meRoute = createRoute({
  method: 'get', path: '/staff/me', operationId: 'getStaffMe', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'The calling staff member',
  responses: { 200: jsonResponse(staffProfile, 'Profile') },
});

const directoryHistoryRoute = createRoute({
  method: 'get', path: '/directory/history', operationId: 'getDirectoryHistory', tags: ['staff'], security: PUBLIC_SECURITY,
  summary: 'Older staff manifests as the organisation signed them, newest first: where a client finds the keys of a member who has left, to check what they posted',
  request: { query: directoryHistoryQuery },
  responses: { 200: jsonResponse(directoryHistoryResponse, 'Up to `limit` manifests with a version below `before`') },
});

const directoryRoute = createRoute({
  method: 'get', path: '/directory', operationId: 'getDirectory', tags: ['staff'], security: PUBLIC_SECURITY,
  summary: 'The staff manifest as the organisation signed it, newest version (clients verify it against the pinned key); null before the first import',
  responses: { 200: jsonResponse(directoryResponse, 'The signed manifest, or null') },
});

export function profileOf(row: StaffRow) {
  return {
    staffId: row.id,
    login: row.login,
    displayName: row.displayName,
    roles: row.roles as StaffRole[],
    languages: row.languages as Language[],
    boxPublicKey: toBase64Url(row.boxPublicKey),
    signPublicKey: toBase64Url(row.signPublicKey),
    wrappedKeys: toBase64Url(row.wrappedKeys),
  };
}

export function staffRoutes(deps: StaffDeps) {
  const { db, pepper, clock } = deps;
  const startSession = (row: StaffRow) => ({ ...createSession(db, pepper, deps.sessions, { staffId: row.id }, clock()), profile: profileOf(row) });

  return newRouter()
    .openapi(createInviteRoute, (c) => {
      const { staffId } = requireStaff(c, ['admin']);
      return c.json(createStaffInvite(db, pepper, staffId, c.req.valid('json').roles, clock()), 201);
    })
    .openapi(acceptRoute, (c) => {
      const body = c.req.valid('json');
      if (body.kdf.m < deps.minKdf.m || body.kdf.t < deps.minKdf.t) {
        throw new AppError('invalid_input', { issues: [{ path: 'kdf', code: 'too_weak' }] });
      }
      const result = acceptInvite(db, pepper, body, clock());
      if (!result.ok) throw new AppError(result.reason);
      return c.json(startSession(result.staff), 201);
    })
    .openapi(preloginRoute, (c) => {
      const { kdfSalt, kdf } = prelogin(db, pepper, c.req.valid('json').login);
      return c.json({ kdfSalt: toBase64Url(kdfSalt), kdf }, 200);
    })
    .openapi(loginRoute, (c) => {
      const { login, authKey } = c.req.valid('json');
      const row = verifyStaffLogin(db, pepper, login, authKey);
      if (!row) throw new AppError('invalid_credentials');
      // Told only to whoever proved the passphrase: the account exists either way for them.
      if (row.disabledAt !== null) throw new AppError('account_disabled');
      return c.json(startSession(row), 201);
    })
    .openapi(meRoute, (c) => {
      const row = getStaff(db, requireStaff(c, STAFF_ROLES).staffId);
      if (!row) throw new AppError('unauthorized');
      return c.json(profileOf(row), 200);
    })
    .openapi(directoryRoute, (c) => {
      const latest = latestManifest(db);
      return c.json({ manifest: latest ? manifestToWire(latest) : null }, 200);
    })
    .openapi(directoryHistoryRoute, (c) => {
      const { before, limit } = c.req.valid('query');
      return c.json({ manifests: manifestsBefore(db, before, limit).map(manifestToWire) }, 200);
    });
}
