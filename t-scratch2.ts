import { mkdtempSync, writeFileSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import { composeService } from './src/compose.js'; import { testConfig } from './src/config.js';
const s = await composeService(testConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'x-')) }));
const r = await s.app.request('/api/reference');
console.log(r.status, r.headers.get('content-type'), r.headers.get('cache-control'), r.headers.get('content-security-policy'));
const html = await r.text(); writeFileSync('/tmp/ref.html', html); console.log(html.length);
s.close();
