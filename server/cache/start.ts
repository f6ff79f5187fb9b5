// The viewer cache of one running server: it hears every write this process makes to the database and, from other
// processes, on PostgreSQL the other instances' announcements and on SQLite the file's data_version. Off (null) with
// VIEWER_CACHE=false.
import type { Config } from '../config.js';
import { sqliteConnectionOf, type Db } from '../db/client.js';
import { providerOf, sqlitePath } from '../db/url.js';
import { onDatabaseWrite } from '../db/write-watch.js';
import type { Logger } from '../logger.js';
import { linkInstances } from './notify.js';
import { watchSqliteConnection } from './sqlite-watch.js';
import { attachViewerCache, ViewerCache } from './viewer-cache.js';

export interface RunningViewerCache {
  cache: ViewerCache;
  close(): Promise<void>;
}

export async function startViewerCache(config: Config, db: Db, logger: Logger): Promise<RunningViewerCache | null> {
  if (!config.viewerCache) return null;
  const cache = new ViewerCache(config.viewerCache);
  const stopHearing = onDatabaseWrite(config.databaseUrl, (tables) => cache.written(tables));
  const postgres = providerOf(config.databaseUrl) === 'postgresql';
  const link = postgres ? linkInstances(cache, db, config.databaseUrl, logger) : null;
  await link?.ready;
  // On the server's own connection, so that only other connections' commits count (sqlite-watch.ts). An in-memory
  // database has no other process to hear.
  const file = postgres ? null : sqlitePath(config.databaseUrl);
  const watch = file && file !== ':memory:' ? watchSqliteConnection(() => sqliteConnectionOf(db)) : null;
  if (watch) {
    await db.$queryRaw`SELECT 1`; // opens the connection, so the version is read before anything is cached
    watch.changed();
    cache.changedElsewhere = () => watch.changed();
  }
  attachViewerCache(db, cache);
  return {
    cache,
    async close() {
      stopHearing();
      await link?.close();
      // From now on the watch cannot read, which counts as a change: the cache serves nothing after close.
      watch?.close();
    },
  };
}
