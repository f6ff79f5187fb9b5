// Yoga, configured for a credentialed API on one origin: CORS only for listed origins, CSRF prevention,
// operation limits (depth, aliases, tokens, cost, sizes), domain failures mapped to coded errors and everything
// unexpected masked, GraphiQL that works offline (in production only for administrators and support).
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createYoga, type Plugin } from 'graphql-yoga';
import { readSession } from '../auth/session.js';
import type { Deps } from '../modules/deps.js';
import { loadActor } from '../modules/viewer/load.js';
import { createContextFactory } from './context.js';
import { createMaskError } from './errors.js';
import { mayExplore, useRefusalRecord, useRequestGuards } from './guards.js';
import { buildSchema } from './schema.js';

/** The header a simple (GET or form) request must carry to run; browsers cannot add it cross-site without CORS. */
export const CSRF_HEADER = 'x-graphql-client';

const GRAPHIQL = {
  title: 'Portico GraphiQL',
  defaultQuery: '{\n  viewer {\n    signedIn\n    identity { email provider { displayName } }\n    currentProfile { displayName organization { name } }\n  }\n}\n',
};

/** `plugins`: the app's own cross-cutting ones (metrics). */
export function createGraphqlHandler(deps: Deps, plugins: Plugin[] = []) {
  const { config, logger } = deps;
  const allowedOrigins = new Set([new URL(config.publicUrl).origin, ...config.corsOrigins]);
  const cookiesOf = new WeakMap<Request, string[]>();
  return createYoga<{ req: IncomingMessage; res: ServerResponse }>({
    schema: buildSchema(),
    context: createContextFactory(deps, cookiesOf),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: async (request) => {
      if (config.mode !== 'production') return GRAPHIQL;
      const session = await readSession(deps.db, config, request.headers.get('cookie'));
      const actor = session ? await loadActor(deps.db, session, deps.services.now()) : null;
      return mayExplore(actor) ? GRAPHIQL : false;
    },
    renderGraphiQL,
    maskedErrors: { isDev: config.mode !== 'production', maskError: createMaskError(config) },
    cors: (request) => {
      const origin = request.headers.get('origin');
      if (!origin || !allowedOrigins.has(origin)) return false;
      return { origin: [origin], credentials: true, methods: ['GET', 'POST'], allowedHeaders: ['content-type', CSRF_HEADER], maxAge: 600 };
    },
    logging: {
      debug: (...args) => logger.debug(args.length === 1 ? args[0] : args),
      info: (...args) => logger.info(args.length === 1 ? args[0] : args),
      warn: (...args) => logger.warn(args.length === 1 ? args[0] : args),
      error: (...args) => logger.error(args.length === 1 ? args[0] : args),
    },
    plugins: [
      useRequestGuards(config, cookiesOf),
      // A simple (form or GET) request needs this header to run, so a page on another site cannot make a
      // signed-in browser run a mutation; JSON requests are never simple and pass.
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      EnvelopArmorPlugin({
        maxDepth: { n: config.graphql.maxDepth },
        maxAliases: { n: config.graphql.maxAliases },
        maxTokens: { n: config.graphql.maxTokens },
        costLimit: { maxCost: 20_000 },
        maxDirectives: { n: 20 },
        blockFieldSuggestion: { enabled: config.mode === 'production' },
      }),
      useRefusalRecord(),
      ...plugins,
    ],
  });
}
