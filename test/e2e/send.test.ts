import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient, type StaffClient } from '../../src/client/index.js';
import { startServer, type TestServer } from '../support/server.js';

// Sending a message: one request, numbered after the last sequence the client knows; a
// conflict with another sender re-reads the thread and signs again. The server stores
// concurrent posts (written together, one commit per turn of its event loop) gap-free and in order.

let s: TestServer;
let psy: StaffClient;

beforeAll(async () => {
  s = await startServer();
  psy = await s.addStaff(['psychologist'], ['ru'], 'send-psy');
});
afterAll(async () => { await s.stop(); });

function counting(): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = [];
  return {
    requests,
    fetch: (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    },
  };
}

describe('sending a message', () => {
  it('is one request, from the first message of a new thread on', async () => {
    const net = counting();
    const { client: asker } = await AskerClient.create({ ...s.clientOptions, fetch: net.fetch });
    const threadId = await asker.openConsultation({ topic: 'sleep', language: 'ru', urgency: 'routine' });
    for (const text of ['один', 'два', 'три']) {
      net.requests.length = 0;
      await asker.send(threadId, text);
      expect(net.requests).toEqual([`POST /api/threads/${threadId}/messages`]);
    }
    await psy.claim(threadId);
    expect((await psy.read(threadId)).map((m) => [m.seq, m.text])).toEqual([[1, 'один'], [2, 'два'], [3, 'три']]);
  });

  it('re-reads the thread only after another participant took the number', async () => {
    const net = counting();
    const { client: asker } = await AskerClient.create({ ...s.clientOptions, fetch: net.fetch });
    const threadId = await asker.openConsultation({ topic: 'sleep', language: 'ru', urgency: 'routine' });
    await asker.send(threadId, 'первое');
    await psy.claim(threadId);
    await psy.send(threadId, 'ответ');
    net.requests.length = 0;
    expect(await asker.send(threadId, 'после ответа')).toBe(4);
    expect(net.requests).toEqual([
      `POST /api/threads/${threadId}/messages`, // seq 2: taken by the claim, 409 sequence_conflict
      `GET /api/threads/${threadId}/items`, // the new items, verified
      `POST /api/threads/${threadId}/messages`,
    ]);
  });

  it('from two senders at once, each sending many at once, stores every message gap-free and in each sender\'s order', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon' });
    await psy.claim(threadId);
    const mine = Array.from({ length: 15 }, (_, i) => `asker ${i}`);
    const theirs = Array.from({ length: 15 }, (_, i) => `psy ${i}`);
    const seqs = await Promise.all([...mine.map((t) => asker.send(threadId, t)), ...theirs.map((t) => psy.send(threadId, t))]);
    expect(new Set(seqs).size).toBe(30);

    const stored = await asker.read(threadId);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2)); // item 1 is the claim
    expect(stored.filter((m) => m.senderId === asker.id).map((m) => m.text)).toEqual(mine);
    expect(stored.filter((m) => m.senderId === psy.id).map((m) => m.text)).toEqual(theirs);
    // Each send answered with the number its message was stored under.
    expect(seqs.slice(0, 15)).toEqual(stored.filter((m) => m.senderId === asker.id).map((m) => m.seq));
  });
});
