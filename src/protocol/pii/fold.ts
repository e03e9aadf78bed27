// The key a word is looked up by: lower case, ё as е, the Kazakh letters as the Russian ones
// people type when they have no Kazakh keyboard (Өскемен and Оскемен, Қарағанды and Караганды are
// one key), and Latin letters without their marks with q as k (Öskemen, Qostanay). The word lists
// are folded the same way when they are built, so a list entry and a typed word meet here.

const FOLD: Readonly<Record<string, string>> = {
  'ё': 'е', 'ә': 'а', 'ғ': 'г', 'қ': 'к', 'ң': 'н', 'ө': 'о', 'ұ': 'у', 'ү': 'у', 'һ': 'х', 'і': 'и',
  // Kazakh in its Latin alphabets (2018 and 2021) and common diacritics.
  'ä': 'a', 'á': 'a', 'à': 'a', 'â': 'a', 'ğ': 'g', 'ǵ': 'g', 'ı': 'i', 'í': 'i', 'ì': 'i', 'î': 'i', 'ñ': 'n', 'ń': 'n',
  'ö': 'o', 'ó': 'o', 'ò': 'o', 'ô': 'o', 'ş': 's', 'ś': 's', 'ū': 'u', 'ü': 'u', 'ú': 'u', 'ù': 'u', 'û': 'u',
  'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e', 'ý': 'y', 'ç': 'c', 'č': 'c', 'š': 's', 'ž': 'z', 'q': 'k',
};

const FOLDABLE = new RegExp(`[${Object.keys(FOLD).join('')}]`, 'u');

/** The lookup key of a word (see above). */
export function foldKey(word: string): string {
  return foldLower(word.toLowerCase());
}

/** The lookup key of a word already in lower case. */
function foldLower(lower: string): string {
  if (!FOLDABLE.test(lower)) return lower;
  let out = '';
  for (const c of lower) out += FOLD[c] ?? c;
  return out;
}
