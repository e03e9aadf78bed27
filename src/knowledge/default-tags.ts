// The tags a fresh install starts with: the key populations Tynys serves and the topics people
// most often ask about. Slugs are stable identifiers (entries and filters refer to them); labels
// can be renamed later by staff. Language of the labels: respectful, community-preferred terms.

export interface TagSeed {
  kind: 'population' | 'topic';
  slug: string;
  labels: { ru: string; kk: string; en: string };
}

export const DEFAULT_TAGS: readonly TagSeed[] = [
  // ---- populations ----
  {
    kind: 'population',
    slug: 'plhiv',
    labels: { ru: 'Люди, живущие с ВИЧ', kk: 'АИТВ-мен өмір сүретін адамдар', en: 'People living with HIV' },
  },
  {
    kind: 'population',
    slug: 'msm',
    labels: { ru: 'Мужчины, практикующие секс с мужчинами', kk: 'Ерлермен жыныстық қатынасқа түсетін ерлер', en: 'Men who have sex with men' },
  },
  {
    kind: 'population',
    slug: 'sex-workers',
    labels: { ru: 'Секс-работники и секс-работницы', kk: 'Секс-қызметкерлер', en: 'Sex workers' },
  },
  {
    kind: 'population',
    slug: 'people-who-use-drugs',
    labels: { ru: 'Люди, употребляющие наркотики', kk: 'Есірткі қолданатын адамдар', en: 'People who use drugs' },
  },
  {
    kind: 'population',
    slug: 'trans-people',
    labels: { ru: 'Трансгендерные люди', kk: 'Трансгендер адамдар', en: 'Trans people' },
  },
  {
    kind: 'population',
    slug: 'prisoners',
    labels: { ru: 'Люди в местах лишения свободы и после освобождения', kk: 'Сотталғандар және бұрын сотталған адамдар', en: 'Prisoners and former prisoners' },
  },
  {
    kind: 'population',
    slug: 'migrants',
    labels: { ru: 'Мигранты', kk: 'Мигранттар', en: 'Migrants' },
  },
  {
    kind: 'population',
    slug: 'young-people',
    labels: { ru: 'Молодёжь', kk: 'Жастар', en: 'Young people' },
  },
  {
    kind: 'population',
    slug: 'partners-families',
    labels: { ru: 'Партнёры и семьи', kk: 'Серіктестер мен отбасылар', en: 'Partners and families' },
  },

  // ---- topics ----
  { kind: 'topic', slug: 'anxiety', labels: { ru: 'Тревога', kk: 'Мазасыздық', en: 'Anxiety' } },
  { kind: 'topic', slug: 'depression', labels: { ru: 'Депрессия', kk: 'Депрессия', en: 'Depression' } },
  { kind: 'topic', slug: 'sleep', labels: { ru: 'Сон', kk: 'Ұйқы', en: 'Sleep' } },
  { kind: 'topic', slug: 'stigma', labels: { ru: 'Стигма и дискриминация', kk: 'Стигма және кемсітушілік', en: 'Stigma and discrimination' } },
  { kind: 'topic', slug: 'disclosure', labels: { ru: 'Раскрытие статуса', kk: 'Статусты ашу', en: 'Disclosure' } },
  { kind: 'topic', slug: 'adherence', labels: { ru: 'Приверженность лечению', kk: 'Емге бейілділік', en: 'Treatment adherence' } },
  { kind: 'topic', slug: 'substance-use', labels: { ru: 'Употребление психоактивных веществ', kk: 'Психобелсенді заттарды қолдану', en: 'Substance use' } },
  { kind: 'topic', slug: 'relationships', labels: { ru: 'Отношения и секс', kk: 'Қарым-қатынас және жыныстық өмір', en: 'Relationships and sex' } },
  { kind: 'topic', slug: 'violence', labels: { ru: 'Насилие', kk: 'Зорлық-зомбылық', en: 'Violence' } },
  { kind: 'topic', slug: 'grief', labels: { ru: 'Горе и утрата', kk: 'Қайғы және жоғалту', en: 'Grief and loss' } },
  { kind: 'topic', slug: 'work-money', labels: { ru: 'Работа и деньги', kk: 'Жұмыс және қаржы', en: 'Work and money' } },
  { kind: 'topic', slug: 'isolation', labels: { ru: 'Одиночество и изоляция', kk: 'Жалғыздық және оқшаулану', en: 'Loneliness and isolation' } },
];
