export type DatabaseProvider = 'sqlite' | 'postgresql';

/** PostgreSQL for postgres:// and postgresql:// URLs; SQLite (a file path or file: URL) otherwise. */
export function providerOf(databaseUrl: string): DatabaseProvider {
  return /^postgres(ql)?:\/\//i.test(databaseUrl) ? 'postgresql' : 'sqlite';
}

/** The file path of a SQLite URL such as `file:./data/portico.db`. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^file:/, '');
}
