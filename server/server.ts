// Starts everything: configuration, database (migrated; seeded in demo mode), mail, the outbox worker, the app.
// The port opens last, once the app is built, so no request that arrives during start-up is left hanging (building
// the schema and the demo parts blocks the event loop for seconds). Only with PORT=0 (tests) the port must open
// first, because the public URL depends on it; until the app is ready it then answers 503 with Retry-After.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApp } from './app.js';
import { describeConfig, loadConfig, type Config } from './config.js';
import { startViewerCache } from './cache/start.js';
import type { ViewerCache } from './cache/viewer-cache.js';
import { createDb, type Db } from './db/client.js';
import { migrate } from './db/migrate.js';
import { startMailCatcher, type MailCatcher } from './dev/mail-catcher.js';
import { alignDemoIssuers, seedDemoData } from './dev/seed.js';
import { createLogger, type Logger } from './logger.js';
import { createMemoryMailer, createSmtpMailer, type Mailer } from './mail/mailer.js';
import { createMetrics, metricsEndpoint } from './metrics.js';
import { startOutboxWorker, type OutboxWorker } from './mail/outbox.js';
import { createLinkRequestLimiter } from './modules/invitations/rate-limit.js';
import { createApiTokenRequestLimiter } from './modules/tokens/authenticate.js';
import { startRetention } from './retention.js';
import type { AppServices } from './services.js';

export interface RunningServer {
  /** The public URL (PUBLIC_URL, or this server's own address). */
  url: string;
  /** Where this instance itself listens; differs from `url` behind a load balancer. */
  listenUrl: string;
  /** Where /metrics is served when METRICS_PORT is set, else null. */
  metricsUrl: string | null;
  config: Config;
  db: Db;
  logger: Logger;
  services: AppServices;
  mailCatcher: MailCatcher | null;
  outbox: OutboxWorker;
  /** The per-session viewer cache; null with VIEWER_CACHE=false. */
  viewerCache: ViewerCache | null;
  /** Stops at once (tests): open connections are cut. */
  close(): Promise<void>;
  /**
   * Stops gracefully (SIGTERM): /readyz turns 503, requests keep being served for `shutdown.delayMs`, then the port
   * closes and requests in flight get up to `shutdown.timeoutMs` to finish; then the outbox, mail and database close.
   */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Replaces the clock (tests). */
  now?: () => Date;
  /** Demo mode: seed the demo data into an empty database (default true). */
  seed?: boolean;
  /** Demo mode: port of the mail catcher (default: a free one). */
  mailCatcherPort?: number;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const preliminary = loadConfig(env);
  const server = http.createServer();
  let handler: http.RequestListener | null = null;
  let draining = false;
  server.on('request', (req, res) => {
    // Keep-alive connections would otherwise carry new requests into a closing server.
    if (draining) res.setHeader('Connection', 'close');
    if (handler) return handler(req, res);
    if (req.url === '/healthz') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"starting"}');
    res.writeHead(503, { 'Retry-After': '1', 'Content-Type': 'text/plain; charset=utf-8' }).end('Portico is starting. Try again in a moment.');
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, preliminary.host, resolve);
    });
  const listenFirst = preliminary.port === 0;
  if (listenFirst) await listen(0);
  const port = listenFirst ? (server.address() as AddressInfo).port : preliminary.port;
  // With PORT=0 the port is known only now, and the public URL (OIDC redirects, mail links) depends on it.
  const config = loadConfig({ ...env, PORT: String(port) });
  const logger = createLogger(config);
  logger.info({ config: describeConfig(config) }, 'configuration');

  await migrate(config.databaseUrl);
  const db = createDb(config.databaseUrl, {
    ...config.database,
    onConnectionError: (error) => logger.warn({ err: error }, 'a database connection broke; the pool opens a new one when needed'),
  });
  const viewerCache = await startViewerCache(config, db, logger);
  const now = options.now ?? (() => new Date());

  let mailCatcher: MailCatcher | null = null;
  let mailer: Mailer;
  if (config.mode === 'demo') {
    mailCatcher = await startMailCatcher({ port: options.mailCatcherPort ?? 0 });
    mailer = createSmtpMailer({ host: mailCatcher.host, port: mailCatcher.port, secure: false, user: null, password: null, from: config.mailFrom });
  } else if (config.smtp) {
    mailer = createSmtpMailer({ ...config.smtp, from: config.mailFrom });
  } else {
    mailer = createMemoryMailer({ from: config.mailFrom });
  }

  const metrics = createMetrics();
  const outbox = startOutboxWorker({
    db,
    mailer,
    logger,
    metrics,
    options: { pollMs: config.outbox.pollMs, baseDelayMs: config.outbox.retryBaseMs, retryHorizonMs: config.outbox.retryHorizonHours * 3_600_000 },
  });
  const services: AppServices = { now, mailQueued: () => outbox.wake(), linkRequests: createLinkRequestLimiter(db, config), apiTokenRequests: createApiTokenRequestLimiter(db, config) };
  if (config.mode === 'demo' && (options.seed ?? true)) {
    if (await seedDemoData(db, { publicUrl: config.publicUrl, now: now(), config, services })) logger.info('loaded the demo data');
    const moved = await alignDemoIssuers(db, config.publicUrl);
    if (moved) logger.info({ moved }, 'demo identities follow the new public URL');
  }
  const { listener, close: closeApp } = await createApp({ config, db, logger, services, metrics, mailCatcher, isDraining: () => draining });
  handler = listener;
  let metricsServer: http.Server | null = null;
  if (config.metrics.port !== null) {
    const metricsApp = express();
    metricsApp.get('/metrics', metricsEndpoint(metrics, config.metrics.token));
    const started = http.createServer(metricsApp);
    metricsServer = started;
    await new Promise<void>((resolve, reject) => {
      started.once('error', reject);
      started.listen(config.metrics.port!, config.host, resolve);
    });
  }
  if (!listenFirst) await listen(port);
  const url = config.publicUrl;

  const retention = startRetention({ db, logger, retention: config.retention, now });

  async function closeTheRest() {
    retention.stop();
    if (metricsServer) {
      metricsServer.closeAllConnections();
      await new Promise((resolve) => metricsServer!.close(resolve));
    }
    await outbox.stop();
    await closeApp();
    await mailer.close();
    await mailCatcher?.stop();
    await viewerCache?.close();
    await db.$disconnect();
  }

  return {
    url,
    listenUrl: `http://${['127.0.0.1', '0.0.0.0', '::', '::1'].includes(config.host) ? 'localhost' : config.host}:${port}`,
    metricsUrl: metricsServer ? `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}` : null,
    config,
    db,
    logger,
    services,
    mailCatcher,
    outbox,
    viewerCache: viewerCache?.cache ?? null,
    async close() {
      draining = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeTheRest();
    },
    async shutdown() {
      draining = true;
      logger.info({ delayMs: config.shutdown.delayMs }, 'shutting down: no longer ready');
      await new Promise((resolve) => setTimeout(resolve, config.shutdown.delayMs));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cutOff = setTimeout(() => {
        logger.warn('requests still running at the shutdown timeout are cut off');
        server.closeAllConnections();
      }, config.shutdown.timeoutMs);
      await closed;
      clearTimeout(cutOff);
      await closeTheRest();
      logger.info('stopped');
    },
  };
}
