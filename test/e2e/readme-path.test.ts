import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient, StaffClient } from '../../src/client/index.js';
import { fromBase64Url } from '../../src/protocol/encoding.js';
import { spawnServer, type ServerChild } from '../support/child-server.js';

// The README's first lines, followed as a newcomer would: `npm start` on an empty data directory
// with nothing configured, the URL and the demo logins read from what it prints, a question asked
// as an asker in English, the English demo psychologist logs in with the printed passphrase
// (Argon2id at the production cost, as the staff console does), takes it and replies, and the
// asker reads the reply. The SDK is what the browser apps run; its pinned key is read from the
// browser bundle the page names, as a browser gets it.

let server: ServerChild;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'tynys-readme-'));

beforeAll(async () => {
  // Nothing a newcomer would not have set: no key, no demo switch, the production KDF cost.
  const { ORG_PUBLIC_KEY: _k, DEMO_CONTENT: _d, STAFF_KDF_MIN_MEMORY_KIB: _m, STAFF_KDF_MIN_PASSES: _t, PEPPER: _p, ...env } = process.env;
  server = await spawnServer({ ...env, PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'warn' }, { command: ['npm', 'start'], detached: true }).ready;
  url = server.url;
}, 90_000);

afterAll(async () => {
  if (server && server.process.exitCode === null) {
    process.kill(-server.process.pid!, 'SIGTERM');
    await server.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Waits for the start's printed demo logins (they follow the URL line). */
async function printedLogin(language: string): Promise<{ login: string; passphrase: string; staffUrl: string }> {
  const line = new RegExp(`^\\s+(demo-${language})\\s+passphrase (\\S+)\\s+psychologist \\(${language}\\)\\s+(http\\S+)$`, 'm');
  for (let i = 0; i < 100 && !line.test(server.output()); i++) await new Promise((r) => setTimeout(r, 50));
  const m = server.output().match(line);
  if (!m) throw new Error(`no demo login for ${language} in:\n${server.output()}`);
  return { login: m[1]!, passphrase: m[2]!, staffUrl: m[3]! };
}

describe('the README path: npm start, ask, answer as the printed demo psychologist, read the reply', () => {
  it('leads from an empty data directory to an answered consultation', async () => {
    const en = await printedLogin('en');
    expect(en.staffUrl).toBe(`${url}/en/staff`);

    // 1. Ask: the asker's page, with the demo banner; its bundle pins the demo organisation key.
    const page = await (await fetch(`${url}/en/app`)).text();
    expect(page).toContain('class="demo-banner"');
    // The app is preloaded and run by the first screen's script (web/app-scripts.tsx).
    const bundlePath = page.match(/<link rel="preload" as="script" id="asker-app" href="(\/static\/asker\.[0-9a-f]{12}\.js)"/)![1]!;
    const bundle = await (await fetch(`${url}${bundlePath}`)).text();
    const demoKey = (JSON.parse(readFileSync(join(dir, 'demo-organisation-key.json'), 'utf8')) as { publicKey: string }).publicKey;
    expect(bundle).toContain(demoKey);
    const options = { baseUrl: url, orgPublicKey: fromBase64Url(demoKey)! };

    const { client: asker } = await AskerClient.create(options);
    const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'en', urgency: 'soon' });
    await asker.send(threadId, 'Hello, I have been anxious since my diagnosis.');

    // 2. Answer: the staff console printed for English, the printed login and passphrase.
    expect(await (await fetch(en.staffUrl)).text()).toContain('class="demo-banner"');
    const psychologist = await StaffClient.login(options, en.login, en.passphrase);
    expect((await psychologist.queue()).map((t) => t.id)).toContain(threadId);
    await psychologist.claim(threadId);
    expect((await psychologist.read(threadId)).map((m) => m.text)).toEqual(['Hello, I have been anxious since my diagnosis.']);
    await psychologist.send(threadId, 'I hear you. What worries you most right now?');

    // 3. Read the reply.
    const seen = await asker.read(threadId);
    expect(seen.map((m) => [m.mine, m.text])).toEqual([
      [true, 'Hello, I have been anxious since my diagnosis.'],
      [false, 'I hear you. What worries you most right now?'],
    ]);
    expect(seen[1]!.senderId).toBe(psychologist.id);
  }, 60_000);
});
