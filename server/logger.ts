import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    // Tokens travel in URL fragments and request bodies, never in what we log; these paths are redacted anyway.
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'token', '*.token', '*.clientSecret', '*.password'], censor: '[redacted]' },
  });
}
