import type { MessageKey } from './en.js';
import { en } from './en.js';
// TEMPORARY placeholder
export const kk: Record<MessageKey, string> = { ...en };
