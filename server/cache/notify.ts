// Invalidation across instances on PostgreSQL: every instance LISTENs on one channel on a connection of its own, and
// announces each local invalidation with NOTIFY (sent through the ordinary pool, so a broken listening connection
// never silences it). While its listening connection is down an instance may miss announcements, so its cache
// serves nothing until the connection is back (ViewerCache.setConnected).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { ViewerCache } from './viewer-cache.js';

export const INVALIDATION_CHANNEL = 'portico_viewer_cache';
const RECONNECT_MS = 1000;

export interface InvalidationLink {
  /** Resolves once LISTEN is in place (or the first attempt failed; the cache stays off until it succeeds). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Wires `cache` to the other instances sharing `databaseUrl`; `db` sends the announcements. */
export function linkInstances(cache: ViewerCache, db: Db, databaseUrl: string, logger: Logger): InvalidationLink {
  const instance = randomUUID();
  let closed = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;

  // Writes come in bursts (a bulk add): one announcement per burst is enough, as each clears everything.
  let announcing = false;
  let again = false;
  const announce = async () => {
    if (announcing) {
      again = true;
      return;
    }
    announcing = true;
    try {
      do {
        again = false;
        await db.$executeRaw`SELECT pg_notify(${INVALIDATION_CHANNEL}, ${instance})`;
      } while (again && !closed);
    } catch (error) {
      logger.warn({ err: error }, 'could not announce a viewer cache invalidation to the other instances');
    } finally {
      announcing = false;
    }
  };
  cache.onInvalidate = () => void announce();
  cache.setConnected(false);

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl, keepAlive: true });
    const lost = (error?: Error) => {
      if (client !== next) return;
      client = null;
      cache.setConnected(false);
      if (error) logger.warn({ err: error }, 'the viewer cache lost its invalidation channel; serving uncached until it is back');
      next.end().catch(() => {});
      if (!closed) timer = setTimeout(() => void connect(), RECONNECT_MS);
    };
    next.on('notification', (message) => {
      if (message.channel === INVALIDATION_CHANNEL && message.payload !== instance) cache.clear();
    });
    next.on('error', lost);
    next.on('end', () => lost());
    try {
      await next.connect();
      await next.query(`LISTEN ${INVALIDATION_CHANNEL}`);
      if (closed) {
        await next.end();
        return;
      }
      client = next;
      cache.setConnected(true);
    } catch (error) {
      logger.warn({ err: error }, 'the viewer cache could not listen for invalidations; serving uncached until it can');
      next.end().catch(() => {});
      if (!closed) timer = setTimeout(() => void connect(), RECONNECT_MS);
    }
  };

  return {
    ready: connect(),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
