// The Prisma client for the configured database. Both providers' clients are generated from the same models;
// the app is typed against the SQLite one (they differ only in provider-specific transaction options).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type BetterSqlite3 from 'better-sqlite3';
import type { Config } from '../config.js';
import { PrismaClient } from '../generated/sqlite/client.js';
import { PrismaClient as PostgresPrismaClient } from '../generated/postgresql/client.js';
import { providerOf, sqlitePath } from './url.js';
import { watchWrites } from './write-watch.js';

export type Db = PrismaClient;
/** The client handed to a `$transaction` callback. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export type DbOptions = Config['database'] & {
  /** An idle pooled connection that breaks (the server restarted) is reported here instead of crashing the process. */
  onConnectionError?: (error: Error) => void;
};

export const DEFAULT_DB_OPTIONS: Config['database'] = { busyTimeoutMs: 2000, poolMax: 10, poolTimeoutMs: 5000, statementTimeoutMs: 15_000 };

/**
 * Prisma's SQLite adapter opens transactions with a deferred BEGIN: a transaction that reads and then writes while
 * another process committed in between fails at once with SQLITE_BUSY_SNAPSHOT, which no busy timeout can wait out.
 * BEGIN IMMEDIATE takes the write lock first, so concurrent writers from several processes queue instead.
 */
class ImmediateTransactionsSqlite extends PrismaBetterSqlite3 {
  /** The connection the last connect opened (the adapter opens one, on the first query). */
  opened: BetterSqlite3.Database | null = null;

  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client: BetterSqlite3.Database }).client;
    this.opened = client;
    const prepare = client.prepare.bind(client);
    client.prepare = ((sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql)) as typeof client.prepare;
    return adapter;
  }
}

export function createDb(databaseUrl: string, options: Partial<DbOptions> = {}): Db {
  const o = { ...DEFAULT_DB_OPTIONS, ...options };
  const onError = o.onConnectionError ?? (() => {});
  if (providerOf(databaseUrl) === 'postgresql') {
    // connectionTimeoutMillis bounds both a new connection and the wait for a free one in a full pool.
    const adapter = watchWrites(new PrismaPg(
      { connectionString: databaseUrl, max: o.poolMax, connectionTimeoutMillis: o.poolTimeoutMs, statement_timeout: o.statementTimeoutMs, keepAlive: true },
      { onPoolError: onError, onConnectionError: onError },
    ), databaseUrl);
    return new PostgresPrismaClient({ adapter, transactionOptions: { maxWait: o.poolTimeoutMs } }) as unknown as Db;
  }
  const file = sqlitePath(databaseUrl);
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // WAL lets readers go on while another process writes. better-sqlite3 waits for a lock synchronously, freezing
  // the event loop (and /healthz) meanwhile: the wait stays short and a longer lock becomes a retryable 503.
  const sqlite = new ImmediateTransactionsSqlite({ url: file, timeout: o.busyTimeoutMs });
  const client = new PrismaClient({ adapter: watchWrites(sqlite, databaseUrl) });
  sqliteConnections.set(client, sqlite);
  return client;
}

const sqliteConnections = new WeakMap<object, ImmediateTransactionsSqlite>();

/** The better-sqlite3 connection a SQLite client queries through, once it has opened it; null otherwise. */
export function sqliteConnectionOf(db: Db): BetterSqlite3.Database | null {
  return sqliteConnections.get(db)?.opened ?? null;
}
