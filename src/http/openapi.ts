import type { z } from 'zod';
import { errorSchema } from '../protocol/api/common.js';

/** A JSON response entry for createRoute. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/** A required JSON request body for createRoute. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

/** The error responses every route may give. */
export const commonErrors = {
  400: jsonResponse(errorSchema, 'Invalid input (code and failing paths)'),
  401: jsonResponse(errorSchema, 'No valid session'),
  403: jsonResponse(errorSchema, 'Role not allowed'),
  429: jsonResponse(errorSchema, 'Rate limited'),
};

export const errorResponse = (description: string) => jsonResponse(errorSchema, description);
