import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AskerClient, type ClientOptions } from '../../src/client/index.js';
import { databaseFile } from '../../src/db/connection.js';
import { addStaff, childEnv, spawnServer, type ServerChild } from './child.js';

// What a crash costs: the real server as a child process, killed with SIGKILL (no shutdown code
// runs) again and again while several askers post messages through the SDK, and restarted on
// the same DATA_DIR each time. A message the server acknowledged (201) was committed with
// synchronous=FULL before the answer left, so every one must be there afterwards, in order,
// and verify in the SDK (signatures, associated data, gap-free sequence).

const KILLS = 20;
const WRITERS = 6;
const dir = mkdtempSync(join(tmpdir(), 'tynys-durability-'));
let server: ServerChild | null = null;
afterAll(() => {
  if (server?.process.exitCode === null) server.process.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('durability', () => {
  it(`loses no acknowledged message over ${KILLS} SIGKILLs under ${WRITERS} concurrent writers`, async () => {
    const env = await childEnv(dir);
    server = await spawnServer(env).ready;
    // The SDK keeps one base URL; each restart listens on a new port, so requests are re-pointed.
    let current = server.url;
    const { options: staffOptions } = await addStaff(current, dir, ['psychologist'], ['ru'], 'aigerim');
    const options: ClientOptions = {
      baseUrl: 'http://tynys.invalid',
      orgPublicKey: staffOptions.orgPublicKey,
      fetch: (input, init) => fetch(String(input instanceof Request ? input.url : input).replace('http://tynys.invalid', current), init),
    };
    const writers = await Promise.all(Array.from({ length: WRITERS }, async () => {
      const { client } = await AskerClient.create(options);
      const threadId = await client.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'routine' });
      return { client, threadId, acked: new Map<number, string>(), sent: 0 };
    }));

    let stop = false;
    const writing = writers.map(async (w, i) => {
      while (!stop) {
        const text = `writer ${i} message ${w.sent++}`;
        try {
          w.acked.set(await w.client.send(w.threadId, text), text);
        } catch {
          await sleep(25); // the server is down or was killed mid-request: unknown whether it landed
        }
      }
    });

    for (let kill = 0; kill < KILLS; kill++) {
      const before = writers.reduce((n, w) => n + w.acked.size, 0);
      // Let writes flow, and kill only while some are in flight.
      const started = Date.now();
      while (writers.reduce((n, w) => n + w.acked.size, 0) < before + WRITERS && Date.now() - started < 5000) await sleep(10);
      await sleep(50 + Math.random() * 200);
      server.process.kill('SIGKILL');
      expect((await server.exited).signal).toBe('SIGKILL');
      server = await spawnServer(env).ready;
      current = server.url;
    }
    stop = true;
    await Promise.all(writing);

    // One more kill with nobody writing, then the file as the crash left it: SQLite's own check.
    server.process.kill('SIGKILL');
    await server.exited;
    const raw = new Database(databaseFile(dir));
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();

    server = await spawnServer(env).ready;
    current = server.url;
    let total = 0;
    for (const w of writers) {
      const messages = await w.client.read(w.threadId); // verifies every signature and the sequence
      const bySeq = new Map(messages.map((m) => [m.seq, m.text]));
      for (const [seq, text] of w.acked) expect([seq, bySeq.get(seq)]).toEqual([seq, text]);
      // In the order written: each writer's counter only grows along the sequence.
      const counters = messages.map((m) => Number(m.text.split(' ').pop()));
      expect(counters).toEqual([...counters].sort((a, b) => a - b));
      total += w.acked.size;
    }
    expect(total).toBeGreaterThan(KILLS * WRITERS);
    console.log(`durability: ${KILLS} SIGKILLs, ${total} acknowledged messages, 0 lost`);
    server.process.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 180_000);
});
