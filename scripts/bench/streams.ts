import { Agent, request, type IncomingMessage } from 'node:http';
import type { Poster } from './fixture.js';

// Live delivery: many Server-Sent-Event streams held open on a few threads, then one message
// posted to each thread; the latency is from just before the post is sent to the moment each
// stream has the message's event.

export interface StreamsResult {
  streams: number;
  delivered: number;
  p50: number;
  p99: number;
  max: number;
  openMs: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export async function liveStreams(baseUrl: string, threads: Poster[], count: number): Promise<StreamsResult> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const url = new URL(baseUrl);
  const postedAt = new Map<string, number>();
  const latencies: number[] = [];
  const responses: IncomingMessage[] = [];
  let resolveAll: () => void = () => {};
  const allDelivered = new Promise<void>((resolve) => { resolveAll = resolve; });

  const started = performance.now();
  await Promise.all(Array.from({ length: count }, (_, i) => new Promise<void>((resolve, reject) => {
    const thread = threads[i % threads.length]!;
    const req = request({
      agent, host: url.hostname, port: url.port, method: 'GET', path: `/api/threads/${thread.threadId}/events`,
      headers: { authorization: `Bearer ${thread.token}`, accept: 'text/event-stream', 'last-event-id': '0' },
    }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream ${i}: HTTP ${res.statusCode}`));
        return;
      }
      responses.push(res);
      let buffered = '';
      let done = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        if (!done && buffered.includes('event: item')) {
          done = true;
          latencies.push(performance.now() - postedAt.get(thread.threadId)!);
          if (latencies.length === count) resolveAll();
        }
      });
      resolve();
    });
    req.on('error', reject);
    req.end();
  })));
  const openMs = performance.now() - started;
  // The route subscribes as its stream starts; give the last ones a moment past their headers.
  await new Promise((r) => setTimeout(r, 1000));

  const posting = new Agent({ keepAlive: true, maxSockets: Infinity });
  await Promise.all(threads.map((thread) => new Promise<void>((resolve, reject) => {
    const req = request({
      agent: posting, host: url.hostname, port: url.port, method: 'POST', path: `/api/threads/${thread.threadId}/messages`,
      headers: { authorization: `Bearer ${thread.token}`, 'content-type': 'application/json' },
    }, (res) => {
      res.resume();
      if (res.statusCode === 201) resolve();
      else reject(new Error(`post to a streamed thread: HTTP ${res.statusCode}`));
    });
    req.on('error', reject);
    postedAt.set(thread.threadId, performance.now());
    req.end(thread.bodies[0]!);
  })));
  posting.destroy();
  await Promise.race([allDelivered, new Promise((r) => setTimeout(r, 10_000))]);
  for (const res of responses) res.destroy();
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  return { streams: count, delivered: latencies.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN, openMs };
}
