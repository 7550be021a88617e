import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import path from 'node:path';
import { Database } from '@parley/persistence';
import { ConfigError, createLogger, loadConfig, startEmbeddedDb, type AppConfig, type EmbeddedDb, type Logger } from '@parley/platform';
import { ParleyIoAdapter } from '@parley/realtime';

import { AppModule } from './app.module';
import { NestPinoLogger } from './http/nest-logger';
import { mountWebApps } from './http/static-files';
import { SeedService } from './seed/seed.service';

export async function startHub(config: AppConfig, log: Logger) {
  let embedded: EmbeddedDb | null = null;
  let uri = config.mongoUri;
  if (!uri) {
    embedded = await startEmbeddedDb({ dataDir: config.dataDir, binary: config.embeddedDbBin ?? undefined });
    uri = embedded.uri;
  }
  const db = await Database.connect(uri);
  log.info({ server: db.server, version: db.serverVersion, embedded: !!embedded }, `database: ${db.server === 'ferretdb' ? 'FerretDB (embedded)' : 'MongoDB'} ${db.serverVersion}`);

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, db, logger: log }), { bodyParser: false, logger: new NestPinoLogger(log) });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  // One structured line per request: path without the query string (it may carry tokens), status, duration.
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    const t0 = process.hrtime.bigint();
    res.on('finish', () => log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }, 'request'));
    next();
  });
  app.use(express.json({ limit: config.bodyLimit }));
  app.use(express.urlencoded({ extended: false, limit: config.bodyLimit }));
  const doc = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('Parley API').setVersion('1').addBearerAuth().build());
  const http = app.getHttpAdapter().getInstance();
  http.get('/api/v1/openapi.json', (_req, res) => { res.json(doc); });
  mountWebApps(http, path.resolve(__dirname, '../../..'));
  app.enableShutdownHooks();
  const io = new ParleyIoAdapter(app, { redisUrl: config.redisUrl, keyPrefix: config.redisPrefix, log });
  await io.connect();
  app.useWebSocketAdapter(io);
  await app.init();
  await app.get(SeedService).run();
  await app.listen(config.port, config.host);
  const close = async () => {
    await app.close();
    await db.close().catch(() => undefined);
    await embedded?.stop();
  };
  return { app, db, close };
}

async function main() {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) { process.stderr.write(`${e.message}\n`); process.exit(1); }
    throw e;
  }
  const log = createLogger(config.logLevel);
  try {
    const hub = await startHub(config, log);
    const addr = hub.app.getHttpServer().address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    log.info({ port, publicUrl: config.publicUrl }, `Parley listening on http://localhost:${port}`);
    let closing = false;
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.on(sig, () => {
        if (closing) return;
        closing = true;
        hub.close().then(() => process.exit(0), () => process.exit(1));
      });
    }
  } catch (e) {
    log.fatal({ err: e }, `Parley could not start: ${(e as Error).message}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
