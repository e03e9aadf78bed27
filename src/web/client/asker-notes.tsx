import { isDirectoryRefusal } from '../../client/index.js';
import type { MessageKey, Translate } from '../i18n/index.js';

// What every asker screen may have to say when something failed: one error line, and the words
// for a staff directory the SDK refused (nothing was sent then). Screens keep the message's key,
// not its text, so that a language switch re-renders it in the new language.

export function ErrorNote({ message }: { message: string | null }) {
  return message ? <p class="error" role="alert">{message}</p> : null;
}

/** What to tell the asker when the staff directory is refused (nothing was sent), or null for another error. */
export function directoryKey(err: unknown): MessageKey | null {
  if (!isDirectoryRefusal(err)) return null;
  return err.code === 'directory_unavailable' ? 'app.consult.unavailable' : 'app.directory.unverified';
}

export function directoryMessage(err: unknown, t: Translate): string | null {
  const key = directoryKey(err);
  return key && t(key);
}
