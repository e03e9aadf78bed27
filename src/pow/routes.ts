import { createRoute } from '@hono/zod-openapi';
import { newRouter, PUBLIC_SECURITY } from '../http/context.js';
import { jsonBody, jsonResponse } from '../http/openapi.js';
import { powChallengeRequest, powChallengeResponse } from '../protocol/api/common.js';
import type { ProofOfWork } from './service.js';

const challenge = createRoute({
  method: 'post',
  path: '/pow/challenges',
  operationId: 'createPowChallenge',
  tags: ['abuse'],
  security: PUBLIC_SECURITY,
  summary: 'Get a proof-of-work challenge for minting an identity, submitting a question or registering for a webinar',
  request: jsonBody(powChallengeRequest),
  responses: { 201: jsonResponse(powChallengeResponse, 'A challenge, single use, valid 10 minutes') },
});

export function powRoutes(deps: { pow: ProofOfWork; clock: () => number }) {
  return newRouter().openapi(challenge, (c) => c.json(deps.pow.issue(c.req.valid('json').purpose, deps.clock()), 201));
}
