// A rate limit counted in the database, so that every instance shares it: R8's link requests, API tokens.
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../db/client.js';
import { RateLimitedError } from '../errors.js';

/** `points` per key and `durationSeconds`; each call spends one, and answers the refusal when none is left. */
export function databaseLimit(db: Db, keyPrefix: string, points: number, durationSeconds: number): (key: string) => Promise<RateLimitedError | null> {
  const limiter = new RateLimiterPrisma({ storeClient: db, tableName: 'rateLimit', keyPrefix, points, duration: durationSeconds, clearExpiredByTimeout: false });
  return async (key) => {
    try {
      await limiter.consume(key);
      return null;
    } catch (error) {
      if (error instanceof RateLimiterRes) return new RateLimitedError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
      throw error;
    }
  };
}
