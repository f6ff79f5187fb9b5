// The viewer, answered again without being run. When a session's query ran without a single database statement,
// its answer came from the session row and the viewer snapshot the viewer cache holds, the configuration and the
// clock, and nothing else. Such an answer is kept in the viewer cache next to that snapshot and sent again, byte for
// byte, to the same session asking the same thing in the same way (body, Accept, Origin, Content-Type), until:
// - a write drops the snapshot (every rule of cache/viewer-cache.ts: writes here, NOTIFY from other instances, TTL);
// - the clock reaches a moment that could change it: the next UTC midnight (R1 decides per day) or the earliest
//   future instant in the snapshot's rows (an invitation expiring);
// - the session ends: it is read and checked on every request before anything is looked up.
// Signed out (no cookie, or one naming no live session), the answer is kept under one key for everybody: without a
// session and without a statement, nothing in it can be anybody's own.
// The statement count is process-wide, so traffic running beside a request only makes its answer go unkept.
//
// Only small JSON POSTs without an Authorization header are looked at; everything else goes straight on to express
// and Yoga, as does every miss (with the body already read and handed over).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { getOperationAST, OperationTypeNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestSession, type SessionInfo } from '../auth/session.js';
import { viewerCacheOf, type CachedResponse } from '../cache/viewer-cache.js';
import { statementCount } from '../db/write-watch.js';
import { assignRequestId, setSecurityHeaders } from '../http-headers.js';
import type { Metrics } from '../metrics.js';
import type { Deps } from '../modules/deps.js';
import type { ViewerSnapshot } from '../modules/viewer/load.js';
import type { Context } from './context.js';

/** A viewer query is a few hundred bytes; larger requests are not worth keeping answers for. */
const MAX_REQUEST_BYTES = 16 * 1024;
/** The compression middleware's threshold (app.ts), so a kept answer is encoded as a fresh one would be. */
const COMPRESS_FROM_BYTES = 1024;
const DAY_MS = 86_400_000;

interface Pending {
  key: string;
  generation: number;
  statements: number;
  now: Date;
  /** Set once the operation ran as a query and answered without errors. */
  answered: boolean;
  /** The snapshot the answer was drawn from, if it read one. */
  snapshot?: ViewerSnapshot | null;
}

/** Hands the request on to express, which answers it as if nothing had looked at it (its body read or not). */
type Next = () => void;

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:graphql-response\+)?json\b/i.test(contentType);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', () => resolve(null));
  });
}

/** brotli when the client takes it, else gzip, as the compression middleware prefers; null for neither. */
function encodingFor(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  if (!acceptEncoding) return null;
  const offered = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    offered.set(name!.trim(), q === undefined ? 1 : Number(q));
  }
  const accepts = (name: string) => (offered.get(name) ?? offered.get('*') ?? 0) > 0;
  return accepts('br') ? 'br' : accepts('gzip') ? 'gzip' : null;
}

function encode(encoding: 'br' | 'gzip', body: Buffer): Buffer {
  return encoding === 'br' ? brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } }) : gzipSync(body);
}

/** The first moment after `now` at which an answer drawn from `snapshot` could read differently. */
export function validUntil(snapshot: ViewerSnapshot | null, now: Date): number {
  let until = (Math.floor(now.getTime() / DAY_MS) + 1) * DAY_MS;
  const visit = (value: unknown): void => {
    if (value instanceof Date) {
      if (value.getTime() > now.getTime() && value.getTime() < until) until = value.getTime();
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (value && typeof value === 'object') {
      for (const item of Object.values(value)) visit(item);
    }
  };
  visit(snapshot);
  return until;
}

export interface ViewerResponses {
  /** First in line, before express: answers from the cache or hands the request on. */
  handle(req: IncomingMessage, res: ServerResponse, next: Next): void;
  /** The Yoga plugin that keeps the answers worth keeping. */
  plugin: Plugin;
}

export function createViewerResponses(deps: Deps, metrics: Metrics, graphqlPath: string): ViewerResponses {
  const { config, db, logger, services } = deps;
  const pending = new WeakMap<IncomingMessage, Pending>();

  function send(req: IncomingMessage, res: ServerResponse, response: CachedResponse, started: number) {
    const requestId = assignRequestId(req, res, config.trustRequestId);
    setSecurityHeaders(res);
    for (const [name, value] of response.headers) res.setHeader(name, value);
    // As the compression middleware does for every JSON answer, whatever its size.
    const vary = res.getHeader('Vary');
    res.setHeader('Vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding');
    let body = response.body;
    if (body.length >= COMPRESS_FROM_BYTES) {
      const encoding = encodingFor(req.headers['accept-encoding']);
      if (encoding) {
        body = response.encoded[encoding] ??= encode(encoding, response.body);
        res.setHeader('Content-Encoding', encoding);
      }
    }
    res.setHeader('Content-Length', body.length);
    res.writeHead(response.status).end(body);
    metrics.cachedResponses.inc({ outcome: 'hit' });
    metrics.httpDuration.observe({ method: 'POST', route: graphqlPath, status: String(response.status) }, (performance.now() - started) / 1000);
    if (logger.isLevelEnabled('debug')) logger.debug({ requestId, req: { method: 'POST', path: graphqlPath }, res: { status: response.status }, cached: true }, 'request completed');
  }

  function lookUp(req: IncomingMessage, res: ServerResponse, next: Next, session: SessionInfo | null, body: Buffer, since: Omit<Pending, 'key' | 'now' | 'answered'>, started: number) {
    const cache = viewerCacheOf(db)!;
    const h = req.headers;
    const key = `${session?.key ?? 'signed out'}\0${h.accept ?? ''}\0${h.origin ?? ''}\0${h['content-type']}\0${body.toString('latin1')}`;
    const now = services.now();
    const kept = cache.getResponse(key, Date.now(), now.getTime());
    if (kept) return send(req, res, kept, started);
    pending.set(req, { key, ...since, now, answered: false });
    next();
  }

  return {
    handle(req, res, next) {
      const h = req.headers;
      const length = Number(h['content-length']);
      if (req.method !== 'POST' || req.url !== graphqlPath || !viewerCacheOf(db) || !(length > 0 && length <= MAX_REQUEST_BYTES)
        || h.authorization !== undefined || !isJson(h['content-type'])) {
        return next();
      }
      const started = performance.now();
      void readBody(req).then(async (body) => {
        if (!body) return;
        // Yoga takes a body already read from here (@whatwg-node/server reads `req.body` when it is set).
        (req as IncomingMessage & { body?: Buffer }).body = body;
        // From here to the response nothing may touch the database or drop cached rows, or the answer is not kept.
        const since = { generation: viewerCacheOf(db)!.begin(), statements: statementCount() };
        let session: SessionInfo | null;
        try {
          session = await requestSession(db, config, req);
        } catch {
          return next(); // the ordinary path meets the same fault and answers it as it always does
        }
        lookUp(req, res, next, session, body, since, started);
      }).catch((error: unknown) => {
        logger.error({ err: error }, 'answering from the viewer cache failed');
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Something went wrong on our side. Try again in a moment.');
      });
    },

    plugin: {
      onExecute({ args }) {
        const req = (args.contextValue as { req?: IncomingMessage }).req;
        const waiting = req ? pending.get(req) : undefined;
        if (!waiting) return;
        if (getOperationAST(args.document, args.operationName)?.operation !== OperationTypeNode.QUERY) return;
        const context = args.contextValue as Partial<Context>;
        return {
          onExecuteDone({ result }) {
            waiting.answered = !(Symbol.asyncIterator in result) && !result.errors?.length;
            waiting.snapshot = context.viewerRead?.();
          },
        };
      },
      onResponse({ serverContext, response }) {
        const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
        const waiting = req ? pending.get(req) : undefined;
        if (!waiting) return;
        pending.delete(req!);
        // The body of an answer Yoga serialized itself: a string it hands to Node as it is (whatwg-node's bodyInit).
        const body = (response as unknown as { bodyInit?: unknown }).bodyInit;
        if (!waiting.answered || response.status !== 200 || typeof body !== 'string' || response.headers.has('set-cookie')) return;
        if (statementCount() !== waiting.statements) return;
        const cache = viewerCacheOf(db)!;
        const headers: [string, string][] = [];
        response.headers.forEach((value, name) => {
          if (name !== 'content-length') headers.push([name, value]);
        });
        const answer = { status: 200, headers, body: Buffer.from(body), encoded: {}, validUntil: validUntil(waiting.snapshot ?? null, waiting.now) };
        if (cache.storeResponse(waiting.key, answer, waiting.generation, Date.now())) metrics.cachedResponses.inc({ outcome: 'stored' });
      },
    },
  };
}
