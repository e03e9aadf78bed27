import { describe, expect, it } from 'vitest';
import { highlight, snippet, type Matcher } from '../../src/knowledge/snippet.js';
import { editDistance, loosePrefix, normalize, stem, stemText, tokenize } from '../../src/knowledge/text.js';

describe('search text processing', () => {
  it('folds ё, case and compatibility forms', () => {
    expect(normalize('Партнёру ЁЛКА')).toBe('партнеру елка');
    expect(stem('партнёру')).toBe(stem('партнеру'));
  });

  it('gives one stem to the forms of a Russian or English word', () => {
    expect(new Set(['консультация', 'консультации', 'консультаций', 'консультацию'].map((w) => stem(w))).size).toBe(1);
    expect(stem('тревога')).toBe(stem('тревоги'));
    expect(stem('sleeping')).toBe(stem('sleep'));
    expect(stem('relationships')).toBe(stem('relationship'));
  });

  it('tokenizes Cyrillic, Kazakh and Latin with offsets into the original', () => {
    const text = 'Серіктесіме АИТВ туралы — how to tell?';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.word)).toEqual(['серіктесіме', 'аитв', 'туралы', 'how', 'to', 'tell']);
    for (const t of tokens) expect(normalize(text.slice(t.start, t.end))).toBe(t.word);
    expect(stemText('Тревоги и сон')).toBe(`${stem('тревоги')} и сон`);
  });

  it('derives a looser prefix only for long stems', () => {
    expect(loosePrefix(stem('anxious'))).toBe('anxi');
    expect(stem('anxiety').startsWith(loosePrefix(stem('anxious'))!)).toBe(true);
    expect(loosePrefix('сон')).toBeNull();
  });

  it('measures edits, transpositions included, up to a cap', () => {
    expect(editDistance('бессоница', 'бессонница', 2)).toBe(1);
    expect(editDistance('anixety', 'anxiety', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
    expect(editDistance('same', 'same', 1)).toBe(0);
  });
});

describe('snippets', () => {
  const matcher: Matcher = { stems: new Set([stem('тревога')]), prefixes: [], substrings: [] };

  it('marks every form of the query word and keeps the text intact', () => {
    const segments = highlight('Тревога и снова тревоги.', matcher, 'ru');
    expect(segments.filter((s) => s.mark).map((s) => s.text)).toEqual(['Тревога', 'тревоги']);
    expect(segments.map((s) => s.text).join('')).toBe('Тревога и снова тревоги.');
  });

  it('cuts a window around the hits, at word boundaries, with ellipses', () => {
    const text = `${'Длинное вступление без нужного слова. '.repeat(10)}Здесь говорится про тревогу ночью. ${'И ещё много текста после. '.repeat(10)}`;
    const segments = snippet(text, matcher, 'ru', { maxChars: 120 });
    const joined = segments.map((s) => s.text).join('');
    expect(joined.startsWith('… ')).toBe(true);
    expect(joined.endsWith(' …')).toBe(true);
    expect(joined.length).toBeLessThanOrEqual(130);
    expect(segments.filter((s) => s.mark).map((s) => s.text)).toEqual(['тревогу']);
    expect(text.includes(joined.slice(2, -2))).toBe(true);
  });

  it('falls back to the beginning without a hit, and marks substrings', () => {
    expect(snippet('Короткий текст.', matcher, 'ru')).toEqual([{ text: 'Короткий текст.', mark: false }]);
    const sub = highlight('Серіктесіме айттым', { stems: new Set(), prefixes: [], substrings: ['серіктес'] }, 'kk');
    expect(sub[0]).toEqual({ text: 'Серіктесіме', mark: true });
  });
});
