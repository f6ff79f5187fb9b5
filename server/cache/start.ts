// The viewer cache of one running server: it hears every write this process makes to the database and, on
// PostgreSQL, the other instances' announcements. Off (null) with VIEWER_CACHE=false.
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { providerOf } from '../db/url.js';
import { onDatabaseWrite } from '../db/write-watch.js';
import type { Logger } from '../logger.js';
import { linkInstances } from './notify.js';
import { attachViewerCache, ViewerCache } from './viewer-cache.js';

export interface RunningViewerCache {
  cache: ViewerCache;
  close(): Promise<void>;
}

export async function startViewerCache(config: Config, db: Db, logger: Logger): Promise<RunningViewerCache | null> {
  if (!config.viewerCache) return null;
  const cache = new ViewerCache(config.viewerCache);
  const stopHearing = onDatabaseWrite(config.databaseUrl, (tables) => cache.written(tables));
  const link = providerOf(config.databaseUrl) === 'postgresql' ? linkInstances(cache, db, config.databaseUrl, logger) : null;
  await link?.ready;
  attachViewerCache(db, cache);
  return {
    cache,
    async close() {
      stopHearing();
      await link?.close();
    },
  };
}
