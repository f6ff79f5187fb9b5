// Which errors mean "the database cannot answer right now" (locked, unreachable, restarting, pool exhausted,
// statement cancelled by its timeout): the request may be retried, so callers answer 503 with Retry-After instead
// of an internal error.

/** Seconds a client is told to wait before retrying after a database fault. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

// Prisma: can't reach (P1001/P1002), timed out (P1008), connection closed (P1017), pool timeout (P2024),
// transaction could not start in time (P2028).
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
// PostgreSQL SQLSTATE: connection exceptions (08…), too many connections, query cancelled (statement_timeout),
// server shutting down or starting (57P01–57P03).
const PG_CODES = /^(08\d\d\d|53300|57014|57P0[123])$/;
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
const MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection (?:is )?closed|database is locked|SQLITE_BUSY|the database system is (?:starting up|shutting down|in recovery mode)|terminating connection due to administrator command|canceling statement due to statement timeout|Unable to start a transaction in the given time|Client has encountered a connection error/i;

export function isDatabaseFault(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown; meta?: { code?: unknown; driverAdapterError?: unknown } };
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (PRISMA_CODES.has(code) || PG_CODES.test(code) || NODE_CODES.has(code))) return true;
    if (typeof e.meta?.code === 'string' && PG_CODES.test(e.meta.code)) return true;
    if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
    current = e.originalError ?? e.cause ?? e.meta?.driverAdapterError;
  }
  return false;
}
