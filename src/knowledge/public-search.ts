import type { z } from 'zod';
import type { Db } from '../db/connection.js';
import type { searchQuery, searchResponse } from '../protocol/api/knowledge.js';
import { searchEntries } from './search-query.js';
import { publicEntriesByNum } from './service.js';
import { highlight, snippet } from './snippet.js';
import type { SynonymDictionary } from './synonym-dictionary.js';
import { synonymDictionary } from './synonyms.js';

// One search request's work, without HTTP: the route serves it, the benchmark times it.

/** `synonyms` is the moderators' current set unless given (the benchmark compares with none). */
export function publicSearch(db: Db, q: z.output<typeof searchQuery>, tags: readonly string[], synonyms: SynonymDictionary = synonymDictionary(db)): z.output<typeof searchResponse> {
  const want = q.page * q.pageSize;
  const outcome = searchEntries(db, q.q, { language: q.language, tags }, want, synonyms);
  const pageNums = outcome.nums.slice((q.page - 1) * q.pageSize, want);
  const results = publicEntriesByNum(db, pageNums).map(({ body, answer, ...summary }) => ({
    ...summary,
    titleMarked: highlight(summary.title, outcome.matcher, summary.language),
    snippet: snippet(answer ? `${body}\n${answer}` : body, outcome.matcher, summary.language),
  }));
  const tooShort = outcome.pass === null && q.q.replace(/[^\p{L}\p{N}]/gu, '').length < 2;
  return { results, total: outcome.total, page: q.page, pageSize: q.pageSize, pass: outcome.pass, corrected: outcome.corrected, tooShort };
}
