// Yoga, configured for a credentialed API on one origin: CORS only for listed origins, CSRF prevention,
// operation limits (depth, aliases, tokens, cost, sizes), domain failures mapped to coded errors and everything
// unexpected masked, GraphiQL that works offline (in production only for administrators and support).
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createYoga, type GraphiQLOptions, type Plugin } from 'graphql-yoga';
import { readSession } from '../auth/session.js';
import type { Deps } from '../modules/deps.js';
import { bearerSecret } from '../modules/tokens/authenticate.js';
import { loadActor } from '../modules/viewer/load.js';
import { createContextFactory } from './context.js';
import { createMaskError } from './errors.js';
import { graphiqlOptions, withHistoryPanel } from './graphiql.js';
import { mayExplore, useRefusalRecord, useRequestGuards } from './guards.js';
import { buildSchema } from './schema.js';

/** The header a simple (GET or form) request must carry to run; browsers cannot add it cross-site without CORS. */
export const CSRF_HEADER = 'x-graphql-client';

export const GRAPHQL_PATH = '/graphql';


/**
 * GraphiQL's page: the same for every visitor (its options come from the configuration), so it is rendered once, on
 * the first visit, with its ETag. Its code is a 9 MB module, loaded then and not at start (it would cost every
 * instance ~85 MB of memory and part of its start-up time, for a page only administrators and support open).
 */
function graphiqlPage(): { render: (options: GraphiQLOptions) => Promise<string>; etag: () => string | null } {
  let page: Promise<{ html: string; etag: string }> | undefined;
  let etag: string | null = null;
  return {
    render: async (options) => {
      page ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => {
        const html = withHistoryPanel(renderGraphiQL(options));
        etag = `"${createHash('sha256').update(html).digest('base64url')}"`;
        return { html, etag };
      });
      return (await page).html;
    },
    etag: () => etag,
  };
}

/**
 * The GraphiQL page carries its ETag and `no-cache`, so a second visit revalidates and gets 304 (see
 * graphiqlNotModified); `private`, as production shows it to some only.
 */
function useGraphiqlEtag(etag: () => string | null): Plugin {
  return {
    onResponse({ request, response }) {
      const tag = etag();
      if (!tag || request.method !== 'GET' || response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/html')) return;
      response.headers.set('etag', tag);
      response.headers.set('cache-control', 'private, no-cache');
    },
  };
}

function useCSRFPreventionUnlessBearer(): Plugin {
  const csrf = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] });
  return { onRequestParse: (payload) => (bearerSecret(payload.request.headers) === null ? csrf.onRequestParse?.(payload) : undefined) };
}

/** `plugins`: the app's own cross-cutting ones (metrics). */
export function createGraphqlHandler(deps: Deps, plugins: Plugin[] = []) {
  const { config, logger } = deps;
  const allowedOrigins = new Set([new URL(config.publicUrl).origin, ...config.corsOrigins]);
  const cookiesOf = new WeakMap<Request, string[]>();
  const GRAPHIQL = graphiqlOptions(config);
  const graphiql = graphiqlPage();
  const mayOpenGraphiql = async (cookie: string | null | undefined): Promise<boolean> => {
    if (config.mode !== 'production') return true;
    const session = await readSession(deps.db, config, cookie ?? null);
    const actor = session ? await loadActor(deps.db, session, deps.services.now()) : null;
    return mayExplore(actor);
  };
  const yoga = createYoga<{ req: IncomingMessage; res: ServerResponse }>({
    schema: buildSchema(),
    context: createContextFactory(deps, cookiesOf),
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: async (request) => ((await mayOpenGraphiql(request.headers.get('cookie'))) ? GRAPHIQL : false),
    renderGraphiQL: graphiql.render,
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
      // signed-in browser run a mutation; JSON requests are never simple and pass. So do API token requests: a
      // browser never adds a Bearer header by itself, and one that comes with cookies is refused.
      useCSRFPreventionUnlessBearer(),
      EnvelopArmorPlugin({
        maxDepth: { n: config.graphql.maxDepth },
        maxAliases: { n: config.graphql.maxAliases },
        maxTokens: { n: config.graphql.maxTokens },
        costLimit: { maxCost: 20_000 },
        maxDirectives: { n: 20 },
        blockFieldSuggestion: { enabled: config.mode === 'production' },
      }),
      useRefusalRecord(),
      useGraphiqlEtag(graphiql.etag),
      ...plugins,
    ],
  });
  /**
   * Express middleware before Yoga: a browser revalidating the GraphiQL page it has (If-None-Match with an ETag we
   * gave) gets 304 without the page being rendered again, if it may still open GraphiQL. Yoga answers GraphiQL
   * before any plugin of ours could, hence here.
   */
  const graphiqlNotModified = async (req: IncomingMessage & { method?: string }, res: ServerResponse, next: () => void) => {
    const tag = req.headers['if-none-match'];
    if (req.method !== 'GET' || !tag || tag !== graphiql.etag() || !req.headers.accept?.includes('text/html') || !(await mayOpenGraphiql(req.headers.cookie))) return next();
    res.writeHead(304, { etag: tag, 'cache-control': 'private, no-cache' }).end();
  };
  return Object.assign(yoga, { graphiqlNotModified });
}
