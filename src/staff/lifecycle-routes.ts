import { createRoute } from '@hono/zod-openapi';
import { createSession, type SessionPolicy } from '../auth/sessions.js';
import { AppError } from '../errors.js';
import { BEARER_SECURITY, newRouter, PUBLIC_SECURITY, requireStaff } from '../http/context.js';
import { errorResponse, jsonBody, jsonResponse } from '../http/openapi.js';
import { okSchema } from '../protocol/api/common.js';
import {
  acceptResetRequest, auditPage, auditQuery, removeStaffResponse, resetInviteResponse, staffAccountList, staffAccountSchema, staffIdParam,
  updateStaffRequest, type StaffAccount,
} from '../protocol/api/staff-admin.js';
import { staffSessionResponse, STAFF_ROLES, type StaffRole } from '../protocol/api/staff.js';
import type { Language } from '../protocol/api/common.js';
import type { KdfParams } from '../protocol/kdf.js';
import { listStaffAudit } from './audit-log.js';
import {
  acceptReset, createResetInvite, disableStaff, enableStaff, fingerprintOf, listStaff, logOutEverywhere, removeStaff, updateStaff,
  type LifecycleDeps,
} from './lifecycle.js';
import { profileOf } from './routes.js';
import type { StaffRow } from './service.js';

// The staff lifecycle's API: admins manage accounts and read the audit log; every member can log
// out everywhere; a reset code is accepted with new keys made in the browser (as an invite is).

export interface LifecycleRouteDeps extends LifecycleDeps {
  sessions: SessionPolicy;
  clock: () => number;
  /** The weakest Argon2id cost a reset may choose (as for accepting an invite). */
  minKdf: KdfParams;
}

const ADMIN = ['admin'] as const;
const params = { params: staffIdParam };
const unknownStaff = { 404: errorResponse('`staff_not_found`') };

const listRoute = createRoute({
  method: 'get', path: '/admin/staff', operationId: 'listStaffAccounts', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'Every staff account, disabled ones included, with the fingerprint of its public keys (admins)',
  responses: { 200: jsonResponse(staffAccountList, 'Accounts by login') },
});
const updateRoute = createRoute({
  method: 'put', path: '/admin/staff/{id}', operationId: 'updateStaffAccount', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'Replace a member\'s roles and languages; in force at once on the server, for clients from the next signed manifest (admins)',
  request: { ...params, ...jsonBody(updateStaffRequest) },
  responses: {
    200: jsonResponse(staffAccountSchema, 'Updated'), ...unknownStaff,
    409: errorResponse('`own_account` (an admin does not take their own admin role) or `last_admin` (no active admin would be left)'),
  },
});
const disableRoute = createRoute({
  method: 'post', path: '/admin/staff/{id}/disable', operationId: 'disableStaffAccount', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'Disable an account: every session revoked and live stream ended at once, login refused, held threads marked holderRevoked, left out of the next manifest (admins)',
  request: params,
  responses: {
    200: jsonResponse(staffAccountSchema, 'Disabled'), ...unknownStaff,
    409: errorResponse('`already_disabled`, `own_account` or `last_admin`'),
  },
});
const enableRoute = createRoute({
  method: 'post', path: '/admin/staff/{id}/enable', operationId: 'enableStaffAccount', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'Enable a disabled account again; clients trust it again once a signed manifest lists it (admins)',
  request: params,
  responses: { 200: jsonResponse(staffAccountSchema, 'Enabled'), ...unknownStaff, 409: errorResponse('`not_disabled`') },
});
const removeRoute = createRoute({
  method: 'delete', path: '/admin/staff/{id}', operationId: 'removeStaffAccount', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'Delete an account with its sessions, its thread keys and the case threads it opened; threads it held stay with their openers, marked holderRevoked (admins)',
  request: params,
  responses: { 200: jsonResponse(removeStaffResponse, 'Removed'), ...unknownStaff, 409: errorResponse('`own_account` or `last_admin`') },
});
const resetRoute = createRoute({
  method: 'post', path: '/admin/staff/{id}/reset', operationId: 'createStaffResetInvite', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'A one-time code, valid 72 hours, with which the member sets a new passphrase and new keys under the same staff id (admins)',
  request: params,
  responses: { 201: jsonResponse(resetInviteResponse, 'The reset code, shown once'), ...unknownStaff, 409: errorResponse('`own_account`') },
});
const adminLogoutRoute = createRoute({
  method: 'post', path: '/admin/staff/{id}/logout', operationId: 'logOutStaffEverywhere', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'Revoke every session of a member; their live streams end at once (admins)',
  request: params,
  responses: { 200: jsonResponse(okSchema, 'Revoked'), ...unknownStaff },
});
const auditRoute = createRoute({
  method: 'get', path: '/admin/staff-audit', operationId: 'listStaffAudit', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'The append-only audit log of acts on staff accounts, newest first (admins)',
  request: { query: auditQuery },
  responses: { 200: jsonResponse(auditPage, 'A page of the log') },
});
const selfLogoutRoute = createRoute({
  method: 'delete', path: '/staff/me/sessions', operationId: 'staffLogOutEverywhere', tags: ['staff'], security: BEARER_SECURITY,
  summary: 'Log out everywhere: revoke every session of the calling staff member, this one included',
  responses: { 200: jsonResponse(okSchema, 'Revoked') },
});
const acceptResetRoute = createRoute({
  method: 'post', path: '/staff/reset', operationId: 'acceptStaffReset', tags: ['staff'], security: PUBLIC_SECURITY,
  summary: 'Accept a reset code with a new passphrase\'s auth key and new key pairs made in the browser; the old sessions end. Clients trust the new keys only once a signed manifest lists them',
  request: jsonBody(acceptResetRequest),
  responses: {
    201: jsonResponse(staffSessionResponse, 'Keys replaced and logged in'),
    403: errorResponse('`account_disabled`: the code waits until an admin enables the account'),
    404: errorResponse('`invite_invalid`: unknown, used or expired code'),
  },
});

export function accountOf(row: StaffRow): StaffAccount {
  return {
    staffId: row.id,
    login: row.login,
    displayName: row.displayName,
    roles: row.roles as StaffRole[],
    languages: row.languages as Language[],
    fingerprint: fingerprintOf(row),
    createdAt: row.createdAt,
    disabledAt: row.disabledAt,
  };
}

export function lifecycleRoutes(deps: LifecycleRouteDeps) {
  const { db, clock } = deps;
  const admin = (c: Parameters<typeof requireStaff>[0]) => requireStaff(c, ADMIN).staffId;

  return newRouter()
    .openapi(listRoute, (c) => {
      admin(c);
      return c.json({ staff: listStaff(db).map(accountOf) }, 200);
    })
    .openapi(updateRoute, (c) => {
      const actor = admin(c);
      return c.json(accountOf(updateStaff(deps, actor, c.req.valid('param').id, c.req.valid('json'), clock())), 200);
    })
    .openapi(disableRoute, (c) => {
      const actor = admin(c);
      return c.json(accountOf(disableStaff(deps, actor, c.req.valid('param').id, clock())), 200);
    })
    .openapi(enableRoute, (c) => {
      const actor = admin(c);
      return c.json(accountOf(enableStaff(deps, actor, c.req.valid('param').id, clock())), 200);
    })
    .openapi(removeRoute, (c) => {
      const actor = admin(c);
      return c.json({ ok: true as const, ...removeStaff(deps, actor, c.req.valid('param').id, clock()) }, 200);
    })
    .openapi(resetRoute, (c) => {
      const actor = admin(c);
      return c.json(createResetInvite(deps, actor, c.req.valid('param').id, clock()), 201);
    })
    .openapi(adminLogoutRoute, (c) => {
      const actor = admin(c);
      logOutEverywhere(deps, actor, c.req.valid('param').id, clock());
      return c.json({ ok: true as const }, 200);
    })
    .openapi(auditRoute, (c) => {
      admin(c);
      const page = listStaffAudit(db, c.req.valid('query'));
      return c.json({ entries: page.entries.map((e) => ({ ...e, detail: e.detail ?? null })), next: page.next }, 200);
    })
    .openapi(selfLogoutRoute, (c) => {
      const { staffId } = requireStaff(c, STAFF_ROLES);
      logOutEverywhere(deps, staffId, staffId, clock());
      return c.json({ ok: true as const }, 200);
    })
    .openapi(acceptResetRoute, (c) => {
      const body = c.req.valid('json');
      if (body.kdf.m < deps.minKdf.m || body.kdf.t < deps.minKdf.t) {
        throw new AppError('invalid_input', { issues: [{ path: 'kdf', code: 'too_weak' }] });
      }
      const row = acceptReset(deps, body, clock());
      const session = createSession(db, deps.pepper, deps.sessions, { staffId: row.id }, clock());
      return c.json({ ...session, profile: profileOf(row) }, 201);
    });
}
