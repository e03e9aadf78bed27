import { z } from 'zod';
import { languageSchema } from './common.js';
import { acceptInviteRequest, createInviteRequest, staffRoleSchema } from './staff.js';

// The wire shapes of the staff lifecycle (DESIGN.md §4): the admin's list of accounts, their
// changes, reset codes, and the append-only audit log.

export const staffIdSchema = z.string().length(24).regex(/^s_[A-Za-z0-9_-]{22}$/);
export const staffIdParam = z.object({ id: staffIdSchema });

/** A staff account as an admin sees it: no key material beyond a fingerprint of the public keys. */
export const staffAccountSchema = z.object({
  staffId: staffIdSchema,
  login: z.string(),
  displayName: z.string(),
  roles: z.array(staffRoleSchema),
  languages: z.array(languageSchema),
  /** The short fingerprint of the public keys, to compare with the person and the manifest's table. */
  fingerprint: z.string(),
  createdAt: z.number().int(),
  /** When an admin disabled the account; null while active. */
  disabledAt: z.number().int().nullable(),
}).meta({ id: 'StaffAccount' });
export type StaffAccount = z.infer<typeof staffAccountSchema>;

export const staffAccountList = z.object({ staff: z.array(staffAccountSchema) }).meta({ id: 'StaffAccountList' });

/** Both replaced as given (a role or language left out is taken away). */
export const updateStaffRequest = z.object({
  roles: createInviteRequest.shape.roles,
  languages: acceptInviteRequest.shape.languages,
}).meta({ id: 'UpdateStaffRequest' });

export const removeStaffResponse = z.object({
  ok: z.literal(true),
  /** Threads the member held: they stay with their openers, marked holderRevoked. */
  heldThreads: z.number().int(),
  /** Case threads the member opened, erased with the account. */
  casesErased: z.number().int(),
}).meta({ id: 'RemovedStaff' });

/** `<staff id>.<secret>`: names the account it resets. */
export const resetCodeSchema = z.string().length(57).regex(/^s_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{32}$/);

export const resetInviteResponse = z.object({
  code: resetCodeSchema,
  expiresAt: z.number().int(),
}).meta({ id: 'ResetInvite' });

/** A new passphrase's salt and auth key, and new key pairs, made in the browser as for an invite. */
export const acceptResetRequest = acceptInviteRequest.pick({
  kdfSalt: true, kdf: true, authKey: true, boxPublicKey: true, signPublicKey: true, wrappedKeys: true,
}).extend({ code: resetCodeSchema }).meta({ id: 'AcceptResetRequest' });

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.number().int(),
  /** The admin's staff id, the member's own for their own acts, or `cli`. */
  actor: z.string(),
  /** invite_created, disabled, enabled, removed, updated, reset_invite_created, reset_accepted, logged_out_everywhere, or another domain's act on staff (a manifest import). */
  action: z.string(),
  subject: z.string().nullable(),
  /** Structured facts (roles before and after, counts, fingerprints); never content, passphrases or keys. */
  detail: z.record(z.string(), z.unknown()).nullable(),
}).meta({ id: 'StaffAuditEntry' });

export const auditQuery = z.object({
  /** The `next` of the previous page: entries older than it. */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const auditPage = z.object({
  entries: z.array(auditEntrySchema),
  /** Pass as `before` for the next (older) page; null on the last. */
  next: z.number().int().nullable(),
}).meta({ id: 'StaffAuditPage' });
