// What every service needs, whoever calls it (a GraphQL resolver, the CLI, a test): no GraphQL in here.
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { AppServices } from '../services.js';

export interface Deps {
  db: Db;
  config: Config;
  logger: Logger;
  services: AppServices;
}
