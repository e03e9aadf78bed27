import { z } from 'zod';
import { languageSchema } from './common.js';

// Shapes of the crisis-contacts API (DESIGN.md §7, issue 14 point 3): the admins' list per
// language and region, and the public's view of it. A wrong number in a crisis is worse than
// none, so numbers and links are held to a narrow form here and every entry carries the date
// someone last confirmed it.

/** Who the service is for; the footer groups the list by these. */
export const CRISIS_AUDIENCES = ['everyone', 'adults', 'young', 'key-populations', 'violence', 'overdose'] as const;
export const crisisAudienceSchema = z.enum(CRISIS_AUDIENCES);
export type CrisisAudience = z.infer<typeof crisisAudienceSchema>;

/** An entry unconfirmed for longer than this shows as "to verify" in the console. */
export const CRISIS_VERIFY_DAYS = 90;

export const CRISIS_LIMITS = { name: 200, short: 20, hours: 100, region: 40, perList: 200 } as const;

export const crisisContactIdSchema = z.string().regex(/^c_[A-Za-z0-9_-]{1,40}$/);
export const crisisContactIdParam = z.object({ id: crisisContactIdSchema });

/** Where a service answers: `kz` for the whole country, or a region's short name (`almaty`). */
export const crisisRegionSchema = z.string().trim().toLowerCase().regex(/^[a-z0-9-]{2,40}$/).meta({ example: 'kz' });

/** As dialled: digits, an optional leading +, spaces between groups; the tel: link keeps only + and digits. */
export const crisisPhoneSchema = z.string().trim().regex(/^\+?[0-9][0-9 ]{1,19}$/, 'digits, + and spaces only')
  .refine((p) => p.replace(/[^0-9]/g, '').length >= 2, 'at least two digits').meta({ example: '+7 700 000 00 00' });

/** A chat or web form: https to a named host only, no credentials (shown to everyone on every page). */
export const crisisLinkSchema = z.string().trim().max(2000)
  .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain }))
  .refine((s) => { const u = new URL(s); return u.username === '' && u.password === ''; }, 'no credentials in the link');

const audiences = z.array(crisisAudienceSchema).min(1).max(CRISIS_AUDIENCES.length)
  .refine((a) => new Set(a).size === a.length, 'duplicate audience').meta({ uniqueItems: true });

export const crisisContactRequest = z.object({
  language: languageSchema,
  region: crisisRegionSchema.default('kz'),
  name: z.string().trim().min(1).max(CRISIS_LIMITS.name),
  /** The few words under the number in the compact line at the top of every page. */
  short: z.string().trim().min(1).max(CRISIS_LIMITS.short),
  phone: crisisPhoneSchema.nullable().default(null),
  link: crisisLinkSchema.nullable().default(null),
  hours: z.string().trim().max(CRISIS_LIMITS.hours).default(''),
  audiences,
  /** Shown in the compact line at the top of every page (needs a phone number). */
  compact: z.boolean().default(false),
}).strict()
  .refine((c) => c.phone !== null || c.link !== null, { message: 'a phone number or a link', path: ['phone'] })
  .refine((c) => !c.compact || c.phone !== null, { message: 'only a number with a phone goes in the compact line', path: ['compact'] })
  .meta({ id: 'CrisisContactRequest' });
export type CrisisContactRequest = z.output<typeof crisisContactRequest>;

export const crisisContactSchema = z.object({
  id: crisisContactIdSchema,
  language: languageSchema,
  region: z.string(),
  position: z.number().int(),
  name: z.string(),
  short: z.string(),
  phone: z.string().nullable(),
  /** `tel:` and the digits, or the https link; what a tap opens. */
  href: z.string(),
  link: z.string().nullable(),
  hours: z.string(),
  audiences: z.array(crisisAudienceSchema),
  compact: z.boolean(),
  /** When an admin last confirmed the entry (unix ms), or null: never (the shipped defaults). */
  verifiedAt: z.number().int().nullable(),
  /** Never confirmed, or confirmed more than CRISIS_VERIFY_DAYS ago. */
  toVerify: z.boolean(),
}).meta({ id: 'CrisisContact' });
export type CrisisContactView = z.infer<typeof crisisContactSchema>;

export const crisisContactList = z.object({ contacts: z.array(crisisContactSchema) }).meta({ id: 'CrisisContactList' });

export const crisisListQuery = z.object({
  language: languageSchema.optional(),
  region: crisisRegionSchema.optional(),
});

/** The new order of one language's list: every id of that language, each once. */
export const crisisReorderRequest = z.object({
  language: languageSchema,
  ids: z.array(crisisContactIdSchema).min(1).max(CRISIS_LIMITS.perList).refine((ids) => new Set(ids).size === ids.length, 'duplicate id'),
}).strict().meta({ id: 'CrisisReorderRequest' });
