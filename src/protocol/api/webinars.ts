import { z } from 'zod';
import { canonicalTimeZone } from '../time-zone.js';
import { languageSchema, powSchema } from './common.js';

// Shapes of the webinars API (DESIGN.md §7): the staff's events and the public's view of them,
// and the anonymous registration, which carries a proof of work and nothing else.

export const WEBINAR_STATUSES = ['draft', 'published', 'cancelled'] as const;
export const webinarStatusSchema = z.enum(WEBINAR_STATUSES);
export type WebinarStatus = z.infer<typeof webinarStatusSchema>;

export const WEBINAR_AUDIENCES = ['psychologists', 'school-psychologists', 'peers', 'public'] as const;
export const webinarAudienceSchema = z.enum(WEBINAR_AUDIENCES);
export type WebinarAudience = z.infer<typeof webinarAudienceSchema>;

export const webinarIdSchema = z.string().length(24).regex(/^w_[A-Za-z0-9_-]{22}$/);
export const webinarIdParam = z.object({ id: webinarIdSchema });

export const WEBINAR_LIMITS = {
  title: { min: 3, max: 200 },
  speaker: { min: 2, max: 120 },
  description: 5000,
  url: 2000,
  /** Minutes. */
  duration: { min: 15, max: 600 },
  /** People or views per event: far above any real figure, low enough to keep sums exact. */
  figure: 10_000_000,
} as const;

/**
 * A join or recording link: https to a named host only. Plain http would let anyone on the path
 * read or swap the link; an address with credentials or a bare IP is not what a meeting service
 * hands out, and would be shown to everyone on the public page.
 */
export const webinarLinkSchema = z.string().trim().max(WEBINAR_LIMITS.url)
  .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain }))
  .refine((s) => { const u = new URL(s); return u.username === '' && u.password === ''; }, 'no credentials in the link');

/** An IANA zone name Intl knows (`Asia/Almaty`); stored in its canonical spelling. */
export const timeZoneSchema = z.string().max(64)
  .refine((zone) => canonicalTimeZone(zone) !== null, 'unknown time zone')
  .transform((zone) => canonicalTimeZone(zone)!)
  .meta({ description: 'An IANA time zone name, e.g. Asia/Almaty', example: 'Asia/Almaty' });

/** The wall-clock start in the event's zone; the server turns it into a UTC instant (and refuses a time the zone skips). */
export const localStartSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/).meta({ description: 'YYYY-MM-DDTHH:mm in timeZone', example: '2026-12-03T15:00' });

const audienceList = z.array(webinarAudienceSchema).min(1).max(WEBINAR_AUDIENCES.length)
  .refine((a) => new Set(a).size === a.length, 'duplicate audience').meta({ uniqueItems: true });

export const webinarRequest = z.object({
  title: z.string().trim().min(WEBINAR_LIMITS.title.min).max(WEBINAR_LIMITS.title.max),
  speaker: z.string().trim().min(WEBINAR_LIMITS.speaker.min).max(WEBINAR_LIMITS.speaker.max),
  localStart: localStartSchema,
  timeZone: timeZoneSchema,
  durationMinutes: z.number().int().min(WEBINAR_LIMITS.duration.min).max(WEBINAR_LIMITS.duration.max),
  language: languageSchema,
  audience: audienceList,
  description: z.string().trim().max(WEBINAR_LIMITS.description).default(''),
  /** Null or absent: none yet, or removed (the event keeps its figures). */
  joinUrl: webinarLinkSchema.nullable().default(null),
  recordingUrl: webinarLinkSchema.nullable().default(null),
}).meta({ id: 'WebinarRequest' });
export type WebinarRequest = z.output<typeof webinarRequest>;

const figure = z.number().int().min(0).max(WEBINAR_LIMITS.figure);
export const webinarFiguresRequest = z.object({
  /** People who attended live; null while unknown. */
  attendance: figure.nullable(),
  /** Views of the recording so far; null while unknown. */
  recordingViews: figure.nullable(),
}).meta({ id: 'WebinarFiguresRequest' });

const eventFields = {
  id: webinarIdSchema,
  title: z.string(),
  speaker: z.string(),
  description: z.string(),
  language: languageSchema,
  audience: z.array(webinarAudienceSchema),
  /** The start, ms since the epoch (UTC). */
  startsAt: z.number().int(),
  endsAt: z.number().int(),
  timeZone: z.string(),
  localStart: localStartSchema,
  durationMinutes: z.number().int(),
};

export const staffWebinarSchema = z.object({
  ...eventFields,
  status: webinarStatusSchema,
  joinUrl: z.string().nullable(),
  recordingUrl: z.string().nullable(),
  /** Anonymous registrations: a count, nothing per person. */
  registrations: z.number().int(),
  attendance: z.number().int().nullable(),
  recordingViews: z.number().int().nullable(),
}).meta({ id: 'StaffWebinar' });
export type StaffWebinar = z.infer<typeof staffWebinarSchema>;
export const staffWebinarList = z.object({ webinars: z.array(staffWebinarSchema) }).meta({ id: 'StaffWebinarList' });

export const publicWebinarSchema = z.object({
  ...eventFields,
  status: z.enum(['published', 'cancelled']),
  /** True once the event has ended. */
  past: z.boolean(),
  /** While the event is ahead or on, and not cancelled; null after (the link is the meeting's, not a record). */
  joinUrl: z.string().nullable(),
  /** After the event, once staff add it. */
  recordingUrl: z.string().nullable(),
  /** Whether an anonymous registration is taken now (published and not ended). */
  registrationOpen: z.boolean(),
}).meta({ id: 'PublicWebinar' });
export type PublicWebinar = z.infer<typeof publicWebinarSchema>;
export const publicWebinarList = z.object({ webinars: z.array(publicWebinarSchema) }).meta({ id: 'PublicWebinarList' });

export const publicWebinarQuery = z.object({
  /** Events in this language; all languages when absent. */
  language: languageSchema.optional(),
  /** Upcoming (not ended; soonest first) or past (newest first). */
  when: z.enum(['upcoming', 'past']).default('upcoming'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type PublicWebinarQuery = z.output<typeof publicWebinarQuery>;

export const registrationRequest = z.object({ pow: powSchema }).meta({ id: 'WebinarRegistrationRequest' });
