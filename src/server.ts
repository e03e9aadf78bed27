import { serve } from '@hono/node-server';
import { composeService } from './compose.js';
import { loadConfig } from './config.js';
import { databaseFile } from './db/connection.js';
import { startPurgeSchedule } from './purge.js';

const config = loadConfig();
const service = await composeService(config);
const { app, db, logger } = service;
if (!config.ORG_PUBLIC_KEY) logger.warn('ORG_PUBLIC_KEY is not set: the web app cannot verify staff keys, so consultations are off (see README)');
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
    service.close();
    process.exit(0);
  });
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
