import type { Db } from '../../src/db/connection.js';
import { DEMO_ENTRIES } from '../../src/knowledge/demo-content.js';
import { indexEntry } from '../../src/knowledge/search-index.js';
import type { Language } from '../../src/protocol/api/common.js';
import { newId } from '../../src/protocol/ids.js';

// A generated knowledge base for the benchmarks (npm run bench:search, npm run bench): published
// ru/en entries whose text comes from the demo content's word bigrams, so that it keeps their
// vocabulary and word frequencies. Seeded: two runs build the same corpus.

let seed = 20261123;
export const rand = (): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

/** A word-bigram chain over the demo texts of one language: generated text keeps its vocabulary and word frequencies. */
function chainFor(language: Language) {
  const next = new Map<string, string[]>();
  const starts: string[] = [];
  for (const e of DEMO_ENTRIES.filter((x) => x.language === language)) {
    for (const text of [e.title, e.body, e.answer ?? '']) {
      for (const sentence of text.split(/(?<=[.!?])\s+/)) {
        const words = sentence.split(/\s+/).filter(Boolean);
        if (words.length < 3) continue;
        starts.push(words[0]!);
        for (let i = 0; i + 1 < words.length; i++) {
          const list = next.get(words[i]!) ?? [];
          list.push(words[i + 1]!);
          next.set(words[i]!, list);
        }
      }
    }
  }
  return (minWords: number, maxWords: number): string => {
    const n = minWords + Math.floor(rand() * (maxWords - minWords));
    const out: string[] = [];
    let w = pick(starts);
    while (out.length < n) {
      out.push(w);
      const options = next.get(w);
      w = options && !/[.!?]$/.test(w) ? pick(options) : pick(starts);
    }
    return out.join(' ');
  };
}

export interface CorpusDoc {
  num: number;
  title: string;
  body: string;
  language: Language;
  tags: string[];
}

/** Shares of the corpus by language, in order: the last takes whatever the others leave. */
export type LanguageMix = readonly (readonly [Language, number])[];
export const DEFAULT_MIX: LanguageMix = [['ru', 0.6], ['en', 0.4]];

/** The language of an entry drawn from `mix` (one draw of the generator, whatever the mix). */
function drawLanguage(mix: LanguageMix): Language {
  const r = rand();
  let acc = 0;
  for (const [language, share] of mix) {
    acc += share;
    if (r < acc) return language;
  }
  return mix.at(-1)![0];
}

/**
 * Inserts `n` published entries (by default 60 % ru, 40 % en; title 5–12 words, question 25–80,
 * answer 60–160; two random tags each) as rows only, in one transaction; `indexCorpus` then
 * builds the search indexes over them (timed apart by bench-search).
 */
export function insertCorpus(db: Db, n: number, mix: LanguageMix = DEFAULT_MIX): CorpusDoc[] {
  const chains = Object.fromEntries(mix.map(([l]) => [l, chainFor(l)])) as Partial<Record<Language, ReturnType<typeof chainFor>>>;
  const tagSlugs = db.$client.prepare('SELECT slug FROM kb_tags').all().map((r) => (r as { slug: string }).slug);
  const insert = db.$client.prepare(`INSERT INTO kb_entries (id, kind, status, language, title, body, answer, suggested_tags, pii_acknowledged, hidden, helpful_count, created_at, updated_at, published_at)
    VALUES (?, 'question', 'published', ?, ?, ?, ?, '[]', '[]', 0, 0, ?, ?, ?)`);
  const tag = db.$client.prepare('INSERT OR IGNORE INTO kb_entry_tags (entry_num, tag) VALUES (?, ?)');
  const docs: CorpusDoc[] = [];
  db.$client.transaction(() => {
    for (let i = 0; i < n; i++) {
      const language = drawLanguage(mix);
      const gen = chains[language]!;
      const title = gen(5, 12);
      const body = gen(25, 80);
      const answer = gen(60, 160);
      const r = insert.run(newId('entry'), language, title, body, answer, i, i, i);
      const num = Number(r.lastInsertRowid);
      const tags = [...new Set([pick(tagSlugs), pick(tagSlugs)])];
      for (const t of tags) tag.run(num, t);
      docs.push({ num, title, body: `${body}\n${answer}`, language, tags });
    }
  })();
  return docs;
}

export function indexCorpus(db: Db, docs: readonly CorpusDoc[]): void {
  db.$client.transaction(() => { for (const d of docs) indexEntry(db, d); })();
  db.$client.exec("INSERT INTO kb_stems(kb_stems) VALUES('optimize');");
}
