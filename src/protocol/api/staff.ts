import { z } from 'zod';
import { KEY_BUNDLE, STAFF_KDF_BOUNDS } from '../constants.js';
import { bytesIn, bytesOut, idSchema, languageSchema, sessionResponse } from './common.js';

export const STAFF_ROLES = ['admin', 'moderator', 'psychologist', 'supervisor', 'school-psychologist'] as const;
export const staffRoleSchema = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof staffRoleSchema>;

const rolesSchema = z.array(staffRoleSchema).min(1).max(STAFF_ROLES.length).refine((r) => new Set(r).size === r.length, 'duplicate role').meta({ uniqueItems: true });
const languagesSchema = z.array(languageSchema).min(1).max(3).refine((l) => new Set(l).size === l.length, 'duplicate language').meta({ uniqueItems: true });

export const loginSchema = z.string().min(3).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/);
export const inviteCodeSchema = z.string().length(32).regex(/^[A-Za-z0-9_-]{32}$/);

export const kdfParamsSchema = z.object({
  m: z.number().int().min(8).max(4 * 1024 * 1024),
  t: z.number().int().min(1).max(64),
  p: z.number().int().min(1).max(16),
});

export const createInviteRequest = z.object({ roles: rolesSchema }).meta({ id: 'CreateInviteRequest' });
export const createInviteResponse = z.object({ code: inviteCodeSchema, expiresAt: z.number().int(), roles: z.array(staffRoleSchema) }).meta({ id: 'Invite' });

/** nonce (24) + XChaCha20-Poly1305 of box secret key (32) and sign secret key (64) + tag (16). */
export const WRAPPED_KEYS_BYTES = KEY_BUNDLE.bytes;

export const acceptInviteRequest = z.object({
  code: inviteCodeSchema,
  login: loginSchema,
  // One line: the name is signed in the staff manifest, line by line (protocol/manifest.ts).
  displayName: z.string().trim().min(1).max(80).refine((s) => !/\p{Cc}/u.test(s), "no control characters"),
  languages: languagesSchema,
  kdfSalt: bytesIn(STAFF_KDF_BOUNDS.saltBytes),
  kdf: kdfParamsSchema,
  authKey: bytesIn(32),
  boxPublicKey: bytesIn(32),
  signPublicKey: bytesIn(32),
  wrappedKeys: bytesIn(WRAPPED_KEYS_BYTES),
}).meta({ id: 'AcceptInviteRequest' });

export const preloginRequest = z.object({ login: z.string().min(1).max(64) }).meta({ id: 'PreloginRequest' });
export const preloginResponse = z.object({ kdfSalt: bytesOut(STAFF_KDF_BOUNDS.saltBytes), kdf: kdfParamsSchema }).meta({ id: 'Prelogin' });

export const staffLoginRequest = z.object({ login: z.string().min(1).max(64), authKey: bytesIn(32) }).meta({ id: 'StaffLoginRequest' });

export const staffProfile = z.object({
  staffId: idSchema,
  login: z.string(),
  displayName: z.string(),
  roles: z.array(staffRoleSchema),
  languages: z.array(languageSchema),
  boxPublicKey: bytesOut(32),
  signPublicKey: bytesOut(32),
  wrappedKeys: bytesOut(WRAPPED_KEYS_BYTES),
}).meta({ id: 'StaffProfile' });

export const staffSessionResponse = sessionResponse.extend({ profile: staffProfile }).meta({ id: 'StaffSession' });

/**
 * The signed staff manifest as served and as written by `admin directory sign` (PROTOCOL.md §6):
 * the manifest's exact bytes, the organisation's signature over them, the signing key, and after a
 * key rotation the pinned (old) key's endorsement of the signing key. The server stores and serves
 * it, nothing more; clients check it (protocol/manifest.ts checkManifest).
 */
export const signedManifestSchema = z.object({
  manifest: bytesOut({ min: 1, max: 4_000_000 }),
  signature: bytesOut(64),
  signer: bytesOut(32),
  endorsement: bytesOut(64).optional(),
}).meta({ id: 'SignedManifest' });
export type SignedManifestWire = z.infer<typeof signedManifestSchema>;
export const directoryResponse = z.object({ manifest: signedManifestSchema.nullable() }).meta({ id: 'Directory' });
/** How many older manifests one history page holds at most. */
export const MANIFEST_HISTORY_PAGE = 20;
export const directoryHistoryQuery = z.object({
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).meta({ description: 'Only versions lower than this' }),
  limit: z.coerce.number().int().min(1).max(MANIFEST_HISTORY_PAGE).default(MANIFEST_HISTORY_PAGE),
});
export const directoryHistoryResponse = z.object({
  /** Newest first, as the organisation signed them. */
  manifests: z.array(signedManifestSchema).max(MANIFEST_HISTORY_PAGE),
}).meta({ id: 'DirectoryHistory' });
