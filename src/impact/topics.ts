import { IMPACT_TOPICS, type ImpactTopic } from '../protocol/api/impact.js';

// The report breaks knowledge-base figures down by the same topics as consultations. Entries
// carry tag slugs, which are the thread topics' words but for one spelling the tags were seeded
// with ('adherence' for the threads' 'treatment-adherence'); population tags are not topics.

const TAG_ALIASES: Readonly<Record<string, ImpactTopic>> = { adherence: 'treatment-adherence' };
const isTopic = (s: string): s is ImpactTopic => (IMPACT_TOPICS as readonly string[]).includes(s) && s !== 'none';

/** The topic of an entry for the report: its first tag that names one, else `none`. */
export function topicOfTags(tags: readonly string[]): ImpactTopic {
  for (const tag of tags) {
    const topic = TAG_ALIASES[tag] ?? tag;
    if (isTopic(topic)) return topic;
  }
  return 'none';
}
