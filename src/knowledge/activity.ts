import type { Language } from '../protocol/api/common.js';

// What the knowledge base tells whoever counts (app.ts wires the impact report to it): a
// question submitted and a question's answer published, with the language and the tag slugs
// only. No entry id, no asker, no text.

export interface KnowledgeActivity {
  type: 'question_submitted' | 'answer_published';
  language: Language;
  tags: readonly string[];
}

export type KnowledgeActivityListener = (activity: KnowledgeActivity) => void;
