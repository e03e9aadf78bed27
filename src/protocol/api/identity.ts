import { z } from 'zod';
import { bytesIn, bytesOut, idSchema, powSchema, sessionResponse } from './common.js';

export const mintIdentityRequest = z.object({
  authKey: bytesIn(32),
  boxPublicKey: bytesIn(32),
  signPublicKey: bytesIn(32),
  pow: powSchema,
});

export const identityLoginRequest = z.object({ authKey: bytesIn(32) });

export const identitySessionResponse = sessionResponse.extend({
  identityId: idSchema,
  pseudonym: z.string(),
});

export const identityResponse = z.object({
  identityId: idSchema,
  pseudonym: z.string(),
  boxPublicKey: bytesOut,
  signPublicKey: bytesOut,
});
