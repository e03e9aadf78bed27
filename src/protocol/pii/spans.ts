// The kinds of personal data the detector finds, and the bookkeeping every finder shares.

/** What the detector finds; part of the API (moderators see each match's kind). */
export const PII_KINDS = ['phone', 'email', 'url', 'handle', 'iin', 'card', 'place', 'name', 'address'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** A finding in the normalised text, before it is mapped back to the original. */
export interface Found {
  kind: PiiKind;
  start: number;
  end: number;
}

/**
 * Adds the matches of `pattern` that `keep` accepts; `keep` returns how much of the match to keep.
 * A rejected match restarts the search one character later, so that a long invalid candidate
 * (a Luhn-invalid run) cannot hide a valid one that starts inside it.
 */
export function collect(
  out: Found[],
  kind: PiiKind,
  text: string,
  pattern: RegExp,
  keep: (match: string, index: number) => number | null = (m) => m.length,
): void {
  // `exec` moves lastIndex: it starts at 0 and is put back there, so the module's patterns stay
  // stateless between calls (no copy: a copy per call costs more than the scan of a short text).
  const re = pattern;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const length = keep(m[0], m.index);
    if (length !== null && length > 0) {
      out.push({ kind, start: m.index, end: m.index + length });
      re.lastIndex = m.index + length;
    } else {
      // Step over a whole code point: with the u flag a restart inside a surrogate pair could match the same place again.
      re.lastIndex = m.index + ((text.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
    }
  }
  re.lastIndex = 0;
}
