// Which tables a statement writes, seen at the driver adapter so that nothing escapes it: model calls, nested writes,
// raw SQL, and every client of the database in this process (the server's, the CLI's, a test's). Writes inside a
// transaction are reported when it commits (a rolled-back write changed nothing); others once they have run.
// Listeners (the viewer cache) register by database URL.

interface Query { sql: string }

type Listener = (tables: ReadonlySet<string>) => void;
const listeners = new Map<string, Set<Listener>>();

/** `onWrite` hears every committed write to the database at `databaseUrl` made by a client of this process. */
export function onDatabaseWrite(databaseUrl: string, listener: Listener): () => void {
  let set = listeners.get(databaseUrl);
  if (!set) listeners.set(databaseUrl, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

let statements = 0;

/**
 * How many statements every client of this process has sent so far, reads included. Equal before and after a
 * request means nothing in the process touched the database meanwhile (graphql/viewer-responses.ts relies on it).
 */
export function statementCount(): number {
  return statements;
}

function report(databaseUrl: string, tables: ReadonlySet<string>) {
  if (tables.size === 0) return;
  for (const listener of listeners.get(databaseUrl) ?? []) listener(tables);
}

// Identifiers are quoted with backticks on SQLite and double quotes on PostgreSQL, optionally schema-qualified.
const NAME = '[`"]([^`"]+)[`"]';
const TABLE = `(?:${NAME}\\.)?${NAME}`;
const WRITE = new RegExp(`^\\s*(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+${TABLE}`, 'i');
// The session reader pushing a live session's idle deadline forward changes nothing a cache holds (see session.ts).
const DEADLINE_ONLY = new RegExp(`^\\s*UPDATE\\s+${TABLE}\\s+SET\\s+[\`"]expiresAt[\`"]\\s*=\\s*[^,\\s]+(?:\\s*,\\s*[\`"]updatedAt[\`"]\\s*=\\s*[^,\\s]+)?\\s+WHERE\\s`, 'i');
// A new row under a fresh random key: no cache can hold it yet (an upsert, ON CONFLICT, may change a known one).
const INSERT = /^\s*INSERT\s/i;
const UPSERT = /\sON\s+CONFLICT\s/i;

/** The table a statement changes, or null for reads and changes nobody needs to hear about. */
export function writtenTable(sql: string): string | null {
  const match = WRITE.exec(sql);
  if (!match) return null;
  const table = match[2]!;
  if (table === 'Session' && (DEADLINE_ONLY.test(sql) || (INSERT.test(sql) && !UPSERT.test(sql)))) return null;
  return table;
}

function watched<T extends object>(target: T, seen: (sql: string) => void, wrapResult?: (name: string | symbol, value: unknown) => unknown): T {
  return new Proxy(target, {
    get(obj, name) {
      const value = Reflect.get(obj, name, obj) as unknown;
      if (typeof value !== 'function') return value;
      if (name === 'queryRaw' || name === 'executeRaw') {
        return async (query: Query) => {
          statements++;
          const result = await (value as (q: Query) => Promise<unknown>).call(obj, query);
          seen(query.sql);
          return result;
        };
      }
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        return wrapResult ? wrapResult(name, result) : result;
      };
    },
  });
}

/** The adapter factory with its writes reported to the listeners of `databaseUrl`. */
export function watchWrites<F extends object>(factory: F, databaseUrl: string): F {
  const outside = (sql: string) => {
    const table = writtenTable(sql);
    if (table) report(databaseUrl, new Set([table]));
  };
  const transaction = (tx: object) => {
    const tables = new Set<string>();
    return new Proxy(watched(tx, (sql) => {
      const table = writtenTable(sql);
      if (table) tables.add(table);
    }), {
      get(obj, name) {
        const value = Reflect.get(obj, name, obj) as unknown;
        if (name !== 'commit' || typeof value !== 'function') return value;
        return async () => {
          const result = await (value as () => Promise<unknown>).call(tx);
          report(databaseUrl, tables);
          return result;
        };
      },
    });
  };
  const wrapAdapter = (name: string | symbol, result: unknown) =>
    name === 'startTransaction' ? (result as Promise<object>).then(transaction) : result;
  const wrapFactory = (name: string | symbol, result: unknown) =>
    name === 'connect' ? (result as Promise<object>).then((adapter) => watched(adapter, outside, wrapAdapter)) : result;
  return watched(factory, () => {}, wrapFactory);
}
