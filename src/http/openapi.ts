import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import type { z } from 'zod';
import { errorSchema } from '../protocol/api/common.js';
import type { AppEnv } from './context.js';

// The API contract's shared parts. Every route states what is its own (operationId, security,
// request, success answer, the errors only it gives); what the shared middleware can answer to
// any request (rate limits, body limits, sessions, storage faults) is added here, derived from
// the route's own declaration, so that no operation can forget a status the server sends.

/** A JSON response entry for createRoute. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/** A required JSON request body for createRoute. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

/** An error answer particular to a route (the shared `Error` schema, by reference). */
export const errorResponse = (description: string) => jsonResponse(errorSchema, description);

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
const retryAfter = (description: string) => ({
  'Retry-After': { description, schema: { type: 'integer' as const, minimum: 1 } },
});

/** The shared error answers, one component each; operations refer to them by $ref. */
export const ERROR_RESPONSES = {
  400: ['InvalidInput', { description: 'Invalid input: `invalid_input` (with the failing paths), `invalid_json` or a domain check such as `invalid_signature`', content: errorContent }],
  401: ['Unauthorized', { description: 'No valid session (`unauthorized`), answered before the body is read, or wrong credentials', content: errorContent }],
  403: ['Forbidden', { description: 'The session\'s role does not allow this (`forbidden`)', content: errorContent }],
  404: ['NotFound', { description: 'No such resource', content: errorContent }],
  405: ['MethodNotAllowed', {
    description: 'The path exists but not with this method (`method_not_allowed`)',
    headers: { Allow: { description: 'The methods this path answers', schema: { type: 'string' as const } } },
    content: errorContent,
  }],
  413: ['PayloadTooLarge', { description: 'The body is over 64 KiB (`payload_too_large`)', content: errorContent }],
  415: ['UnsupportedMediaType', { description: 'The body is not `application/json` (`unsupported_media_type`)', content: errorContent }],
  429: ['RateLimited', {
    description: 'Too many requests from this network or session (`rate_limited`, with `Retry-After`), or too many open threads for one identity (`too_many_open_threads`, no `Retry-After`: it clears when one of them closes)',
    headers: retryAfter('Seconds until the rate-limit window resets (sent with `rate_limited`)'),
    content: errorContent,
  }],
  500: ['Internal', { description: 'Something went wrong on the server (`internal`); never an internal message', content: errorContent }],
  503: ['Unavailable', {
    description: 'Storage is unavailable for writes (`storage_unavailable`) or the request took too long (`timeout`)',
    headers: retryAfter('Seconds after which a retry may succeed (sent with `storage_unavailable`)'),
    content: errorContent,
  }],
} as const;
type SharedStatus = keyof typeof ERROR_RESPONSES;

const ref = (status: SharedStatus) => ({ $ref: `#/components/responses/${ERROR_RESPONSES[status][0]}` });

/** True when the route requires a session (a security requirement that names a scheme). */
export function isAuthenticated(route: Pick<RouteConfig, 'security'>): boolean {
  return (route.security ?? []).some((requirement) => Object.keys(requirement).length > 0);
}

/** The statuses any request to this operation can get from the shared middleware and checks. */
export function sharedStatuses(route: RouteConfig): SharedStatus[] {
  const hasBody = route.request?.body !== undefined;
  const hasInput = hasBody || route.request?.query !== undefined || route.request?.params !== undefined;
  const statuses: SharedStatus[] = [];
  if (hasInput) statuses.push(400);
  if (isAuthenticated(route)) statuses.push(401, 403);
  if (/\{[^}]+\}/.test(route.path)) statuses.push(404);
  statuses.push(405);
  if (hasBody) statuses.push(413, 415);
  statuses.push(429, 500, 503);
  return statuses;
}

/** The route with every shared error answer it can give, by reference; its own entries win. */
export function withSharedErrors<R extends RouteConfig>(route: R): R {
  const responses: RouteConfig['responses'] = {};
  for (const status of sharedStatuses(route)) responses[status] = ref(status);
  return { ...route, responses: { ...responses, ...route.responses } };
}

/** The document's own fields; paths and components come from the routes. */
export const API_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Tynys API',
    version: '1',
    description: 'Anonymous support with end-to-end encrypted consultations. Bytes travel as unpadded base64url; errors are one `Error` shape with a stable code.',
    license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
  },
  servers: [{ url: '/api' }],
  tags: [
    { name: 'abuse', description: 'Proof of work for minting identities and submitting questions' },
    { name: 'identity', description: 'Anonymous identities derived from a recovery code' },
    { name: 'sessions', description: 'Session tokens of askers and staff' },
    { name: 'staff', description: 'Invited staff accounts and the signed staff directory' },
    { name: 'threads', description: 'End-to-end encrypted consultation and case threads' },
    { name: 'knowledge', description: 'The public knowledge base and askers\' questions' },
    { name: 'moderation', description: 'Staff workflow of questions, answers, articles, tags and detector words' },
    { name: 'webinars', description: 'Webinars: the public listing and anonymous registration (a count, nothing per person), and the staff\'s events' },
    { name: 'impact', description: 'Aggregate figures for funders: daily counts, small counts suppressed' },
  ],
};

/** Registers the document's shared components (the error answers the routes refer to, once each). */
export function registerSharedComponents(api: OpenAPIHono<AppEnv>): void {
  const registry = api.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http', scheme: 'bearer', description: 'A session token from POST /identities, /identities/sessions, /staff/sessions or /staff/accept',
  });
  const used = new Set<string>();
  for (const def of registry.definitions) {
    if (def.type !== 'route') continue;
    for (const response of Object.values(def.route.responses)) if ('$ref' in response) used.add(response.$ref);
  }
  for (const [name, response] of Object.values(ERROR_RESPONSES)) {
    if (used.has(`#/components/responses/${name}`)) registry.registerComponent('responses', name, response);
  }
}
