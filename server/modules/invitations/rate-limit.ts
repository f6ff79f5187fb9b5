// R8's limits, per address and per client, with counters in the database so every instance shares them.
// Each call consumes a point, so aliased mutations in one document are counted one by one.
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { RateLimitedError } from '../../errors.js';
import { databaseLimit } from '../rate-limit.js';

export interface LinkRequestLimiter {
  /** Counts one request; a RateLimitedError when either limit is spent. */
  consume(address: string, client: string): Promise<RateLimitedError | null>;
}

export function createLinkRequestLimiter(db: Db, config: Config): LinkRequestLimiter {
  const perAddress = databaseLimit(db, 'link-address', config.rateLimits.linkRequestsPerAddressPerHour, 3600);
  const perClient = databaseLimit(db, 'link-client', config.rateLimits.linkRequestsPerClientPerHour, 3600);
  // The client's budget first: a client past its limit spends nothing of the address's.
  return { consume: async (address, client) => (await perClient(client)) ?? (await perAddress(address)) };
}
