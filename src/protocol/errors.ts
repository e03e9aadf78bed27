// Stable, machine-readable error codes: the API's contract with clients. The HTTP status of
// each lives here too, so that the server maps errors in one place (app.ts onError) and the
// SDK can tell them apart without parsing messages.
export const ERROR_STATUS = {
  invalid_input: 400,
  invalid_json: 400,
  invalid_proof_of_work: 400,
  invalid_signature: 400,
  invalid_recipients: 400,
  sequence_conflict: 409,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  thread_not_found: 404,
  invite_invalid: 404,
  login_taken: 409,
  identity_exists: 409,
  thread_not_open: 409,
  thread_closed: 409,
  too_many_open_threads: 429,
  entry_not_found: 404,
  invalid_transition: 409,
  personal_data_unresolved: 409,
  review_by_author: 403,
  revision_pending: 409,
  unknown_tag: 400,
  tag_exists: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  timeout: 503,
  storage_unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  invalid_input: 'The request does not match the expected shape.',
  invalid_json: 'The request body is not valid JSON.',
  invalid_proof_of_work: 'The proof of work is missing, expired, used or wrong.',
  invalid_signature: 'The signature does not verify.',
  invalid_recipients: 'The thread key must be sealed to you and to members of the intake pool only.',
  sequence_conflict: 'The sequence number is not the next one in this thread.',
  unauthorized: 'A valid session token is required.',
  invalid_credentials: 'These credentials are not valid.',
  forbidden: 'Your role does not allow this.',
  not_found: 'No such resource.',
  thread_not_found: 'No such thread.',
  invite_invalid: 'This invite is unknown, used or expired.',
  login_taken: 'This login is taken.',
  identity_exists: 'An identity with this recovery code exists already; log in with it instead.',
  thread_not_open: 'This thread is not open for claiming.',
  thread_closed: 'This thread is closed.',
  too_many_open_threads: 'Too many open threads for this identity.',
  entry_not_found: 'No such entry.',
  invalid_transition: 'This action is not possible in the entry\'s current state.',
  personal_data_unresolved: 'The text still contains personal data: redact it or confirm each match is not personal.',
  review_by_author: 'A second staff member must review this; authors cannot approve their own text.',
  revision_pending: 'An edit of this entry is already waiting for review.',
  unknown_tag: 'One of the tags does not exist.',
  tag_exists: 'A tag with this slug exists already.',
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'Send application/json.',
  rate_limited: 'Too many requests; try again later.',
  timeout: 'The request took too long.',
  storage_unavailable: 'Storage is unavailable for writes; try again shortly.',
  internal: 'Something went wrong on our side.',
};

/** The JSON body of every error response. `issues` lists failing paths, never submitted values. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId?: string; issues?: { path: string; code: string }[] };
}
