import { z } from 'zod';
import STOP_WORD_DATA from './stop-words.json' with { type: 'json' };
import { foldKazakh } from './kazakh-stem.js';
import { normalize } from './text.js';

// Words that say nothing about what a person is looking for: pronouns, prepositions, particles,
// question words, negation and modal verbs ("не могу", "can't", "алмаймын"). Searched as words,
// they match nearly every entry, and an entry that repeats them ("я не могу с этим справиться")
// outranked the one about the query's only real word ("спать"). They are dropped from a query,
// unless the query has nothing else; a synonym phrase that contains them ("не могу спать") is
// matched before they are dropped (query-plan.ts), so the phrase still counts.
//
// One list for all three languages: people in Kazakhstan mix Russian and Kazakh in one query,
// and a word that is a stop word in one of them ("не", "да") is one in the other too.

const wordList = z.array(z.string().min(1).max(30).regex(/^[\p{L}\p{N}]+$/u, 'one word, no spaces or punctuation'));
const stopWordData = z.object({ ru: wordList, kk: wordList, en: wordList });

const lists = stopWordData.parse(STOP_WORD_DATA);
const STOP_WORDS: ReadonlySet<string> = new Set(Object.values(lists).flat().map(normalize));
// Kazakh typed on a Russian keyboard: "жок" for «жоқ», "калай" for «қалай».
const KAZAKH_FOLDED: ReadonlySet<string> = new Set(lists.kk.map((w) => foldKazakh(normalize(w))));

/** Whether a normalised word is a stop word. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word) || KAZAKH_FOLDED.has(foldKazakh(word));
}
