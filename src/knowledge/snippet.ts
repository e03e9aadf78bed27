import type { Language } from '../protocol/api/common.js';
import { stem, tokenize, type Token } from './text.js';

// Snippets are cut from the original text in TypeScript rather than by FTS5's snippet(): the
// indexes are contentless and hold stems, and a stem is not what a reader should see. The
// result is a list of segments, so a page marks matches without ever parsing HTML from here.

export interface SnippetSegment {
  text: string;
  mark: boolean;
}

/** What counts as a hit in a text: stems (in the text's language's stemmer), prefixes of stems, and substrings. */
export interface Matcher {
  stems: ReadonlySet<string>;
  prefixes: readonly string[];
  substrings: readonly string[];
}

/**
 * A hit test for one text. Stemming every word of a long answer is the costly part of a search
 * request, so a word is stemmed only when it could match: a Snowball stem keeps at least the
 * first three letters of its word (English may change later ones: anxiety → anxieti).
 */
function hitTest(matcher: Matcher, language: Language): (token: Token) => boolean {
  const all = [...matcher.stems, ...matcher.prefixes];
  const heads = new Set(all.map((s) => s.slice(0, 3)));
  const short = all.filter((s) => s.length < 3);
  return (token) => {
    if (matcher.substrings.some((sub) => token.word.includes(sub))) return true;
    if (!heads.has(token.word.slice(0, 3)) && !short.some((h) => token.word.startsWith(h))) return false;
    const s = stem(token.word, language);
    return matcher.stems.has(s) || matcher.prefixes.some((p) => s.startsWith(p) || token.word.startsWith(p));
  };
}

function segmentsOf(text: string, from: number, to: number, hits: readonly Token[]): SnippetSegment[] {
  const out: SnippetSegment[] = [];
  let at = from;
  for (const h of hits) {
    if (h.end <= from || h.start >= to) continue;
    if (h.start > at) out.push({ text: text.slice(at, h.start), mark: false });
    out.push({ text: text.slice(h.start, h.end), mark: true });
    at = h.end;
  }
  if (at < to) out.push({ text: text.slice(at, to), mark: false });
  return out;
}

/** The whole text, in `language`, with hits marked (titles). */
export function highlight(text: string, matcher: Matcher, language: Language): SnippetSegment[] {
  return segmentsOf(text, 0, text.length, tokenize(text).filter(hitTest(matcher, language)));
}

/**
 * About `maxChars` of `text` around its densest run of hits, cut at word boundaries, with an
 * ellipsis where the text goes on. Without a hit, the beginning of the text.
 */
export function snippet(text: string, matcher: Matcher, language: Language, options: { maxChars?: number } = {}): SnippetSegment[] {
  const maxChars = options.maxChars ?? 200;
  const tokens = tokenize(text);
  const hits = tokens.filter(hitTest(matcher, language));
  let best = { start: 0, count: 0 };
  for (let i = 0, j = 0; i < hits.length; i++) {
    while (hits[j]!.start < hits[i]!.end - maxChars) j++;
    if (i - j + 1 > best.count) best = { start: hits[j]!.start, count: i - j + 1 };
  }
  // Some context before the first hit, snapped to the start of a word.
  const lead = Math.floor(maxChars / 4);
  const wantedStart = Math.max(0, best.start - lead);
  const startToken = tokens.find((t) => t.start >= wantedStart);
  const from = best.count === 0 || !startToken || wantedStart === 0 ? 0 : startToken.start;
  const endToken = [...tokens].reverse().find((t) => t.end <= from + maxChars);
  const to = from + maxChars >= text.length || !endToken ? Math.min(text.length, from + maxChars) : endToken.end;
  const segments = segmentsOf(text, from, to, hits);
  if (from > 0) segments.unshift({ text: '… ', mark: false });
  if (to < text.length) segments.push({ text: ' …', mark: false });
  return segments;
}
