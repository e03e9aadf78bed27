import { z } from 'zod';
import type { Lang } from './i18n/index.js';
import { CRISIS_AUDIENCES, type CrisisAudience } from '../protocol/api/crisis.js';
import file from './crisis-contacts.json' with { type: 'json' };

// Crisis contacts (DESIGN.md §7): the one list, in crisis-contacts.json, validated here when it is
// loaded; the server's pages (web/crisis-line.tsx) and the asker app (its "urgent" note) both read
// it. A deployment edits the file until admins manage the list (issue 14).
//
// Every entry is `verified: false` and shown as "to verify before deployment" until someone who
// knows the services confirms it: a wrong number in a crisis is worse than none. An entry whose
// number is not known yet is a placeholder (`phone: null`): listed, never a tel: link, never in
// the compact line at the top.

// The audiences are the API's (protocol/api/crisis.ts): admins manage the list now (src/crisis/),
// seeded from this file on an install's first start.
export const AUDIENCES = CRISIS_AUDIENCES;
export type Audience = CrisisAudience;

const localised = (max: number) => z.object({ ru: z.string().min(1).max(max), kk: z.string().min(1).max(max), en: z.string().min(1).max(max) }).strict();

const contactSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  /** As dialled, spaces allowed; null for a placeholder. */
  phone: z.string().regex(/^\+?[0-9][0-9 ]{1,19}$/).nullable(),
  audiences: z.array(z.enum(AUDIENCES)).min(1),
  /** Shown in the compact line at the top of every page (a call button each). */
  compact: z.boolean(),
  /** Confirmed by someone who checked the service; until then the pages say "to verify". */
  verified: z.boolean(),
  /** The few words under the number in the compact line. */
  short: localised(20),
  label: localised(200),
}).strict()
  .refine((c) => c.phone !== null || (!c.compact && !c.verified), { message: 'a placeholder (no phone) is neither verified nor in the compact line' });

export const crisisContactsFileSchema = z.object({ contacts: z.array(contactSchema).min(1).max(30) }).strict()
  .refine((f) => new Set(f.contacts.map((c) => c.id)).size === f.contacts.length, { message: 'contact ids are unique' })
  .refine((f) => f.contacts.some((c) => c.compact), { message: 'at least one contact is in the compact line' });

export type CrisisContact = z.output<typeof contactSchema>;

/** The list as loaded; a bad file stops the start (and the app build) with zod's reason. */
export const CRISIS_CONTACTS: readonly CrisisContact[] = crisisContactsFileSchema.parse(file).contacts;

/** One contact in one language, ready to show. */
export interface LocalContact {
  id: string;
  phone: string | null;
  /** `tel:` and the digits, or null for a placeholder. */
  href: string | null;
  short: string;
  label: string;
  audiences: Audience[];
  compact: boolean;
  verified: boolean;
  /** When the service answers, as the admins wrote it (empty: not given). */
  hours?: string;
}

/** Where the pages take the current list from (the admins' directory; app.ts): `version` changes with every edit. */
export interface CrisisSource {
  version: () => number;
  contacts: (lang: Lang) => readonly LocalContact[];
}

export function crisisContacts(lang: Lang, contacts: readonly CrisisContact[] = CRISIS_CONTACTS): LocalContact[] {
  return contacts.map((c) => ({
    id: c.id,
    phone: c.phone,
    href: c.phone === null ? null : `tel:${c.phone.replace(/ /g, '')}`,
    short: c.short[lang],
    label: c.label[lang],
    audiences: c.audiences,
    compact: c.compact,
    verified: c.verified,
  }));
}
