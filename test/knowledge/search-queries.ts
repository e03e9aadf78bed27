// Labelled queries for measuring search quality over the demo content (src/knowledge/demo-content.ts):
// each is typed the way a worried person would type it, and `expect` lists the entries (by key)
// a good search must return in its top 5. Several test morphology on purpose: another grammatical
// form than the text's, ё written as е, a Kazakh stem of an inflected word, a part of a word, a
// typo, and an English derivation (anxious → anxiety).

export interface LabelledQuery {
  q: string;
  language: 'ru' | 'kk' | 'en';
  /** Keys of DEMO_ENTRIES that must be in the top 5 (usually one, at most three). */
  expect: readonly string[];
}

export const LABELLED_QUERIES: readonly LabelledQuery[] = [
  // ---- Russian ----
  // Three case forms of one word; the expected entries use other forms of консультаци-.
  { q: 'консультация', language: 'ru', expect: ['ru-first-consultation-what-happens', 'ru-how-many-consultations'] },
  { q: 'первой консультации', language: 'ru', expect: ['ru-first-consultation-what-happens'] },
  { q: 'сколько консультаций', language: 'ru', expect: ['ru-how-many-consultations'] },
  // тревога / тревоги: the texts have тревога, тревогу, тревоги, тревогой.
  { q: 'тревога', language: 'ru', expect: ['ru-article-anxiety-grounding', 'ru-anxiety-waiting-test-results'] },
  { q: 'тревоги перед результатом', language: 'ru', expect: ['ru-anxiety-waiting-test-results'] },
  // ё folding: the text has «партнёру».
  { q: 'сказать партнеру о статусе', language: 'ru', expect: ['ru-disclose-status-partner'] },
  // A single-letter typo: the texts have «бессонница».
  { q: 'бессоница', language: 'ru', expect: ['ru-insomnia-after-diagnosis', 'ru-article-sleep-hygiene'] },
  // A part of a word: «фобия» is found inside «гомофобия» and «трансфобии».
  { q: 'фобия', language: 'ru', expect: ['ru-coming-out-parents-msm', 'ru-trans-family-rejection'] },
  { q: 'работодатель узнает', language: 'ru', expect: ['ru-employer-finds-out-status'] },
  { q: 'стыд диагноз', language: 'ru', expect: ['ru-self-stigma-shame'] },
  { q: 'забываю пить таблетки', language: 'ru', expect: ['ru-missing-pills-adherence'] },
  { q: 'клиент насилие', language: 'ru', expect: ['ru-sex-worker-client-violence'] },
  { q: 'химсекс', language: 'ru', expect: ['ru-chemsex-anxiety'] },
  { q: 'семья трансгендер', language: 'ru', expect: ['ru-trans-family-rejection'] },
  { q: 'рассказать родителям гей', language: 'ru', expect: ['ru-coming-out-parents-msm'] },
  { q: 'работа после колонии', language: 'ru', expect: ['ru-after-prison-work'] },
  { q: 'сын употребляет наркотики', language: 'ru', expect: ['ru-mother-son-uses-drugs'] },
  { q: 'смерть друга передозировка', language: 'ru', expect: ['ru-grief-friend-overdose'] },
  { q: 'ничего не радует', language: 'ru', expect: ['ru-depression-loss-interest'] },
  { q: 'панические атаки', language: 'ru', expect: ['ru-panic-attacks'] },
  { q: 'мигрант без документов', language: 'ru', expect: ['ru-migrant-loneliness-documents'] },
  { q: 'гигиена сна', language: 'ru', expect: ['ru-article-sleep-hygiene'] },
  { q: 'выгорание равных консультантов', language: 'ru', expect: ['ru-article-peer-burnout'] },
  { q: 'неопределяемая нагрузка', language: 'ru', expect: ['ru-article-u-equals-u'] },

  // ---- English ----
  // anxious → anxiety: the expected entry says "anxiety" and never "anxious".
  { q: 'anxious test results', language: 'en', expect: ['en-waiting-for-test-results'] },
  { q: 'disclose to partner', language: 'en', expect: ['en-tell-partner-hiv-status'] },
  { q: 'employer find out', language: 'en', expect: ['en-employer-find-out-hiv'] },
  { q: 'insomnia', language: 'en', expect: ['en-cant-sleep-since-diagnosis'] },
  { q: 'self stigma', language: 'en', expect: ['en-shame-self-stigma'] },
  { q: 'forget pills', language: 'en', expect: ['en-missing-doses-motivation'] },
  { q: 'missed doses', language: 'en', expect: ['en-missing-doses-motivation'] },
  { q: 'client violence', language: 'en', expect: ['en-sex-worker-violent-client'] },
  { q: 'chemsex comedown', language: 'en', expect: ['en-chemsex-comedown-anxiety'] },
  { q: 'family rejected trans', language: 'en', expect: ['en-trans-rejected-by-family'] },
  { q: 'job after prison', language: 'en', expect: ['en-life-after-prison-job'] },
  { q: 'migrant without papers', language: 'en', expect: ['en-migrant-no-documents-health'] },
  { q: 'scared to tell parents gay', language: 'en', expect: ['en-teen-afraid-tell-parents'] },
  { q: 'friend died overdose', language: 'en', expect: ['en-grief-friend-overdose'] },
  { q: 'panic attack', language: 'en', expect: ['en-panic-attacks'] },
  { q: 'serodiscordant couple', language: 'en', expect: ['en-serodiscordant-relationship'] },
  { q: 'undetectable', language: 'en', expect: ['en-article-u-equals-u'] },
  { q: 'peer worker burnout', language: 'en', expect: ['en-article-peer-worker-burnout'] },
  { q: 'lonely', language: 'en', expect: ['en-article-loneliness'] },

  // ---- Kazakh ----
  // A stem of inflected words: the text has «серіктесіме», «серіктесіңізге».
  { q: 'серіктес', language: 'kk', expect: ['kk-tell-partner-status'] },
  { q: 'статусты айту', language: 'kk', expect: ['kk-tell-partner-status'] },
  { q: 'ұйқы', language: 'kk', expect: ['kk-sleep-problems'] },
  { q: 'ұйқысыздық', language: 'kk', expect: ['kk-sleep-problems'] },
  { q: 'мазасыздық', language: 'kk', expect: ['kk-anxiety-waiting-results'] },
  { q: 'талдау нәтижесі', language: 'kk', expect: ['kk-anxiety-waiting-results'] },
  { q: 'жұмыс беруші', language: 'kk', expect: ['kk-employer-status'] },
  { q: 'жалғыздық', language: 'kk', expect: ['kk-loneliness-migrant'] },
  { q: 'есірткі', language: 'kk', expect: ['kk-parents-son-drugs'] },
  { q: 'ұлым', language: 'kk', expect: ['kk-parents-son-drugs'] },
  { q: 'түрмеден кейін', language: 'kk', expect: ['kk-after-prison'] },
  { q: 'стигма', language: 'kk', expect: ['kk-article-stigma'] },
  { q: 'ұят', language: 'kk', expect: ['kk-article-stigma'] },
];
