// The case forms of place names and given names, generated from the lemma by the declension
// rules of Russian and Kazakh, so the lists hold each name once ("Шымкент") and the detector
// still knows "в Шымкенте", "из Шымкента", "Шымкентте", "Шымкенттен", "Шымкенттік". People write
// Kazakh names in Russian sentences and the other way round, so both rule sets run on every
// lemma; a form that is not a real word of either language costs a map entry and nothing else.
// Only the last word of a compound inflects ("Усть-Каменогорске", "Алма-Ате").

/** The Russian case forms of a noun (singular; nouns do not name one place in the plural). */
export function russianNounForms(lemma: string): string[] {
  const w = lemma.toLowerCase();
  const last = w.at(-1) ?? '';
  const stem = w.slice(0, -1);
  if (/[бвгджзклмнпрстфхцчшщқғңһ]/u.test(last)) {
    // Шымкент → Шымкента, Шымкенту, Шымкентом, Шымкенте; after a hushing letter also -ем.
    const forms = [w, `${w}а`, `${w}у`, `${w}ом`, `${w}е`];
    if (/[жшчщц]/u.test(last)) forms.push(`${w}ем`);
    return forms;
  }
  switch (last) {
    case 'ь':
      return [w, `${stem}и`, `${stem}ью`, `${stem}я`, `${stem}ю`, `${stem}ем`, `${stem}е`];
    case 'й':
      if (w.endsWith('ий')) return [w, `${stem}я`, `${stem}ю`, `${stem}ем`, `${stem}и`];
      return [w, `${stem}я`, `${stem}ю`, `${stem}ем`, `${stem}е`];
    case 'а': {
      const y = /[гкхжшчщ]$/u.test(stem) ? 'и' : 'ы';
      return [w, `${stem}${y}`, `${stem}е`, `${stem}у`, `${stem}ой`, `${stem}ою`, `${stem}ей`];
    }
    case 'я':
      if (w.endsWith('ия')) return [w, `${stem}и`, `${stem}ю`, `${stem}ей`];
      return [w, `${stem}и`, `${stem}е`, `${stem}ю`, `${stem}ей`, `${stem}ёй`];
    case 'ы':
      // Kazakh names in -ы are indeclinable in Russian, but people decline them as if in -а ("в Алмате").
      return [w, `${stem}а`, `${stem}е`, `${stem}у`, `${stem}ой`];
    default:
      return [w];
  }
}

/** The Russian forms of an adjective given in the masculine ("Алматинский" → "Алматинской", "Алматинскую"…). */
export function russianAdjectiveForms(lemma: string): string[] {
  const w = lemma.toLowerCase();
  const stem = w.slice(0, -2);
  const soft = /[гкхжшчщ]$/u.test(stem);
  if (w.endsWith('ой') || w.endsWith('ый') || w.endsWith('ий')) {
    const i = soft || w.endsWith('ий') ? 'и' : 'ы';
    const masc = w.slice(-2);
    return [masc, 'ого', 'ому', `${i}м`, 'ом', 'ая', 'ой', 'ую', 'ою', 'ое', `${i}е`, `${i}х`, `${i}ми`].map((e) => stem + e);
  }
  return [w];
}

const BACK_VOWELS = 'аоұыяёю';
const FRONT_VOWELS = 'әөүіеэ';
const VOWELS = 'аәеоөұүыіэяю';

/** The Kazakh case forms of a noun: genitive, dative, locative (and -дағы), ablative, accusative, instrumental, "from X" (-лық), "I am in/from X". */
export function kazakhForms(lemma: string): string[] {
  const w = lemma.toLowerCase();
  const last = w.at(-1) ?? '';
  const front = isFront(w);
  const [a, y] = front ? ['е', 'і'] : ['а', 'ы'];
  // The consonant each suffix starts with depends on the sound it is added to.
  let gen: string, dat: string, loc: string, abl: string, acc: string, ins: string, adj: string;
  if (VOWELS.includes(last)) [gen, dat, loc, abl, acc, ins, adj] = ['н', 'ғ', 'д', 'д', 'н', 'м', 'л'];
  else if ('рлйуи'.includes(last)) [gen, dat, loc, abl, acc, ins, adj] = ['д', 'ғ', 'д', 'д', 'д', 'м', 'л'];
  else if ('мнң'.includes(last)) [gen, dat, loc, abl, acc, ins, adj] = ['н', 'ғ', 'д', 'н', 'д', 'м', 'д'];
  else if ('жз'.includes(last)) [gen, dat, loc, abl, acc, ins, adj] = ['д', 'ғ', 'д', 'д', 'д', 'б', 'д'];
  else [gen, dat, loc, abl, acc, ins, adj] = ['т', 'қ', 'т', 'т', 'т', 'п', 'т'];
  if (front) dat = dat === 'ғ' ? 'г' : 'к';
  const locative = `${w}${loc}${a}`;
  const ablative = `${w}${abl}${a}н`;
  const me = front ? 'мін' : 'мын';
  return [
    w,
    `${w}${gen}${y}ң`,
    `${w}${dat}${a}`,
    locative,
    `${locative}${front ? 'гі' : 'ғы'}`,
    ablative,
    `${w}${acc}${y}`,
    `${w}${ins}ен`,
    `${w}${adj}${y}${front ? 'к' : 'қ'}`,
    `${locative}${me}`,
    `${ablative}${me}`,
  ];
}

function isFront(word: string): boolean {
  for (let i = word.length - 1; i >= 0; i--) {
    const c = word[i]!;
    if (BACK_VOWELS.includes(c)) return false;
    if (FRONT_VOWELS.includes(c)) return true;
  }
  return /[иі]/u.test(word) && !/[уұ]/u.test(word);
}

/** Forms of a compound name: the words before the last stay as they are. */
export function compoundForms(lemma: string, forms: (word: string) => string[]): string[] {
  const words = lemma.trim().split(/[\s-]+/u);
  const head = words.slice(0, -1).join(' ').toLowerCase();
  return forms(words.at(-1)!).map((f) => (head ? `${head} ${f}` : f));
}

// Latin spellings of a Cyrillic name, as people type them: the common Russian-style
// transliteration, and variants for the letters that are written two ways (й as y or i, ж as zh or
// j, х as kh or h, ғ as g or gh, я as ya or ia).
const LATIN: Readonly<Record<string, string>> = {
  'а': 'a', 'ә': 'a', 'б': 'b', 'в': 'v', 'г': 'g', 'ғ': 'g', 'д': 'd', 'е': 'e', 'ё': 'yo', 'ж': 'zh', 'з': 'z', 'и': 'i', 'й': 'y',
  'к': 'k', 'қ': 'k', 'л': 'l', 'м': 'm', 'н': 'n', 'ң': 'n', 'о': 'o', 'ө': 'o', 'п': 'p', 'р': 'r', 'с': 's', 'т': 't', 'у': 'u',
  'ұ': 'u', 'ү': 'u', 'ф': 'f', 'х': 'kh', 'һ': 'h', 'ц': 'ts', 'ч': 'ch', 'ш': 'sh', 'щ': 'shch', 'ъ': '', 'ы': 'y', 'і': 'i',
  'ь': '', 'э': 'e', 'ю': 'yu', 'я': 'ya',
};
const LATIN_VARIANTS: readonly Readonly<Record<string, string>>[] = [
  {},
  { 'й': 'i', 'я': 'ia', 'ю': 'iu', 'ң': 'ng' },
  { 'ж': 'j', 'х': 'h', 'ғ': 'gh', 'ы': 'i' },
];

/** The Latin spellings of a Cyrillic word (lower case). */
export function latinSpellings(word: string): string[] {
  const w = word.toLowerCase();
  const out = new Set<string>();
  for (const variant of LATIN_VARIANTS) {
    let s = '';
    for (const c of w) s += variant[c] ?? LATIN[c] ?? c;
    out.add(s);
  }
  return [...out];
}
