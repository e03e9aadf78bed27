// A light stemmer for Kazakh, for search only. Kazakh has no maintained Snowball stemmer, and
// the Russian one, applied to Kazakh words, cuts at Russian endings: «ұйқым», «ұйқысы» and
// «ұйқыны» (my sleep, his sleep, sleep as an object) came out as three terms. Kazakh is
// agglutinative and regular: a word is a root followed by inflections in a fixed order (plural,
// possessive, case, person), so peeling known inflections off the end, longest first, gives one
// term for most forms of a word.
//
// People often type Kazakh on a Russian keyboard, writing у for ұ and ү, к for қ, и or a Latin i
// for і ("уйкысыздык" for «ұйқысыздық»). The stem is therefore taken of the word with Kazakh
// letters folded to their nearest Russian ones, on both sides: a search key may lose a
// distinction (ұл and ул), and gains every way of typing the word.
//
// Conservative on purpose: only inflections are removed, never derivations (-сыз "without",
// -лық "-ness", -шы "-er"), so «ұйқысыздық» (insomnia) stays apart from «ұйқы» (sleep) and the
// synonym groups say they are related; a stem keeps at least three letters and a vowel. The
// stem is a search key, not a dictionary form: both the index and the query go through here.

// Tried longest first. A bare -ы/-і (his, her) is not among them: it is taken off last, once
// (see stemKazakh), because -ым after a consonant and -м after a vowel cannot be told apart
// («ұйқым» is ұйқы + м, not ұйқ + ым), so both readings must end on one stem.
const SUFFIXES: readonly string[] = [
  // plural
  'лар', 'лер', 'дар', 'дер', 'тар', 'тер',
  // possessive: my, your, your (polite), his/her/its, our
  'ым', 'ім', 'м', 'ың', 'ің', 'ң', 'ыңыз', 'іңіз', 'ңыз', 'ңіз', 'сы', 'сі', 'ымыз', 'іміз', 'мыз', 'міз',
  // genitive, dative, accusative, locative, ablative, instrumental
  'ның', 'нің', 'дың', 'дің', 'тың', 'тің',
  'ға', 'ге', 'қа', 'ке', 'на', 'не', 'а', 'е',
  'ны', 'ні', 'ды', 'ді', 'ты', 'ті', 'н',
  'да', 'де', 'та', 'те', 'нда', 'нде',
  'дан', 'ден', 'тан', 'тен', 'нан', 'нен',
  'мен', 'бен', 'пен', 'менен', 'бенен', 'пенен',
  // personal endings (I am…, we are…) and common verb forms: the infinitive, the participles
  // -ған and -атын, the converbs, the present tense (-амын, -ады)
  'мын', 'мін', 'бын', 'бін', 'пын', 'пін', 'сың', 'сің', 'дым', 'дім', 'тым', 'тім',
  'у', 'й', 'ған', 'ген', 'қан', 'кен', 'атын', 'етін', 'йтын', 'йтін', 'ып', 'іп', 'п',
  'амын', 'емін', 'ймын', 'ймін', 'ады', 'еді', 'йды', 'йді',
];

const FOLD: Readonly<Record<string, string>> = { 'ә': 'а', 'ғ': 'г', 'қ': 'к', 'ң': 'н', 'ө': 'о', 'ұ': 'у', 'ү': 'у', 'һ': 'х', 'і': 'и', 'i': 'и' };
const KAZAKH_ONLY = /[әғқңөұүһіi]/gu;

/** A word with Kazakh letters (and a Latin i typed for і) replaced by the Russian letters typed for them. */
export function foldKazakh(word: string): string {
  return word.replace(KAZAKH_ONLY, (c) => FOLD[c]!);
}

const BY_LENGTH = [...new Set(SUFFIXES.map(foldKazakh))].sort((a, b) => b.length - a.length);
const VOWELS = /[аеёиоуыэюя]/u;
const MIN_STEM = 3;
// A bare -а/-е is the dative only after a possessive ending (ұлым → ұлыма, серіктесім → серіктесіме);
// elsewhere it is the end of a root (ана, бала, күйе-у), which must stay.
const DATIVE_VOWEL = new Set(['а', 'е']);
const AFTER_POSSESSIVE = /[мн]$/u;
const MAX_STRIPS = 4;

// Voiced and voiceless forms of a final consonant alternate at a suffix boundary
// (мазасыздық → мазасыздығым, кітап → кітабы): the stem takes the voiceless one (folded: к, п).
const FINAL: Readonly<Record<string, string>> = { 'г': 'к', 'б': 'п' };

/** The search stem of a normalised (lower-case) Kazakh word, Kazakh letters folded. */
export function stemKazakh(word: string): string {
  let w = foldKazakh(word);
  for (let i = 0; i < MAX_STRIPS; i++) {
    const suffix = BY_LENGTH.find((s) => w.length - s.length >= MIN_STEM && w.endsWith(s) && VOWELS.test(w.slice(0, -s.length))
      && (!DATIVE_VOWEL.has(s) || AFTER_POSSESSIVE.test(w.slice(0, -1))));
    if (!suffix) break;
    w = w.slice(0, -suffix.length);
  }
  if (/[ыи]$/u.test(w) && w.length - 1 >= MIN_STEM && VOWELS.test(w.slice(0, -1))) w = w.slice(0, -1);
  const last = w.at(-1) ?? '';
  return last in FINAL ? w.slice(0, -1) + FINAL[last] : w;
}
