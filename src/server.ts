import { serve } from '@hono/node-server';
import { buildApp } from './app.js';
import { buildAssets } from './web/assets.js';
import { loadConfig } from './config.js';
import { databaseFile, openDatabase } from './db/connection.js';
import { createLogger } from './logger.js';
import { loadPepper } from './pepper.js';
import { loadSodium } from './protocol/sodium.js';
import { startPurgeSchedule } from './purge.js';
import { knowledgeBaseIsEmpty, seedDemoContent } from './knowledge/seed.js';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL });
const db = openDatabase(databaseFile(config.DATA_DIR));
const pepper = loadPepper({ dataDir: config.DATA_DIR, fromEnv: config.PEPPER });
const sodium = await loadSodium();
if (config.DEMO_CONTENT && knowledgeBaseIsEmpty(db)) {
  logger.info(seedDemoContent(db, Date.now()), 'loaded sample knowledge-base content (DEMO_CONTENT=false to skip)');
}
const assets = await buildAssets({
  orgPublicKey: config.ORG_PUBLIC_KEY ?? '',
  staffKdf: { m: config.STAFF_KDF_MIN_MEMORY_KIB, t: config.STAFF_KDF_MIN_PASSES, p: 1 },
});
if (!config.ORG_PUBLIC_KEY) logger.warn('ORG_PUBLIC_KEY is not set: the web app cannot verify staff keys, so consultations are off (see README)');
const app = buildApp({ config, db, pepper, logger, sodium, assets });
const stopPurge = startPurgeSchedule({ db, config, logger });

const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${info.port}/`;
  process.stdout.write(
    `Tynys is running at ${url}\n` +
      `Data: ${databaseFile(config.DATA_DIR)}\n` +
      `Create the first staff invite: npm run admin -- invite --role admin\n`,
  );
});

function shutdown(): void {
  stopPurge();
  server.close(() => {
    db.$client.close();
    process.exit(0);
  });
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
