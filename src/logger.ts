import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Structured JSON lines. Request logs carry the request id, the route pattern (never the
// concrete path, which holds ids), status and duration: no IP, user agent, token, key or body
// (DESIGN.md §2.2, §10). The redact list is a second net for anything added later.
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: ['*.authorization', '*.token', '*.authKey', '*.code', 'req', 'headers', 'body'], remove: true },
    },
    options.destination,
  );
}
