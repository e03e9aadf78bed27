import type { DestinationStream } from 'pino';
import { buildApp, type App } from './app.js';
import type { Config } from './config.js';
import { databaseFile, openDatabase, type Db } from './db/connection.js';
import { knowledgeBaseIsEmpty, seedDemoContent } from './knowledge/seed.js';
import { createLogger, type Logger } from './logger.js';
import { loadPepper, type Pepper } from './pepper.js';
import { closeLog } from './db/wal-sync.js';
import { startSignaturePool } from './threads/signature-pool.js';
import { loadSodium, type Sodium } from './protocol/sodium.js';
import { toBase64Url } from './protocol/encoding.js';
import { ThreadEvents } from './threads/events.js';
import { buildAssets, type Assets } from './web/assets.js';
import { pinDemoKey, prepareDemoOrganisation, type DemoOrganisation } from './staff/demo-organisation.js';
import { ImpactCounter } from './impact/counter.js';
import { addCounts } from './impact/store.js';
import { errorForLog } from './logger.js';

// The one composition of the service: `npm start`, the production build and every test open
// the database, the pepper, libsodium and the browser files the same way and build the same
// app from them, so that what the tests see is what is served.

export interface Service {
  app: App;
  config: Config;
  db: Db;
  pepper: Pepper;
  sodium: Sodium;
  assets: Assets;
  logger: Logger;
  /** The demo organisation when it is what is pinned (DEMO_CONTENT=true, no ORG_PUBLIC_KEY): its accounts, for the start banner. */
  demo: DemoOrganisation | null;
  /** The impact report's counts held in memory (written hourly by a timer, and at close). */
  impact: ImpactCounter;
  /** Ends every open live-update stream (shutdown: they would otherwise hold the server open). */
  endStreams: () => void;
  /** Closes the database (the caller stops listening first). */
  close: () => void;
}

export interface ComposeOptions {
  /** Where log lines go (stdout unless given): tests capture them. */
  logDestination?: DestinationStream;
  /** The clock the app reads (Date.now unless given): tests move it. */
  clock?: () => number;
}

// esbuild takes about a second; the files depend only on these inputs, so one process builds
// each variant once (tests start many apps with the same pinned key).
const builtAssets = new Map<string, Promise<Assets>>();

function assetsFor(config: Config): Promise<Assets> {
  const options = {
    orgPublicKey: config.ORG_PUBLIC_KEY ?? '',
    staffKdf: { m: config.STAFF_KDF_MIN_MEMORY_KIB, t: config.STAFF_KDF_MIN_PASSES, p: 1 },
  };
  const key = JSON.stringify(options);
  let built = builtAssets.get(key);
  if (!built) {
    built = buildAssets(options);
    builtAssets.set(key, built);
    built.catch(() => builtAssets.delete(key));
  }
  return built;
}

/** Opens everything the service runs on in `config.DATA_DIR` and builds the app over it. */
export async function composeService(configured: Config, options: ComposeOptions = {}): Promise<Service> {
  let config = configured;
  const logger = createLogger({ level: config.LOG_LEVEL, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const clock = options.clock ?? Date.now;
  const db = openDatabase(databaseFile(config.DATA_DIR));
  try {
    const pepper = loadPepper({ dataDir: config.DATA_DIR, fromEnv: config.PEPPER });
    const sodium = await loadSodium();
    if (config.DEMO_CONTENT && knowledgeBaseIsEmpty(db)) {
      logger.info(seedDemoContent(db, clock()), 'loaded sample knowledge-base content (DEMO_CONTENT=false to skip)');
    }
    // The demo organisation key, when it is the one pinned, is pinned everywhere the configured
    // key would be (the server's checks, the browser files); the demo accounts' Argon2id runs
    // while esbuild builds those files in its own process.
    const demoKey = pinDemoKey(config, sodium, logger);
    if (demoKey) config = { ...config, ORG_PUBLIC_KEY: toBase64Url(demoKey.publicKey) };
    const building = assetsFor(config);
    building.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    const demo = demoKey ? await prepareDemoOrganisation({ config, db, pepper, sodium, logger, now: clock() }, demoKey) : null;
    const assets = await building;
    const events = new ThreadEvents();
    const signatures = startSignaturePool(sodium);
    // The impact report's counts reach the database once an hour, by this timer, never by an act
    // (impact/counter.ts); shutdown writes the hour under way.
    const impact = new ImpactCounter({
      write: (rows) => addCounts(db, rows), clock,
      onError: (err) => logger.warn({ err: errorForLog(err) }, 'impact counts not written; kept in memory for the next hour'),
    });
    const flushTimer = setInterval(() => impact.flushIfDue(), 60_000);
    flushTimer.unref();
    const app = buildApp({ config, db, pepper, logger, sodium, signatures, assets, clock, events, demo: demo !== null, impact });
    const close = (): void => {
      clearInterval(flushTimer);
      impact.close();
      void signatures.close();
      closeLog(db);
      db.$client.close();
    };
    return { app, config, db, pepper, sodium, assets, logger, demo, impact, endStreams: () => events.close(), close };
  } catch (err) {
    db.$client.close();
    throw err;
  }
}
