import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// WCAG AA contrast (4.5:1 for text) for every text and background pair the stylesheet uses,
// computed from its own colour variables: a colour change that breaks AA fails here.

const css = readFileSync('src/web/static/site.css', 'utf8');
const vars = Object.fromEntries([...css.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!]));

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

describe('colour contrast', () => {
  const pairs: [string, string, string][] = [
    ['ink', 'paper', 'body text'], ['ink', 'card', 'text on cards'], ['muted', 'paper', 'small print'], ['muted', 'card', 'hints on cards'],
    ['accent', 'paper', 'links'], ['accent', 'card', 'links on cards, secondary buttons'], ['accent-ink', 'accent', 'buttons'],
    ['ink', 'mark', 'marked matches'],
  ];
  it.each(pairs)('%s on %s (%s) is at least 4.5:1', (fg, bg) => {
    expect(vars[fg], fg).toBeDefined();
    expect(vars[bg], bg).toBeDefined();
    expect(contrast(vars[fg]!, vars[bg]!)).toBeGreaterThanOrEqual(4.5);
  });
  it('white on the quick-exit red is at least 4.5:1', () => {
    expect(contrast('#ffffff', vars.exit!)).toBeGreaterThanOrEqual(4.5);
  });
});
