import { jsx } from 'hono/jsx';
import { describe, expect, it } from 'vitest';
import { buildAssets } from '../../src/web/assets.js';
import { LANGS } from '../../src/web/i18n/index.js';
import { Frame, Page, type PageProps } from '../../src/web/layout.js';

// Page renders the frame once per language and fills in the path and the content per request:
// what it returns must be exactly what rendering the frame in full returns.

describe('the page frame', () => {
  it('renders byte for byte what a full render does, whatever the path and content', async () => {
    const assets = await buildAssets({ orgPublicKey: '', staffKdf: { m: 8, t: 1, p: 1 } });
    const paths = ['/', '/browse?topic=sleep&page=2', '/search?q=%22a%22', '/search?q="><script>alert(1)</script>&x=\'y\'', '/search?q=тревога'];
    const contents = [jsx('h1', {}, 'Заголовок & <тест>'), jsx('p', { title: '"q"' }, 'x', jsx('b', {}, 'y')), 'plain <text>', null];
    for (const lang of LANGS) {
      for (const [script, demo] of [[undefined, false], ['asker.js', false], ['staff.js', false], [undefined, true], ['asker.js', true], ['staff.js', true]] as const) {
        for (const path of paths) {
          for (const content of contents) {
            const props = { lang, path, assets, demo, ...(script ? { script } : {}) } as Omit<PageProps, 'children'>;
            const cached = String(jsx(Page, props, content));
            expect(cached).toBe(String(jsx(Frame, props, content)));
            expect(cached).not.toContain('\u0000');
          }
        }
      }
    }
  });
});
