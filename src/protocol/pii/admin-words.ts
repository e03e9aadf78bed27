// Words an administrator adds to the detector (a local clinic, a town the lists lack), matched as
// place names: case-insensitive, whole words, with endings.

/**
 * One alternative per word. Russian and Kazakh inflect by endings (Доверие → Доверии,
 * Доверием), so a Cyrillic word takes up to four more letters; a final а/я/й of a word of six
 * letters or more gives way to the ending (Клиника → Клинике). Short words keep theirs: "Семе…"
 * would match "семена". Latin words take only a plural s. Hyphens and spaces inside an entry
 * match either or none ("СПИД центр"). An entry ending in № takes the number after it.
 */
function alternative(entry: string): string | null {
  const tokens = entry.trim().match(/\p{L}+|[\s-]+|./gsu) ?? [];
  if (!tokens.some((t) => /[\p{L}\p{N}]/u.test(t))) return null; // an entry of punctuation would mark punctuation everywhere
  const parts = tokens.map((t) => {
    if (/^\p{Script=Cyrillic}+$/u.test(t)) {
      if (t.length >= 6 && /[аяй]$/iu.test(t)) return String.raw`${t.slice(0, -1)}\p{Script=Cyrillic}{1,5}`;
      return String.raw`${t}\p{Script=Cyrillic}{0,4}`;
    }
    if (/^\p{Script=Latin}+$/u.test(t)) return `${t}s?`;
    if (/^[\s-]+$/u.test(t)) return String.raw`[\s-]{0,3}`;
    return t.replace(/[.*+?^${}()|[\]\\/]/g, String.raw`\$&`);
  });
  if (tokens.at(-1) === '№') parts.push(String.raw`(?:\s?\d+)?`);
  return parts.join('');
}

// The last few word lists seen, compiled: the server passes the same list on every call.
const compiled = new Map<string, RegExp | null>();

/** The pattern matching any of `words` (null when none is usable). */
export function adminWordsPattern(words: readonly string[]): RegExp | null {
  // Entries are matched on the normalised text, so they are normalised the same way.
  const normalised = words.map((w) => w.normalize('NFKC').replace(/[\u2010-\u2015\u2212]/gu, '-'));
  const key = normalised.join('\u0000');
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  // Longest first, so "Клиника Доверие" is tried before an admin's "Клиника".
  const alternatives = [...new Set(normalised)].sort((a, b) => b.length - a.length).map(alternative).filter((a): a is string => a !== null);
  const pattern = alternatives.length === 0 ? null : new RegExp(String.raw`(?<![\p{L}\p{N}_])(?:${alternatives.join('|')})(?![\p{L}\p{N}_])`, 'giu');
  if (compiled.size >= 8) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, pattern);
  return pattern;
}
