// Portico's /auth routes alone, on a free port, signing in at test providers (the rogue IdP) configured in code:
// what the provider-behaviour tests need without the whole server.
import express from 'express';
import { expect } from 'vitest';
import { pino } from 'pino';
import { createAuthRouter } from '../../server/auth/routes.js';
import { readSession } from '../../server/auth/session.js';
import { loadConfig, type Config, type OidcProviderConfig } from '../../server/config.js';
import type { TestDatabase } from '../helpers/db.js';
import { createHttpClient, listenThenServe, signIn, type HttpClient } from '../helpers/http-client.js';
import type { RogueIdp } from '../helpers/rogue-idp.js';

export const ROGUE_CLIENT = { clientId: 'portico-at-rogue', clientSecret: 'rogue-client-secret-0123456789abcdef' };

export interface LogLine {
  msg?: string;
  code?: string;
  reason?: string;
}

export interface AuthOnlyApp {
  url: string;
  config: Config;
  logs: LogLine[];
  close(): Promise<void>;
}

/** A provider at `rogue` under `key`, with Portico registered as ROGUE_CLIENT; `overrides` change the rest. */
export function rogueProvider(rogue: RogueIdp, key: 'personal' | 'work', overrides: Partial<OidcProviderConfig> = {}): OidcProviderConfig {
  return { key, displayName: key, description: key, issuer: rogue.issuer, issuerPattern: null, tokenAuth: 'client_secret_post', ...ROGUE_CLIENT, ...overrides };
}

export async function startAuthOnly(database: TestDatabase, providers: OidcProviderConfig[], env: NodeJS.ProcessEnv = {}): Promise<AuthOnlyApp> {
  const logs: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  let config!: Config;
  const server = await listenThenServe((url) => {
    config = { ...loadConfig({ NODE_ENV: 'test', PORTICO_DEMO: 'true', PUBLIC_URL: url, DATABASE_URL: database.url, ...env }), oidcProviders: providers };
    const app = express();
    app.use(createAuthRouter({ config, db: database.db, logger, afterSignIn: async () => null }));
    return app;
  });
  return { url: server.url, config, logs, close: () => server.close() };
}

/** Signs in at a rogue provider (which answers without a login page) and reads the session it leaves. */
export async function rogueSignIn(app: AuthOnlyApp, database: TestDatabase, rogue: RogueIdp, key: 'personal' | 'work') {
  const client: HttpClient = createHttpClient(app.url);
  client.followOrigins.add(rogue.issuer);
  const response = await signIn(client, key, 'ignored@rogue.example');
  const session = await readSession(database.db, app.config, await client.cookieHeader());
  return { client, response, session, ended: new URL(response.url) };
}

/** The sign-in ended on our sign-in page with this error code, and no session was made. */
export function expectRefused(result: Awaited<ReturnType<typeof rogueSignIn>>, code: string): void {
  expect(result.ended.pathname).toBe('/account/sign-in');
  expect(result.ended.searchParams.get('error')).toBe(code);
  expect(result.session).toBeNull();
}
