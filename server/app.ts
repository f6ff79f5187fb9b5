// The express app, middleware in one readable order. /graphql carries nothing it does not need: the GraphQL
// context reads the session cookie itself, so express-session and passport run only under /auth.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { providerHealth } from './auth/oidc.js';
import { createAuthRouter } from './auth/routes.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { mailboxRouter, type MailCatcher } from './dev/mail-catcher.js';
import { createDemoIdp } from './dev/oidc-provider.js';
import { createGraphqlHandler } from './graphql/yoga.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { createPortalPagesRouter } from './portal-config.js';
import { afterSignIn } from './modules/viewer/service.js';
import type { AppServices } from './services.js';

export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  services: AppServices;
  metrics: Metrics;
  /** Demo mode only: the in-process SMTP server whose mail /dev/mailbox shows. */
  mailCatcher: MailCatcher | null;
}

const helpSiteDir = path.resolve(import.meta.dirname, '../help-site/dist');

function securityHeaders(req: Request, res: Response, next: NextFunction) {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Association tokens live in the URL fragment, which browsers never send; this keeps paths out of Referer too.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  next();
}

export async function createApp(deps: AppDeps): Promise<{ app: Express; close(): Promise<void> }> {
  const { config, db, logger, services, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.$queryRawUnsafe('SELECT 1');
      // A provider outage is named but keeps the instance in the load balancer (see providerHealth).
      const unavailableProviders = (await providerHealth(config)).filter((p) => p.status === 'unavailable');
      res.json(unavailableProviders.length > 0 ? { status: 'ready', unavailableProviders } : { status: 'ready' });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed: database unreachable');
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  const yoga = createGraphqlHandler({ config, db, logger, services });
  app.use(yoga.graphqlEndpoint, yoga.requestListener);

  app.use(
    createAuthRouter({
      config,
      db,
      logger,
      afterSignIn: (identityId) => afterSignIn(db, services, identityId),
      onSignInOutcome: (provider, outcome) => metrics.signIns.inc({ provider, outcome }),
    }),
  );

  let closeDemo = async () => {};
  if (config.mode === 'demo') {
    const idp = await createDemoIdp(config);
    app.use('/dev/idp', idp.router);
    if (deps.mailCatcher) app.use(mailboxRouter(deps.mailCatcher));
    closeDemo = () => idp.close();
  }

  app.use(createPortalPagesRouter(config, helpSiteDir));
  if (existsSync(helpSiteDir)) {
    app.use(express.static(helpSiteDir, { extensions: ['html'], index: 'index.html', redirect: true }));
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('Portico is running. The help site is not built yet: run `npm run build:help`. GraphQL: /graphql');
    });
  }

  app.use((_req, res) => {
    const notFound = path.join(helpSiteDir, '404.html');
    if (existsSync(notFound)) res.status(404).sendFile(notFound);
    else res.status(404).type('text/plain').send('Not found');
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err: error }, 'unhandled error');
    if (!res.headersSent) res.status(500).type('text/plain').send('Something went wrong on our side. Try again in a moment.');
  });

  return { app, close: closeDemo };
}
