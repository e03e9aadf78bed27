import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCARD_CAP } from '../../src/http/body-limit.js';
import { startServer, type TestServer } from '../support/server.js';

// Raw HTTP/1.1 on one socket through a real listening server: after a 413 the same keep-alive
// connection must serve the next requests (hono's bodyLimit left the body unread and the
// adapter then destroyed the socket: "other side closed").

let s: TestServer;
let port: number;
beforeAll(async () => {
  s = await startServer();
  port = Number(new URL(s.url).port);
});
afterAll(async () => { await s.stop(); });

interface Conn {
  socket: Socket;
  /** Resolves with the status lines and Connection headers once `count` responses have arrived (or the socket closed). */
  responses: (count: number) => Promise<{ statuses: number[]; connection: string[]; closed: boolean }>;
}

function open(): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const waiters: (() => void)[] = [];
    const wake = () => { for (const w of waiters.splice(0)) w(); };
    socket.on('data', (d: Buffer) => { text += d.toString('latin1'); wake(); });
    socket.on('close', () => { closed = true; wake(); });
    socket.on('error', () => { closed = true; wake(); });
    const parse = () => ({
      // A response may follow the previous body on the same line: no line anchor.
      statuses: [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1])),
      connection: [...text.matchAll(/^connection: (.*)\r$/gim)].map((m) => m[1]!.toLowerCase()),
      closed,
    });
    const responses = (count: number) => new Promise<ReturnType<typeof parse>>((done) => {
      const check = () => {
        const now = parse();
        if (now.statuses.length >= count || closed) done(now);
        else waiters.push(check);
      };
      check();
    });
    socket.once('connect', () => resolve({ socket, responses }));
    socket.once('error', reject);
  });
}

const HEALTHZ = 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n';

describe('a refused body keeps the connection', () => {
  it('2 MB with Content-Length, then two small requests on the same socket', async () => {
    const c = await open();
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    c.socket.write(`POST /api/identities HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n`);
    c.socket.write(big);
    expect((await c.responses(1)).statuses).toEqual([413]);
    c.socket.write(HEALTHZ);
    expect((await c.responses(2)).statuses).toEqual([413, 200]);
    c.socket.write(HEALTHZ);
    const all = await c.responses(3);
    expect(all.statuses).toEqual([413, 200, 200]);
    expect(all.closed).toBe(false);
    c.socket.destroy();
  });

  it('an oversized chunked body, then a small request', async () => {
    const c = await open();
    c.socket.write('POST /api/identities HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.alloc(32 * 1024, 0x61);
    for (let i = 0; i < 8; i++) c.socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`);
    c.socket.write('0\r\n\r\n');
    c.socket.write(HEALTHZ);
    const all = await c.responses(2);
    expect(all.statuses).toEqual([413, 200]);
    expect(all.closed).toBe(false);
    c.socket.destroy();
  });

  it('a small body still reaches the route after the limit (chunked and sized)', async () => {
    const c = await open();
    const body = JSON.stringify({ purpose: 'identity' });
    c.socket.write(`POST /api/pow/challenges HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    c.socket.write(`POST /api/pow/challenges HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect((await c.responses(2)).statuses).toEqual([201, 201]);
    c.socket.destroy();
  });

  it('past the discard cap the 413 says Connection: close and the socket closes', async () => {
    const c = await open();
    c.socket.write(`POST /api/identities HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${DISCARD_CAP + 1}\r\n\r\n`);
    c.socket.write(Buffer.alloc(64 * 1024));
    const first = await c.responses(1);
    expect(first.statuses).toEqual([413]);
    expect(first.connection).toEqual(['close']);
    await new Promise<void>((resolve) => { if (c.socket.closed) resolve(); else c.socket.once('close', () => resolve()); });
  });
});
