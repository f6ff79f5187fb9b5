// The express app, middleware in one readable order. /graphql carries nothing it does not need: the GraphQL
// context reads the session cookie itself, so express-session and passport run only under /auth.
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import compression from 'compression';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { providerHealth } from './auth/oidc.js';
import { createAuthRouter } from './auth/routes.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseFault } from './db/faults.js';
import { committedMigrations } from './db/migrate.js';
import { providerOf } from './db/url.js';
import { mailboxRouter, type MailCatcher } from './dev/mail-catcher.js';
import { createDemoIdp } from './dev/oidc-provider.js';
import { createViewerResponses } from './graphql/viewer-responses.js';
import { createGraphqlHandler, GRAPHQL_PATH } from './graphql/yoga.js';
import { assignRequestId, setSecurityHeaders } from './http-headers.js';
import { pinoHttp } from 'pino-http';
import { requestContext, type Logger } from './logger.js';
import { graphqlMetricsPlugin, httpMetricsMiddleware, metricsEndpoint, registerDatabaseGauges, type Metrics } from './metrics.js';
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
  /** True once shutdown began: /readyz answers 503 so a load balancer stops sending. */
  isDraining?: () => boolean;
}

/** A readiness check answers null when fine, else the reason this instance should get no traffic. */
export type ReadinessCheck = () => Promise<string | null>;

/** The database answers and has exactly the migrations this version ships (no fewer, no newer ones). */
function databaseReadiness(db: Db, databaseUrl: string): ReadinessCheck {
  const expected = committedMigrations(providerOf(databaseUrl)).map((m) => m.name).join(',');
  return async () => {
    try {
      const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
        'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
      );
      return rows.map((r) => r.migration_name).join(',') === expected ? null : 'database migrations are not current';
    } catch {
      return 'database unreachable';
    }
  };
}

const helpSiteDir = path.resolve(import.meta.dirname, '../help-site/dist');

function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  setSecurityHeaders(res);
  next();
}

/**
 * Every text response is compressed (brotli or gzip, as the client accepts), except event streams: compression
 * buffers, and a server-sent event must reach the client when it is written.
 */
const compressText = compression({
  filter: (req, res) => !String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream') && compression.filter(req, res),
});

/** Every log line written while serving a request carries its id, which the response echoes. */
function requestIds(trustHeader: boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    requestContext.run({ requestId: assignRequestId(req, res, trustHeader) }, next);
  };
}

export interface App {
  app: Express;
  /** What the HTTP server runs: kept viewer answers first, then the express app for everything else. */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

export async function createApp(deps: AppDeps): Promise<App> {
  const { config, db, logger, services, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // A kept answer to the viewer leaves before express runs at all (graphql/viewer-responses.ts, `listener` below).
  const viewerResponses = createViewerResponses({ config, db, logger, services }, metrics, GRAPHQL_PATH);
  app.use(requestIds(config.trustRequestId));
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => String(res.getHeader('X-Request-Id')),
      customAttributeKeys: { reqId: 'requestId' },
      // Method and path only: query strings carry OIDC codes and state, headers carry cookies.
      serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }), res: (res: { statusCode: number }) => ({ status: res.statusCode }) },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    }),
  );
  app.use(httpMetricsMiddleware(metrics));
  app.use(securityHeaders);
  app.use(compressText);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const readinessChecks: ReadinessCheck[] = [databaseReadiness(db, config.databaseUrl)];
  app.get('/readyz', async (_req, res) => {
    const reasons = deps.isDraining?.() ? ['shutting down'] : (await Promise.all(readinessChecks.map((check) => check()))).filter((r) => r !== null);
    if (reasons.length === 0) {
      // A provider outage is named but keeps the instance in the load balancer (see providerHealth).
      const unavailableProviders = (await providerHealth(config)).filter((p) => p.status === 'unavailable');
      res.json(unavailableProviders.length > 0 ? { status: 'ready', unavailableProviders } : { status: 'ready' });
      return;
    }
    logger.warn({ reasons }, 'not ready');
    res.status(503).setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS)).json({ status: 'unavailable', reason: reasons.join('; ') });
  });
  registerDatabaseGauges(metrics, db, services.now);
  // Production never serves /metrics publicly: on its own port (server.ts), or here behind a bearer token.
  if (config.metrics.port === null && (config.metrics.token || config.mode === 'demo')) app.get('/metrics', metricsEndpoint(metrics, config.metrics.token));

  const yoga = createGraphqlHandler({ config, db, logger, services }, [graphqlMetricsPlugin(metrics), viewerResponses.plugin]);
  app.get(yoga.graphqlEndpoint, (req, res, next) => void yoga.graphiqlNotModified(req, res, next).catch(next));
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
    if (isDatabaseFault(error)) {
      logger.warn({ err: error }, 'database unavailable');
      if (!res.headersSent) {
        res.status(503).setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS)).type('text/plain').send('The service is briefly unavailable. Try again in a moment.');
      }
      return;
    }
    logger.error({ err: error }, 'unhandled error');
    if (!res.headersSent) res.status(500).type('text/plain').send('Something went wrong on our side. Try again in a moment.');
  });

  const listener = (req: IncomingMessage, res: ServerResponse) => viewerResponses.handle(req, res, () => void app(req, res));
  return { app, listener, close: closeDemo };
}
