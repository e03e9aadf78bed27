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

/**
 * What of an error may be logged: its class, SQLite's error code and where it was thrown. Never
 * the message: a database error's message carries the query's parameters (drizzle puts them
 * there), which can be a question's text, an identity id or a key hash.
 */
export function errorForLog(err: unknown): { name: string; sqlite?: string; at: string[] } {
  const e = err instanceof Error ? err : new Error('non-error thrown');
  const causeCode = (x: unknown): string | undefined => {
    const code = (x as { code?: unknown } | null)?.code;
    return typeof code === 'string' && /^SQLITE_[A-Z_]+$/.test(code) ? code : undefined;
  };
  const sqlite = causeCode(e) ?? causeCode(e.cause);
  // The stack starts with the message, which may itself hold lines that look like frames (a
  // question's text with "\n    at …" in drizzle's "params:"): read frames only after it.
  const stack = e.stack ?? '';
  const end = e.message ? stack.indexOf(e.message) : -1;
  const frames = end >= 0 ? stack.slice(end + e.message.length) : stack;
  const at = frames.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 8).map((line) => line.trim());
  return { name: e.name, ...(sqlite ? { sqlite } : {}), at };
}

/**
 * Flushes what is buffered for stdout, waiting at most `timeoutMs`, then closes the stream. pino
 * would otherwise flush again on exit, synchronously, retrying for as long as the reader does not
 * read: with stdout stalled (a stuck log shipper) the exit would hang forever. What is still
 * buffered past the deadline is dropped.
 */
export function closeLogger(logger: Logger, timeoutMs: number): Promise<void> {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as { destroy?: () => void } | undefined;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  }).then(() => stream?.destroy?.());
}
