import type { MessageKey } from './en.js';
import { en } from './en.js';
// TEMPORARY placeholder
export const ru: Record<MessageKey, string> = { ...en };
