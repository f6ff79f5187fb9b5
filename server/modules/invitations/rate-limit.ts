// R8's limits, per address and per client, with counters in the database so every instance shares them.
// Each call consumes a point, so aliased mutations in one document are counted one by one.
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { RateLimitedError } from '../../errors.js';

export interface LinkRequestLimiter {
  /** Counts one request; a RateLimitedError when either limit is spent. */
  consume(address: string, client: string): Promise<RateLimitedError | null>;
}

export function createLinkRequestLimiter(db: Db, config: Config): LinkRequestLimiter {
  const common = { storeClient: db, tableName: 'rateLimit', duration: 3600, clearExpiredByTimeout: false };
  const perAddress = new RateLimiterPrisma({ ...common, keyPrefix: 'link-address', points: config.rateLimits.linkRequestsPerAddressPerHour });
  const perClient = new RateLimiterPrisma({ ...common, keyPrefix: 'link-client', points: config.rateLimits.linkRequestsPerClientPerHour });
  return {
    async consume(address, client) {
      try {
        await perClient.consume(client);
        await perAddress.consume(address);
        return null;
      } catch (error) {
        if (error instanceof RateLimiterRes) return new RateLimitedError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
        throw error;
      }
    },
  };
}
