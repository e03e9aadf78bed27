import { randomBytes, toBase64Url } from './encoding.js';

// Public identifiers are random (never sequential: a count would leak the number of askers),
// and prefixed so that an identity id, a staff id and a thread id can never be confused.
export const ID_PATTERN = /^[ast]_[A-Za-z0-9_-]{22}$/;

export type IdKind = 'identity' | 'staff' | 'thread' | 'entry' | 'webinar';
// Knowledge-base entries ('e_') are public and have their own pattern (protocol/api/knowledge.ts);
// so have webinars ('w_', protocol/api/webinars.ts).
const PREFIX: Record<IdKind, string> = { identity: 'a_', staff: 's_', thread: 't_', entry: 'e_', webinar: 'w_' };

export function newId(kind: IdKind): string {
  return PREFIX[kind] + toBase64Url(randomBytes(16));
}

export function idKind(id: string): IdKind | null {
  if (!ID_PATTERN.test(id)) return null;
  return id.startsWith('a_') ? 'identity' : id.startsWith('s_') ? 'staff' : 'thread';
}
