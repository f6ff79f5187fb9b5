// Writes no listener hears on SQLite: another process committing to the same file (the CLI, a second server, an
// operator's sqlite3 shell). `PRAGMA data_version` on a connection changes whenever any OTHER connection commits, and
// never for the connection's own commits. Read on the server's own Prisma connection, it therefore tells exactly the
// writes db/write-watch.ts cannot see, and the server's own writes that change nothing cached (a session's deadline,
// audit and outbox rows) clear nothing. Reading it is a synchronous look at the WAL index (about a microsecond),
// cheap enough for every lookup.
import Database from 'better-sqlite3';

export interface SqliteWatch {
  /** Whether any other connection committed since the last call. */
  changed(): boolean;
  close(): void;
}

/**
 * Watches whatever connection `connectionOf` names now (the server's Prisma connection, opened lazily and opened
 * again after a disconnect): a connection other than the one last read counts as a change too.
 */
export function watchSqliteConnection(connectionOf: () => Database.Database | null): SqliteWatch {
  let watched: Database.Database | null = null;
  let version: Database.Statement<[], number> | null = null;
  let seen: number | undefined;
  let closed = false;
  return {
    changed() {
      const connection = closed ? null : connectionOf();
      // Nothing read through a connection yet: nothing cached came from the database either.
      if (!connection) return closed;
      let now: number | undefined;
      try {
        if (connection !== watched) {
          watched = connection;
          version = connection.prepare<[], number>('PRAGMA data_version').pluck();
          seen = version.get();
          return true;
        }
        now = version!.get();
      } catch {
        // Unreadable (a lock in rollback-journal mode, a connection closed): what the cache holds cannot be vouched for.
        return true;
      }
      if (now === seen) return false;
      seen = now;
      return true;
    },
    close() {
      closed = true;
    },
  };
}
