import type { z } from 'zod';
import { errorSchema } from '../protocol/api/common.js';

/** An API answer with an error code (see protocol/errors.ts), or a response the SDK refused. */
export class ApiError extends Error {
  constructor(readonly code: string, readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface HttpOptions {
  baseUrl: string;
  fetch?: typeof fetch;
}

// The SDK's only door to the network. Every answer is parsed with the protocol's zod schema:
// the server is not trusted to send what it should.
export class Http {
  token: string | null = null;
  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(options: HttpOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.doFetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  async request<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown): Promise<z.output<S>> {
    const res = await this.raw(method, path, body === undefined ? {} : { body: JSON.stringify(body) });
    const data: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const parsed = errorSchema.safeParse(data);
      throw parsed.success
        ? new ApiError(parsed.data.error.code, res.status, parsed.data.error.message)
        : new ApiError('bad_response', res.status, `HTTP ${res.status}`);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new ApiError('bad_response', res.status, 'The server sent an unexpected answer.');
    return parsed.data;
  }

  /** A GET whose answer is not JSON (a CSV file, a page fragment the server rendered), as text; errors as request() gives them. */
  async text(path: string): Promise<string> {
    const res = await this.raw('GET', path, { headers: { accept: '*/*' } });
    if (res.ok) return res.text();
    const parsed = errorSchema.safeParse(await res.json().catch(() => null));
    throw parsed.success ? new ApiError(parsed.data.error.code, res.status, parsed.data.error.message) : new ApiError('bad_response', res.status, `HTTP ${res.status}`);
  }

  /** A request with the session token in the Authorization header (never in the URL). */
  raw(method: string, path: string, init: { body?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return this.doFetch(this.base + path, { method, headers, body: init.body, signal: init.signal, referrerPolicy: 'no-referrer', credentials: 'omit', cache: 'no-store' });
  }
}
