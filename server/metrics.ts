// Prometheus metrics (prom-client). Request and operation durations are histograms fed by an express middleware
// and an Envelop plugin; the state of the database (outbox, sessions, associations) is read when scraped.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError, OperationTypeNode, type DefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from './db/client.js';
import { useMutationResults } from './graphql/mutation-results.js';
import { DomainError } from './errors.js';

export interface Metrics {
  registry: Registry;
  signIns: Counter<'provider' | 'outcome'>;
  mailDeliveries: Counter<'kind' | 'outcome'>;
  outboxPending: Gauge;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  graphqlDuration: Histogram<'operation' | 'type' | 'outcome'>;
  typedErrors: Counter<'code'>;
  associations: Counter<'outcome'>;
  cachedResponses: Counter<'outcome'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portico_' });
  const registers = [registry];
  return {
    registry,
    signIns: new Counter({ name: 'portico_sign_ins_total', help: 'Sign-ins by account provider and outcome', labelNames: ['provider', 'outcome'], registers }),
    mailDeliveries: new Counter({ name: 'portico_mail_deliveries_total', help: 'Delivery attempts by mail kind and outcome (sent, retry, failed)', labelNames: ['kind', 'outcome'], registers }),
    outboxPending: new Gauge({ name: 'portico_outbox_pending', help: 'E-mails waiting in the outbox, as the worker last saw them', registers }),
    httpDuration: new Histogram({
      name: 'portico_http_request_duration_seconds',
      help: 'HTTP requests by method, route (the pattern, never the raw path) and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    graphqlDuration: new Histogram({
      name: 'portico_graphql_operation_duration_seconds',
      help: 'GraphQL operations by name, type and outcome (ok, or the first error code)',
      labelNames: ['operation', 'type', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    typedErrors: new Counter({ name: 'portico_typed_errors_total', help: 'Typed errors returned in mutation and field results, by code', labelNames: ['code'], registers }),
    cachedResponses: new Counter({
      name: 'portico_graphql_cached_responses_total',
      help: 'Viewer answers kept in the viewer cache (stored) and sent from it without running the query (hit)',
      labelNames: ['outcome'],
      registers,
    }),
    associations: new Counter({ name: 'portico_associations_total', help: 'associateIdentity outcomes: linked, or the error code', labelNames: ['outcome'], registers }),
  };
}

// A scrape must answer while the database does not: the gauge keeps its last value and the outage shows elsewhere.
async function keepLastOnFailure(read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch {
    // the value stays as it was
  }
}

/** Gauges read from the database at scrape time, so every instance reports the shared truth. */
export function registerDatabaseGauges(metrics: Metrics, db: Db, now: () => Date): void {
  const registers = [metrics.registry];
  const pending = { status: { in: ['QUEUED', 'RETRYING', 'SENDING'] as ('QUEUED' | 'RETRYING' | 'SENDING')[] } };
  new Gauge({
    name: 'portico_outbox_depth',
    help: 'E-mails not yet delivered (queued, retrying or sending)',
    registers,
    async collect() {
      await keepLastOnFailure(async () => this.set(await db.outboxEmail.count({ where: pending })));
    },
  });
  new Gauge({
    name: 'portico_outbox_oldest_pending_age_seconds',
    help: 'How long the oldest undelivered e-mail has waited (0 when none)',
    registers,
    async collect() {
      await keepLastOnFailure(async () => {
        const oldest = await db.outboxEmail.findFirst({ where: pending, orderBy: { createdAt: 'asc' }, select: { createdAt: true } });
        this.set(oldest ? Math.max(0, (now().getTime() - oldest.createdAt.getTime()) / 1000) : 0);
      });
    },
  });
  new Gauge({
    name: 'portico_sessions',
    help: 'Sessions that have not expired',
    registers,
    async collect() {
      await keepLastOnFailure(async () => this.set(await db.session.count({ where: { expiresAt: { gt: now() } } })));
    },
  });
}

/** The /metrics handler; with a token, only `Authorization: Bearer <token>` may read it. */
export function metricsEndpoint(metrics: Metrics, token: string | null) {
  const expected = token ? createHash('sha256').update(`Bearer ${token}`).digest() : null;
  return async (req: Request, res: Response) => {
    if (expected && !timingSafeEqual(createHash('sha256').update(req.headers.authorization ?? '').digest(), expected)) {
      res.status(401).setHeader('WWW-Authenticate', 'Bearer').type('text/plain').send('A bearer token is required.');
      return;
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  };
}

/** Times every request; the route label is the matched pattern so a token in a path never becomes a label. */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || (res.statusCode === 404 ? 'unmatched' : 'static');
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

function isDomainError(value: unknown): value is DomainError {
  for (let proto = value && typeof value === 'object' ? Object.getPrototypeOf(value) : null; proto; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === DomainError.name) return typeof (value as DomainError).code === 'string';
  }
  return false;
}

/** Domain errors and the refusals (FORBIDDEN, UNAUTHENTICATED) that result unions carry. */
function typedErrorCode(result: unknown): string | null {
  // By name, not instanceof: the resolvers' DomainError can come from another copy of errors.ts than this import
  // (seen under both tsx and vitest), and a miss would silently count nothing.
  if (isDomainError(result)) return result.code;
  if (result instanceof GraphQLError && typeof result.extensions?.code === 'string') return result.extensions.code;
  return null;
}

function errorCode(error: GraphQLError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL';
}

/** Operation durations and typed-error counts for Yoga. */
export function graphqlMetricsPlugin(metrics: Metrics): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      // Typed errors are union members returned by the mutations (plugin-errors), so they are counted where resolved;
      // thrown ones are counted from the result's errors (onExecuteDone).
      addPlugin(
        useMutationResults((result, _context, fieldName) => {
          const code = typedErrorCode(result);
          if (code) metrics.typedErrors.inc({ code });
          if (fieldName === 'associateIdentity') metrics.associations.inc({ outcome: code ?? 'linked' });
        }),
      );
    },
    onExecute({ args }) {
      const end = metrics.graphqlDuration.startTimer();
      const definition = args.document.definitions.find((d: DefinitionNode) => d.kind === 'OperationDefinition' && (!args.operationName || d.name?.value === args.operationName));
      const type = definition && 'operation' in definition ? definition.operation : OperationTypeNode.QUERY;
      const name = (definition && 'name' in definition && definition.name?.value) || 'anonymous';
      // Clients choose operation names: odd ones share one label value so they cannot blow up the series count.
      const operation = /^\w{1,64}$/.test(name) ? name : 'other';
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? result.errors : undefined;
          for (const error of errors ?? []) {
            const code = typedErrorCode(error);
            if (code) metrics.typedErrors.inc({ code });
          }
          end({ operation, type, outcome: errors?.length ? errorCode(errors[0]!) : 'ok' });
        },
      };
    },
  };
}
