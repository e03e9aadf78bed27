import { z } from 'zod';
import { bytesIn, bytesOut, idSchema, powSchema, sessionResponse } from './common.js';

export const mintIdentityRequest = z.object({
  authKey: bytesIn(32),
  boxPublicKey: bytesIn(32),
  signPublicKey: bytesIn(32),
  pow: powSchema,
}).meta({ id: 'MintIdentityRequest' });

export const identityLoginRequest = z.object({ authKey: bytesIn(32) }).meta({ id: 'IdentityLoginRequest' });

export const identitySessionResponse = sessionResponse.extend({
  identityId: idSchema,
  pseudonym: z.string(),
}).meta({ id: 'IdentitySession' });

export const identityResponse = z.object({
  identityId: idSchema,
  pseudonym: z.string(),
  boxPublicKey: bytesOut(32),
  signPublicKey: bytesOut(32),
}).meta({ id: 'Identity' });
