import { z } from 'zod';
import { PII_KINDS } from '../pii.js';
import { idSchema, languageSchema, powSchema } from './common.js';

// Shapes of the knowledge base API (DESIGN.md §6): the public read side, the asker's questions,
// and the staff workflow. Each shape is defined once here and gives its TypeScript type.

export const ENTRY_STATUSES = ['submitted', 'accepted', 'rejected', 'answered', 'draft', 'in_review', 'published', 'retired'] as const;
export const entryStatusSchema = z.enum(ENTRY_STATUSES);
export type EntryStatus = z.infer<typeof entryStatusSchema>;
export const entryKindSchema = z.enum(['question', 'article']);
export type EntryKind = z.infer<typeof entryKindSchema>;

/** Why a moderator rejected, returned or retired something: a fixed list, never free text. */
export const REASON_CODES = [
  'spam', 'off_topic', 'duplicate', 'personal_data', 'harmful', 'crisis_referral', 'not_a_question',
  'inaccurate', 'outdated', 'needs_changes', 'other',
] as const;
export const reasonCodeSchema = z.enum(REASON_CODES);
export type ReasonCode = z.infer<typeof reasonCodeSchema>;

export const FLAG_REASONS = ['personal_data', 'harmful', 'inaccurate', 'spam', 'other'] as const;
export const flagReasonSchema = z.enum(FLAG_REASONS);

export const entryIdSchema = z.string().length(24).regex(/^e_[A-Za-z0-9_-]{22}$/);
export const entryIdParam = z.object({ id: entryIdSchema });
export const tagSlugSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(40);
export const tagKindSchema = z.enum(['population', 'topic']);
const tagList = z.array(tagSlugSchema).max(12).refine((t) => new Set(t).size === t.length, 'duplicate tag').meta({ uniqueItems: true });

export const LIMITS = {
  questionTitle: { min: 5, max: 200 },
  questionBody: { min: 10, max: 4000 },
  answer: { min: 20, max: 12000 },
  articleBody: { min: 100, max: 40000 },
  query: 200,
} as const;

const text = (limits: { min: number; max: number }) => z.string().trim().min(limits.min).max(limits.max);

// ---- tags ----
export const tagLabelsSchema = z.object({
  ru: z.string().trim().min(1).max(80),
  kk: z.string().trim().min(1).max(80),
  en: z.string().trim().min(1).max(80),
});
export const tagSchema = z.object({ slug: tagSlugSchema, kind: tagKindSchema, labels: tagLabelsSchema }).meta({ id: 'Tag' });
export type Tag = z.infer<typeof tagSchema>;
export const tagListResponse = z.object({ tags: z.array(tagSchema) }).meta({ id: 'TagList' });
export const createTagRequest = tagSchema;
export const renameTagRequest = z.object({ labels: tagLabelsSchema }).meta({ id: 'RenameTagRequest' });
export const mergeTagRequest = z.object({ into: tagSlugSchema }).meta({ id: 'MergeTagRequest' });
export const tagSlugParam = z.object({ slug: tagSlugSchema });

// ---- public entries ----
export const snippetSchema = z.array(z.object({ text: z.string(), mark: z.boolean() }));

export const publicEntrySchema = z.object({
  id: entryIdSchema,
  kind: entryKindSchema,
  language: languageSchema,
  title: z.string(),
  body: z.string(),
  answer: z.string().nullable(),
  tags: z.array(tagSlugSchema),
  helpfulCount: z.number().int(),
  sample: z.boolean(),
  publishedAt: z.number().int(),
}).meta({ id: 'PublicEntry' });
export type PublicEntry = z.infer<typeof publicEntrySchema>;

export const entrySummarySchema = publicEntrySchema.pick({ id: true, kind: true, language: true, title: true, tags: true, helpfulCount: true, sample: true, publishedAt: true }).meta({ id: 'EntrySummary' });
export const browseQuery = z.object({
  language: languageSchema.optional(),
  tag: z.union([tagSlugSchema, z.array(tagSlugSchema).max(4)]).optional(),
  kind: entryKindSchema.optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});
export const browseResponse = z.object({ entries: z.array(entrySummarySchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }).meta({ id: 'EntryPage' });

export const searchQuery = z.object({
  q: z.string().max(LIMITS.query),
  language: languageSchema.optional(),
  tag: z.union([tagSlugSchema, z.array(tagSlugSchema).max(4)]).optional(),
  page: z.coerce.number().int().min(1).max(50).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(10),
});
export type SearchQuery = z.infer<typeof searchQuery>;
export const searchResultSchema = entrySummarySchema.extend({ titleMarked: snippetSchema, snippet: snippetSchema }).meta({ id: 'SearchResult' });
export const searchResponse = z.object({
  results: z.array(searchResultSchema),
  /** Matches found; a lower bound once it reaches 1000. */
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** How the results were found: by stems, loosely, by substring, or after correcting a typo. */
  pass: z.enum(['exact', 'loose', 'substring', 'corrected']).nullable(),
  corrected: z.string().nullable(),
  /** Set when the query is too short to search (under two letters). */
  tooShort: z.boolean(),
}).meta({ id: 'SearchResults' });

export const helpfulResponse = z.object({ helpfulCount: z.number().int(), counted: z.boolean() }).meta({ id: 'HelpfulCount' });
export const flagRequest = z.object({ reason: flagReasonSchema }).meta({ id: 'FlagRequest' });

// ---- the asker's questions ----
export const submitQuestionRequest = z.object({
  title: text(LIMITS.questionTitle),
  body: text(LIMITS.questionBody),
  language: languageSchema,
  suggestedTags: tagList.default([]),
  pow: powSchema,
}).meta({ id: 'SubmitQuestionRequest' });
export const myQuestionSchema = z.object({
  id: entryIdSchema,
  status: entryStatusSchema,
  language: languageSchema,
  /** The text as it stands: empty once a rejection deleted it. */
  title: z.string(),
  reasonCode: reasonCodeSchema.nullable(),
  duplicateOf: entryIdSchema.nullable(),
  createdAt: z.number().int(),
  publishedAt: z.number().int().nullable(),
}).meta({ id: 'MyQuestion' });
export const myQuestionsResponse = z.object({ questions: z.array(myQuestionSchema) }).meta({ id: 'MyQuestions' });

// ---- staff ----
export const piiSpanSchema = z.object({
  kind: z.enum(PII_KINDS),
  start: z.number().int(),
  end: z.number().int(),
  text: z.string(),
  acknowledged: z.boolean(),
});
export const staffEntrySchema = z.object({
  id: entryIdSchema,
  kind: entryKindSchema,
  status: entryStatusSchema,
  language: languageSchema,
  title: z.string(),
  body: z.string(),
  answer: z.string().nullable(),
  tags: z.array(tagSlugSchema),
  suggestedTags: z.array(tagSlugSchema),
  reasonCode: reasonCodeSchema.nullable(),
  authorStaffId: idSchema.nullable(),
  hidden: z.boolean(),
  flags: z.array(z.object({ reason: flagReasonSchema, count: z.number().int() })),
  revision: z.object({ title: z.string(), body: z.string(), answer: z.string().nullable(), authorStaffId: idSchema }).nullable(),
  personalData: z.object({ title: z.array(piiSpanSchema), body: z.array(piiSpanSchema), answer: z.array(piiSpanSchema) }),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
}).meta({ id: 'StaffEntry' });
export type StaffEntry = z.infer<typeof staffEntrySchema>;

export const QUEUES = ['submitted', 'accepted', 'answered', 'in_review', 'flagged', 'revisions'] as const;
export const queueNameSchema = z.enum(QUEUES);
export const moderationQueueQuery = z.object({
  queue: queueNameSchema.default('submitted'),
  language: languageSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const moderationQueueResponse = z.object({
  counts: z.record(queueNameSchema, z.number().int()),
  entries: z.array(staffEntrySchema),
}).meta({ id: 'ModerationQueue' });

const acknowledge = z.array(z.string().min(1).max(200)).max(50).default([]);
export const acceptRequest = z.object({
  /** The redacted text; what was submitted is overwritten by it. */
  title: text(LIMITS.questionTitle),
  body: text(LIMITS.questionBody),
  tags: tagList,
  /** Detector matches the moderator confirms are not personal data. */
  acknowledge,
}).meta({ id: 'AcceptRequest' });
export const rejectRequest = z.object({ reason: reasonCodeSchema }).meta({ id: 'RejectRequest' });
export const mergeRequest = z.object({ into: entryIdSchema }).meta({ id: 'MergeRequest' });
export const bulkRequest = z.object({
  // One decision per entry: a repeated id would be decided twice.
  ids: z.array(entryIdSchema).min(1).max(200).refine((ids) => new Set(ids).size === ids.length, 'duplicate id').meta({ uniqueItems: true }),
  action: z.enum(['accept', 'reject']),
  reason: reasonCodeSchema.optional(),
}).refine((b) => b.action !== 'reject' || b.reason, { message: 'reason required', path: ['reason'] }).meta({ id: 'BulkRequest' });
export const bulkResponse = z.object({
  results: z.array(z.object({ id: entryIdSchema, ok: z.boolean(), code: z.string().nullable() })),
}).meta({ id: 'BulkResults' });
export const answerRequest = z.object({ answer: text(LIMITS.answer) }).meta({ id: 'AnswerRequest' });
export const publishRequest = z.object({ acknowledge }).meta({ id: 'PublishRequest' });
export const reasonRequest = z.object({ reason: reasonCodeSchema }).meta({ id: 'ReasonRequest' });
export const tagEntryRequest = z.object({ tags: tagList }).meta({ id: 'TagEntryRequest' });
export const reviseRequest = z.object({
  title: z.string().trim().min(5).max(200),
  body: z.string().trim().min(10).max(LIMITS.articleBody.max),
  answer: text(LIMITS.answer).nullable().default(null),
}).meta({ id: 'RevisionRequest' });
export const revisionDecisionRequest = z.object({ decision: z.enum(['approve', 'reject']), acknowledge }).meta({ id: 'RevisionDecisionRequest' });
export const flagDecisionRequest = z.object({ decision: z.enum(['keep', 'retire']), reason: reasonCodeSchema.optional() }).meta({ id: 'FlagDecisionRequest' });

export const articleRequest = z.object({
  language: languageSchema,
  title: z.string().trim().min(5).max(200),
  body: text(LIMITS.articleBody),
  tags: tagList,
}).meta({ id: 'ArticleRequest' });
export const entryStatusResponse = z.object({ id: entryIdSchema, status: entryStatusSchema });

export const logEntrySchema = z.object({
  id: z.number().int(),
  entryId: entryIdSchema,
  actorKind: z.enum(['staff', 'asker', 'system']),
  actorStaffId: idSchema.nullable(),
  action: z.string(),
  fromStatus: entryStatusSchema.nullable(),
  toStatus: entryStatusSchema.nullable(),
  reasonCode: z.string().nullable(),
  at: z.number().int(),
}).meta({ id: 'LogEntry' });
export const logQuery = z.object({ entry: entryIdSchema.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
export const logResponse = z.object({ log: z.array(logEntrySchema) }).meta({ id: 'Log' });

export const piiWordsRequest = z.object({ words: z.array(z.string().trim().min(2).max(60)).min(1).max(200) }).meta({ id: 'PlaceWordsRequest' });
export const piiWordsResponse = z.object({ words: z.array(z.string()) }).meta({ id: 'PlaceWords' });

// ---- search synonyms ----
/**
 * One word or a short phrase as people type it ("не спится", "домашнее насилие", "can't sleep").
 * Stored trimmed, in lower case, with single spaces; it needs a letter or digit to be searchable.
 */
export const synonymTermSchema = z.string()
  .transform((s) => s.trim().replace(/\s+/g, ' ').toLowerCase())
  .pipe(z.string().min(2).max(60).regex(/[\p{L}\p{N}]/u, 'needs a letter or a digit'));
const termList = z.array(synonymTermSchema).max(30)
  .refine((terms) => new Set(terms).size === terms.length, 'duplicate term').meta({ uniqueItems: true });
/** A group's words and phrases in each language, as a moderator sends them: all mean the same to a person searching. */
export const synonymTermsSchema = z.object({ ru: termList, kk: termList, en: termList })
  .refine((t) => t.ru.length + t.kk.length + t.en.length >= 2, 'a group needs at least two terms');
export type SynonymTerms = z.output<typeof synonymTermsSchema>;
export const synonymGroupRequest = z.object({ terms: synonymTermsSchema }).meta({ id: 'SynonymGroupRequest' });
export const synonymGroupSchema = z.object({
  id: z.number().int().positive(),
  terms: z.object({ ru: z.array(z.string()), kk: z.array(z.string()), en: z.array(z.string()) }),
}).meta({ id: 'SynonymGroup' });
export type SynonymGroup = z.infer<typeof synonymGroupSchema>;
export const synonymGroupIdParam = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });
export const synonymListQuery = z.object({ language: languageSchema.optional() });
export const synonymListResponse = z.object({ groups: z.array(synonymGroupSchema) }).meta({ id: 'SynonymGroups' });
