import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';

export type { Logger };

/** The request being served; every log line written while serving it carries its id. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function createLogger(config: Pick<Config, 'logLevel'> & { logFormat?: Config['logFormat'] }): Logger {
  const options = {
    level: config.logLevel,
    mixin: () => {
      const store = requestContext.getStore();
      return store ? { requestId: store.requestId } : {};
    },
    // Tokens travel in URL fragments and request bodies, never in what we log; these paths are redacted anyway.
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', 'token', '*.token', '*.clientSecret', '*.password', '*.secret', 'text', 'html', '*.text', '*.html'],
      censor: '[redacted]',
    },
  };
  // Synchronous, in-process prettifying: no worker thread, and lines are never lost at exit.
  return config.logFormat === 'pretty' ? pino(options, pretty({ sync: true, colorize: false, ignore: 'pid,hostname' })) : pino(options);
}
