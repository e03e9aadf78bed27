import type { Language } from '../protocol/api/common.js';
import type { CountedMetric, ImpactTopic } from '../protocol/api/impact.js';
import type { ThreadKind, Topic } from '../protocol/thread-metadata.js';
import type { ImpactCounter } from './counter.js';
import { replyBucket, replyMetric } from './reply-time.js';
import { topicOfTags } from './topics.js';

// What the other domains report, turned into counts. app.ts passes these listeners to the
// threads and knowledge routes; the shapes are stated here (those domains' own activity types
// fit them), so this domain imports neither.

/** A thread opened, first taken from the pool, or first answered (with its wait). */
export type ThreadFact =
  | { type: 'opened' | 'taken'; kind: ThreadKind; language: Language; topic: Topic }
  | { type: 'answered'; kind: ThreadKind; language: Language; topic: Topic; waitedMs: number };

/** A question submitted, or a question's answer published. */
export interface KnowledgeFact {
  type: 'question_submitted' | 'answer_published';
  language: Language;
  tags: readonly string[];
}

const THREAD_METRICS: Record<ThreadKind, Partial<Record<ThreadFact['type'], CountedMetric>>> = {
  consultation: { opened: 'consultations_opened', taken: 'consultations_taken', answered: 'consultations_answered' },
  // Professionals supported: each case opened, and each answered. A case's first claim is not
  // a figure anyone reports.
  case: { opened: 'cases_opened', answered: 'cases_answered' },
};

export function countThreads(counter: ImpactCounter): (fact: ThreadFact) => void {
  return (fact) => {
    const metric = THREAD_METRICS[fact.kind][fact.type];
    if (!metric) return;
    counter.count(metric, { language: fact.language, topic: fact.topic });
    // The wait of a consultation's first reply, as its bucket only, and by language only: the
    // report shows a median per language, so the topic would add nothing but detail.
    if (fact.type === 'answered' && fact.kind === 'consultation') counter.count(replyMetric(replyBucket(fact.waitedMs)), { language: fact.language, topic: 'none' });
  };
}

export function countKnowledge(counter: ImpactCounter): (fact: KnowledgeFact) => void {
  return (fact) => {
    const topic: ImpactTopic = topicOfTags(fact.tags);
    counter.count(fact.type === 'question_submitted' ? 'questions_submitted' : 'answers_published', { language: fact.language, topic });
  };
}
