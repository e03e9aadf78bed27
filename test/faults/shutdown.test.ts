import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AskerClient } from '../../src/client/index.js';
import { addStaff, childEnv, spawnServer } from './child.js';

// SIGTERM, as systemd sends it on stop or restart: the real server as a child process, with a
// live-update stream open and a request half-sent. Before, one open stream kept it running forever.

const dir = mkdtempSync(join(tmpdir(), 'tynys-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGTERM', () => {
  it('finishes the request in flight, ends live streams and exits 0 within 5 s', async () => {
    const server = await spawnServer(await childEnv(dir)).ready;
    try {
      const { options } = await addStaff(server.url, dir, ['psychologist'], ['ru'], 'aigerim');
      const { client: asker } = await AskerClient.create(options);
      const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'routine' });
      await asker.send(threadId, 'first');

      // A live stream, read until the server ends it.
      const stream = await fetch(`${server.url}/api/threads/${threadId}/events`, { headers: { authorization: `Bearer ${asker.token}`, accept: 'text/event-stream' } });
      expect(stream.status).toBe(200);
      const reader = stream.body!.getReader();
      let received = '';
      const first = await reader.read();
      received += new TextDecoder().decode(first.value);
      expect(received).toContain('event: item');
      const streamEnded = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return 'ended';
          received += new TextDecoder().decode(value);
        }
      })();

      // A request in flight: headers and half the body sent before SIGTERM, the rest after.
      const body = JSON.stringify({ purpose: 'identity' });
      const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${server.url}/api/pow/challenges`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => { text += String(c); });
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        });
        req.on('error', reject);
        req.write(body.slice(0, 5));
        setTimeout(() => req.end(body.slice(5)), 500);
      });
      await new Promise((r) => setTimeout(r, 100));

      const signalled = Date.now();
      server.process.kill('SIGTERM');
      const answered = await inFlight;
      expect(answered.status).toBe(201);
      expect(JSON.parse(answered.body)).toMatchObject({ challenge: expect.any(String) });
      await expect(streamEnded).resolves.toBe('ended');
      const exit = await server.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(5000);
      expect(server.output()).not.toMatch(/Error|deadline/);
    } finally {
      if (server.process.exitCode === null) server.process.kill('SIGKILL');
    }
  }, 60_000);
});
