import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import { composeService } from './src/compose.js'; import { testConfig } from './src/config.js';
const s = await composeService(testConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'x-')) }));
for (const [m, p, h] of [['POST','/ru/'],['HEAD','/ru/'],['PUT','/api/threads'],['GET','/api/pow/challenges'],['HEAD','/api/pow/challenges'],['POST','/api/nothing'],['POST','/healthz'],['HEAD','/api/kb/tags'],['DELETE','/api/threads/t_AAAAAAAAAAAAAAAAAAAAAA'],['POST','/api/threads', {'content-type':'text/plain'}],['POST','/api/pow/challenges', {'content-type':'text/plain'}],['POST','/foo'],['POST','/static/x.css'], ['PATCH', '/api/openapi.json']] as const) {
  const r = await s.app.request(p, { method: m, headers: h ?? {}, body: m === 'POST' ? 'x' : undefined });
  console.log(m, p, r.status, r.headers.get('allow'), r.headers.get('cache-control'), (await r.text()).slice(0, 90));
}
s.close();
