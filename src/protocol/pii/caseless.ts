// Keyword patterns that ignore case while the rest of the pattern does not. The `i` flag cannot
// be used for that: with it, \p{Lu} matches lower-case letters too, and "a capitalised street
// name after the street word" is what tells "ул. Абая" from "на улице было холодно".

/** `source` with every letter outside escapes matching either case ("ул" → "[уУ][лЛ]"). */
export function caseless(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      // Copy an escape whole: \p{…}, \u{…}, or a backslash and one character.
      const braced = /^\\[pPu]\{[^}]*\}/u.exec(source.slice(i));
      const escape = braced ? braced[0] : source.slice(i, i + 2);
      out += escape;
      i += escape.length - 1;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    if (lower === upper || upper.length !== 1) out += c;
    else out += inClass ? lower + upper : `[${lower}${upper}]`;
  }
  return out;
}
