// The whole server as `npm start` runs it (demo mode: built-in OIDC provider, SMTP catcher, seeded data), on a
// random port with a fresh database, plus clients that sign in through the real redirect flow.
import { startServer, type RunningServer, type StartOptions } from '../../server/server.js';
import { createSqliteDatabase, type TestDatabase } from './db.js';
import { createHttpClient, signIn, type HttpClient } from './http-client.js';

export interface TestApp extends RunningServer {
  database: TestDatabase;
  /** A fresh cookie jar, signed out. */
  client(): HttpClient;
  /** A fresh client signed in at the demo provider with this address (personal account unless told). */
  signedIn(email: string, provider?: 'personal' | 'work'): Promise<HttpClient>;
  /** Moves the app's clock (services.now) by this many days. */
  travelDays(days: number): void;
}

export async function startTestApp(options: Omit<StartOptions, 'env'> & { env?: NodeJS.ProcessEnv; database?: TestDatabase } = {}): Promise<TestApp> {
  const database = options.database ?? (await createSqliteDatabase());
  let offsetMs = 0;
  const baseNow = options.now ?? (() => new Date());
  const running = await startServer({
    ...options,
    now: () => new Date(baseNow().getTime() + offsetMs),
    env: { NODE_ENV: 'test', PORTICO_DEMO: 'true', HOST: '127.0.0.1', PORT: '0', DATABASE_URL: database.url, LOG_LEVEL: 'silent', ...options.env },
  });
  return {
    ...running,
    database,
    client: () => createHttpClient(running.url),
    async signedIn(email, provider = 'personal') {
      const client = createHttpClient(running.url);
      await signIn(client, provider, email);
      return client;
    },
    travelDays(days) {
      offsetMs += days * 86_400_000;
    },
    async close() {
      await running.close();
      await database.drop();
    },
  };
}
