// Starts everything: configuration, database (migrated; seeded in demo mode), mail, the outbox worker, the app.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { describeConfig, loadConfig, type Config } from './config.js';
import { createDb, type Db } from './db/client.js';
import { migrate } from './db/migrate.js';
import { startMailCatcher, type MailCatcher } from './dev/mail-catcher.js';
import { alignDemoIssuers, seedDemoData } from './dev/seed.js';
import { createLogger, type Logger } from './logger.js';
import { createMemoryMailer, createSmtpMailer, type Mailer } from './mail/mailer.js';
import { createMetrics } from './metrics.js';
import { startOutboxWorker, type OutboxWorker } from './mail/outbox.js';
import { createLinkRequestLimiter } from './modules/invitations/rate-limit.js';
import type { AppServices } from './services.js';

export interface RunningServer {
  /** The public URL (PUBLIC_URL, or this server's own address). */
  url: string;
  /** Where this instance itself listens; differs from `url` behind a load balancer. */
  listenUrl: string;
  config: Config;
  db: Db;
  logger: Logger;
  services: AppServices;
  mailCatcher: MailCatcher | null;
  outbox: OutboxWorker;
  close(): Promise<void>;
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(preliminary.port, preliminary.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  // With PORT=0 the port is known only now, and the public URL (OIDC redirects, mail links) depends on it.
  const config = loadConfig({ ...env, PORT: String(port) });
  const logger = createLogger(config);
  logger.info({ config: describeConfig(config) }, 'configuration');

  await migrate(config.databaseUrl);
  const db = createDb(config.databaseUrl);
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
    options: { pollMs: config.outbox.pollMs, baseDelayMs: config.outbox.retryBaseMs, maxAttempts: config.outbox.maxAttempts },
  });
  const services: AppServices = { now, mailQueued: () => outbox.wake(), linkRequests: createLinkRequestLimiter(db, config) };
  if (config.mode === 'demo' && (options.seed ?? true)) {
    if (await seedDemoData(db, { publicUrl: config.publicUrl, now: now(), config, services })) logger.info('loaded the demo data');
    const moved = await alignDemoIssuers(db, config.publicUrl);
    if (moved) logger.info({ moved }, 'demo identities follow the new public URL');
  }
  const { app, close: closeApp } = await createApp({ config, db, logger, services, metrics, mailCatcher });
  server.on('request', app);
  const url = config.publicUrl;

  return {
    url,
    listenUrl: `http://${['127.0.0.1', '0.0.0.0', '::', '::1'].includes(config.host) ? 'localhost' : config.host}:${port}`,
    config,
    db,
    logger,
    services,
    mailCatcher,
    outbox,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await outbox.stop();
      await closeApp();
      await mailer.close();
      await mailCatcher?.stop();
      await db.$disconnect();
    },
  };
}
