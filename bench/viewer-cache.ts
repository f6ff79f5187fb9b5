// What the SQLite watch (cache/sqlite-watch.ts) adds to a viewer cache hit: the same lookups on a cache without it
// and on one that reads PRAGMA data_version on a real WAL file before each, as `npm start` on SQLite runs. A kept answer
// checks three times (starting its window, the session, the answer). Prints a table; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { watchSqliteConnection } from '../server/cache/sqlite-watch.js';
import { ViewerCache } from '../server/cache/viewer-cache.js';
import { report } from './lib/result.js';

const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 1_000_000);
const KEYS = 1000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
const file = path.join(dir, 'bench.db');
const writer = new Database(file);
writer.pragma('journal_mode = WAL');
writer.exec('CREATE TABLE t (x INTEGER)');
// The server's own connection, as cache/start.ts watches it.
const reader = new Database(file, { readonly: true });
const watch = watchSqliteConnection(() => reader);
watch.changed();

function filled(watched: boolean): ViewerCache {
  const cache = new ViewerCache({ ttlMs: 86_400_000, maxEntries: KEYS * 2 });
  if (watched) cache.changedElsewhere = () => watch.changed();
  const now = Date.now();
  for (let i = 0; i < KEYS; i++) cache.storeViewer(`identity-${i}`, null, cache.begin(), now);
  return cache;
}

/** Nanoseconds per getViewer hit, the best of five rounds. */
function measure(cache: ViewerCache): number {
  const now = Date.now();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < LOOKUPS; i++) {
      if (cache.getViewer(`identity-${i % KEYS}`, now) !== null) throw new Error('a lookup missed');
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / LOOKUPS);
  }
  return best;
}

try {
  const plain = measure(filled(false));
  const watched = measure(filled(true));
  console.log('viewer cache hit (getViewer)       ns per lookup');
  console.log(`  without the SQLite watch          ${plain.toFixed(0).padStart(6)}`);
  console.log(`  with PRAGMA data_version          ${watched.toFixed(0).padStart(6)}`);
  console.log(`  added per kept answer (3 checks)  ${(3 * (watched - plain)).toFixed(0).padStart(6)}`);
  report({ viewerCacheHitNs: Math.round(plain), viewerCacheHitWatchedNs: Math.round(watched) });
} finally {
  watch.close();
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
}
