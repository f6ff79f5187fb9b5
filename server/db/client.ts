// The Prisma client for the configured database. Both providers' clients are generated from the same models;
// the app is typed against the SQLite one (they differ only in provider-specific transaction options).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/sqlite/client.js';
import { PrismaClient as PostgresPrismaClient } from '../generated/postgresql/client.js';
import { providerOf, sqlitePath } from './url.js';

export type Db = PrismaClient;
/** The client handed to a `$transaction` callback. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export function createDb(databaseUrl: string): Db {
  if (providerOf(databaseUrl) === 'postgresql') {
    const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10 });
    return new PostgresPrismaClient({ adapter }) as unknown as Db;
  }
  const file = sqlitePath(databaseUrl);
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // WAL lets readers go on while the outbox worker or a request writes; busy_timeout makes writers queue
  // instead of failing with SQLITE_BUSY.
  const adapter = new PrismaBetterSqlite3({ url: file, timeout: 5000 });
  return new PrismaClient({ adapter });
}
