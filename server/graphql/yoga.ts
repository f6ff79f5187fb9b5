// Yoga, configured for a credentialed API on one origin: CORS only for listed origins, CSRF prevention,
// operation limits (depth, aliases, tokens, cost), masked unexpected errors, GraphiQL that works offline.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createYoga, type Plugin } from 'graphql-yoga';
import { createContextFactory, type ContextDeps } from './context.js';
import { buildSchema } from './schema.js';
import { maskErrorUnlessUnavailable } from './unavailable.js';

/** `plugins`: the app's own cross-cutting ones (metrics). */
export function createGraphqlHandler(deps: ContextDeps, plugins: Plugin[] = []) {
  const { config, logger } = deps;
  const allowedOrigins = new Set([new URL(config.publicUrl).origin, ...config.corsOrigins]);
  return createYoga<{ req: IncomingMessage; res: ServerResponse }>({
    schema: buildSchema(),
    context: createContextFactory(deps),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'Portico GraphiQL', defaultQuery: '{\n  viewer {\n    signedIn\n    identity { email provider { displayName } }\n    currentProfile { displayName organization { name } }\n  }\n}\n' },
    renderGraphiQL,
    maskedErrors: { isDev: config.mode !== 'production', maskError: maskErrorUnlessUnavailable },
    cors: (request) => {
      const origin = request.headers.get('origin');
      if (!origin || !allowedOrigins.has(origin)) return false;
      return { origin: [origin], credentials: true, methods: ['GET', 'POST'], allowedHeaders: ['content-type', 'x-graphql-client'], maxAge: 600 };
    },
    logging: {
      debug: (...args) => logger.debug(args.length === 1 ? args[0] : args),
      info: (...args) => logger.info(args.length === 1 ? args[0] : args),
      warn: (...args) => logger.warn(args.length === 1 ? args[0] : args),
      error: (...args) => logger.error(args.length === 1 ? args[0] : args),
    },
    plugins: [
      // A simple (form or GET) request needs this header to run, so a page on another site cannot make a
      // signed-in browser run a mutation; JSON requests are never simple and pass.
      useCSRFPrevention({ requestHeaders: ['x-graphql-client'] }),
      EnvelopArmorPlugin({
        maxDepth: { n: config.graphql.maxDepth },
        maxAliases: { n: config.graphql.maxAliases },
        maxTokens: { n: config.graphql.maxTokens },
        costLimit: { maxCost: 20_000 },
        maxDirectives: { n: 20 },
        blockFieldSuggestion: { enabled: config.mode === 'production' },
      }),
      ...plugins,
    ],
  });
}
