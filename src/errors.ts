import { ERROR_MESSAGES, type ErrorCode } from './protocol/errors.js';

/** The one error type thrown by services and routes; app.ts maps `code` to HTTP in one place. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: { path: string; code: string }[] | undefined;
  /** Seconds until a retry can succeed, sent as `Retry-After`. */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, options: { issues?: { path: string; code: string }[]; retryAfter?: number } = {}) {
    super(ERROR_MESSAGES[code]);
    this.name = 'AppError';
    this.code = code;
    this.issues = options.issues;
    this.retryAfter = options.retryAfter;
  }
}
