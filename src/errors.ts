import { ERROR_MESSAGES, type ErrorCode } from './protocol/errors.js';

/** The one error type thrown by services and routes; app.ts maps `code` to HTTP in one place. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: { path: string; code: string }[] | undefined;

  constructor(code: ErrorCode, options: { issues?: { path: string; code: string }[] } = {}) {
    super(ERROR_MESSAGES[code]);
    this.name = 'AppError';
    this.code = code;
    this.issues = options.issues;
  }
}
