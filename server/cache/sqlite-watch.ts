// Writes no listener hears on SQLite: another process committing to the same file (the CLI, a second server, an
// operator's sqlite3 shell). `PRAGMA data_version` on a connection of our own changes whenever any other connection
// commits, this process's Prisma connection included: it cannot tell whose write it was, so every change clears
// the cache. Reading it is a synchronous look at the WAL index (about a microsecond), cheap enough for every lookup.
import Database from 'better-sqlite3';

export interface SqliteWatch {
  /** Whether any other connection committed since the last call. */
  changed(): boolean;
  close(): void;
}

export function watchSqliteFile(file: string): SqliteWatch {
  const connection = new Database(file, { readonly: true, fileMustExist: true });
  const version = connection.prepare<[], number>('PRAGMA data_version').pluck();
  let seen = version.get();
  return {
    changed() {
      let now: number | undefined;
      try {
        now = version.get();
      } catch {
        // Unreadable (a lock in rollback-journal mode, a file gone): what the cache holds cannot be vouched for.
        return true;
      }
      if (now === seen) return false;
      seen = now;
      return true;
    },
    close() {
      connection.close();
    },
  };
}
