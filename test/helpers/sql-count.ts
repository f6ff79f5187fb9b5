// Counts the SQL statements a GraphQL request runs, to catch N+1 queries. The request goes through a second Yoga
// handler of the running test app (same schema, configuration, clock and session cookie) whose Prisma client
// talks to the same database through a driver adapter that records every statement. Nothing else shares that
// client, so the count is the request's own: no outbox worker, no sign-in traffic.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Db } from '../../server/db/client.js';
import { providerOf, sqlitePath } from '../../server/db/url.js';
import { PrismaClient } from '../../server/generated/sqlite/client.js';
import { PrismaClient as PostgresPrismaClient } from '../../server/generated/postgresql/client.js';
import { createGraphqlHandler } from '../../server/graphql/yoga.js';
import type { RunningServer } from '../../server/server.js';
import type { GraphqlResult, HttpClient } from './http-client.js';

interface Query { sql: string; args?: unknown[] }

/** A statement as the driver adapter received it. */
export interface RecordedStatement { sql: string; args: unknown[] }
interface Queryable {
  queryRaw(query: Query): Promise<unknown>;
  executeRaw(query: Query): Promise<unknown>;
}

/** The object with its queryRaw/executeRaw recorded; methods run on the original (adapters keep private fields). */
function recording<T extends object>(target: T, log: string[], wrapResult?: (name: string | symbol, value: unknown) => unknown, full?: RecordedStatement[]): T {
  return new Proxy(target, {
    get(obj, name) {
      const value = Reflect.get(obj, name, obj) as unknown;
      if (typeof value !== 'function') return value;
      if (name === 'queryRaw' || name === 'executeRaw') {
        return (query: Query) => {
          log.push(query.sql);
          full?.push({ sql: query.sql, args: query.args ?? [] });
          return (value as Queryable['queryRaw']).call(obj, query);
        };
      }
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        return wrapResult ? wrapResult(name, result) : result;
      };
    },
  });
}

/** A Prisma client for `databaseUrl` that appends every SQL statement it sends to `log` (and, with its arguments, to `full`). */
export function countingDb(databaseUrl: string, log: string[], full?: RecordedStatement[]): Db {
  const factory = providerOf(databaseUrl) === 'postgresql' ? new PrismaPg({ connectionString: databaseUrl, max: 2 }) : new PrismaBetterSqlite3({ url: sqlitePath(databaseUrl), timeout: 5000 });
  const wrapTransaction = (name: string | symbol, result: unknown) =>
    name === 'startTransaction' ? (result as Promise<object>).then((tx) => recording(tx, log, undefined, full)) : result;
  const wrapAdapter = (name: string | symbol, result: unknown) =>
    name === 'connect' ? (result as Promise<object>).then((adapter) => recording(adapter, log, wrapTransaction, full)) : result;
  const adapter = recording(factory, log, wrapAdapter);
  return providerOf(databaseUrl) === 'postgresql'
    ? (new PostgresPrismaClient({ adapter: adapter as PrismaPg }) as unknown as Db)
    : new PrismaClient({ adapter: adapter as PrismaBetterSqlite3 });
}

export interface SqlCounter {
  /** Runs one GraphQL request as `client` (its session cookie); returns the body and the statements it ran. */
  graphql<T = Record<string, unknown>>(client: HttpClient, query: string, variables?: Record<string, unknown>): Promise<{ result: GraphqlResult<T>; statements: string[]; recorded: RecordedStatement[] }>;
  close(): Promise<void>;
}

export function createSqlCounter(app: Pick<RunningServer, 'config' | 'logger' | 'services'>): SqlCounter {
  const log: string[] = [];
  const full: RecordedStatement[] = [];
  const db = countingDb(app.config.databaseUrl, log, full);
  const yoga = createGraphqlHandler({ db, config: app.config, logger: app.logger, services: app.services });
  return {
    async graphql<T>(client: HttpClient, query: string, variables?: Record<string, unknown>) {
      const cookie = await client.cookieHeader();
      log.length = 0;
      full.length = 0;
      const response = await yoga.fetch(`${app.config.publicUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const result = { status: response.status, ...((await response.json()) as Omit<GraphqlResult<T>, 'status'>) };
      return { result, statements: [...log], recorded: [...full] };
    },
    close: () => db.$disconnect(),
  };
}
