import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { composeService, type Service } from './compose.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { databaseFile } from './db/connection.js';
import { isStorageFailure, storageCodeOf } from './db/storage.js';
import { closeLogger } from './logger.js';
import { startPurgeSchedule } from './purge.js';
import { fromBase64Url } from './protocol/encoding.js';
import { startBanner, startState } from './start-banner.js';
import { demoBanner, DemoKeyRefused } from './staff/demo-organisation.js';

/** Stop is asked for: everything is finished and the process gone within this (systemd's default stop timeout is 90 s; ours is 5). */
const SHUTDOWN_DEADLINE_MS = 4_000;

// A setting given wrongly (an empty ORG_PUBLIC_KEY, a PORT that is not a number) is one line and
// exit 1, like the other start-up failures below, not a stack.
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`Tynys cannot start: ${err.message}\n`);
  process.exit(1);
}

// A data directory on a read-only or full disk is an operator's problem, not a bug: say so in
// one line (a stack would bury it) and exit non-zero, so that systemd reports a failed start.
let service: Service;
try {
  service = await composeService(config);
} catch (err) {
  if (err instanceof DemoKeyRefused) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  if (!isStorageFailure(err)) throw err;
  process.stderr.write(`Tynys cannot start: ${databaseFile(config.DATA_DIR)} cannot be written (${storageCodeOf(err)}); check that DATA_DIR is on a writable disk with free space, owned by this user.\n`);
  process.exit(1);
}
const { app, db, logger } = service;
if (!service.config.ORG_PUBLIC_KEY) logger.warn('ORG_PUBLIC_KEY is not set: the web app cannot verify staff keys, so consultations are off (see README)');
const stopPurge = startPurgeSchedule({ db, config, logger });

// A request (headers and body) must arrive within these: a client that trickles a body or never
// ends its headers would otherwise hold a connection and its buffer for Node's default 300 s
// (slowloris). Responses, live streams included, are not bounded by them.
const serverOptions = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 };

const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, serverOptions }, (info) => {
  const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${info.port}/`;
  // The key the service pins (service.config), which may differ from the environment's.
  const pinned = service.config.ORG_PUBLIC_KEY;
  const state = startState(db, service.sodium, pinned ? fromBase64Url(pinned) : null);
  process.stdout.write(startBanner({ url, dataFile: databaseFile(config.DATA_DIR) }, state, Date.now()));
  if (service.demo) process.stdout.write(demoBanner(service.demo, url));
}) as Server;

// A port taken (another Tynys, another service) or not ours to open is an operator's problem too:
// one line saying which and what to set, and a non-zero exit, not an unhandled 'error' stack.
const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: `port ${config.PORT} is in use; set PORT=… to a free one`,
  EACCES: `port ${config.PORT} needs privileges this user lacks; set PORT=… above 1023`,
  EADDRNOTAVAIL: `HOST=${config.HOST} is not an address of this machine; set HOST=…`,
};
server.on('error', (err: NodeJS.ErrnoException) => {
  const reason = LISTEN_FAILURES[err.code ?? ''];
  if (!reason) throw err;
  process.stderr.write(`Tynys cannot start: ${reason}\n`);
  stopPurge();
  service.close();
  process.exit(1);
});

/**
 * Graceful stop: no new connections; live-update streams are told to end (they would otherwise
 * hold the server open forever); requests in flight finish (every database write is one
 * synchronous transaction, so none is cut in half); keep-alive connections are closed as they
 * fall idle; past the deadline whatever is left is cut. Then the database is closed (its WAL
 * checkpointed) and the process exits 0.
 */
let stopping = false;
function shutdown(): void {
  if (stopping) return;
  stopping = true;
  stopPurge();
  let finished = false;
  const finish = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    clearTimeout(last);
    clearInterval(idleSweep);
    clearTimeout(cut);
    service.close();
    await closeLogger(logger, 500);
    process.exit(0);
  };
  server.close(() => void finish());
  service.endStreams();
  // A connection that finishes its last response after close() stays open as keep-alive: sweep.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
  const cut = setTimeout(() => {
    logger.warn('shutdown deadline reached: closing the connections still open');
    server.closeAllConnections();
  }, SHUTDOWN_DEADLINE_MS);
  // If a handle still holds the server open after the cut, exit anyway: the database is closed first.
  const last = setTimeout(() => void finish(), SHUTDOWN_DEADLINE_MS + 500);
  server.closeIdleConnections();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
