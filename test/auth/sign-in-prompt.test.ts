// "Use a different account" asks the provider for prompt=select_account; a provider whose discovery document lists
// its prompt values without select_account gets prompt=login instead, which also makes it ask.
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthRouter } from '../../server/auth/routes.js';
import { loadConfig, type OidcProviderConfig } from '../../server/config.js';
import { createSqliteDatabase, type TestDatabase } from '../helpers/db.js';
import { createHttpClient, listenThenServe } from '../helpers/http-client.js';
import { startRogueIdp, type RogueIdp } from '../helpers/rogue-idp.js';

const CLIENT = { clientId: 'portico-prompt-test', clientSecret: 'prompt-test-secret-0123456789abcdef' };

describe('signing in with "use a different account"', () => {
  let withoutSelect: RogueIdp;
  let withSelect: RogueIdp;
  let database: TestDatabase;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    withoutSelect = await startRogueIdp(CLIENT);
    withoutSelect.behaviour.promptValues = ['none', 'login', 'consent'];
    withSelect = await startRogueIdp(CLIENT);
    withSelect.behaviour.promptValues = ['none', 'login', 'consent', 'select_account'];
    database = await createSqliteDatabase();
    const provider = (key: 'personal' | 'work', idp: RogueIdp): OidcProviderConfig => ({ key, displayName: key, description: key, issuer: idp.issuer, issuerPattern: null, tokenAuth: 'client_secret_post', ...CLIENT });
    server = await listenThenServe((url) => {
      const config = { ...loadConfig({ NODE_ENV: 'test', PORTICO_DEMO: 'true', PUBLIC_URL: url, DATABASE_URL: database.url }), oidcProviders: [provider('personal', withoutSelect), provider('work', withSelect)] };
      return express().use(createAuthRouter({ config, db: database.db, logger: pino({ level: 'silent' }), afterSignIn: async () => null }));
    });
  });

  afterAll(async () => {
    await server?.close();
    await withoutSelect?.close();
    await withSelect?.close();
    await database?.drop();
  });

  /** The prompt the provider is sent to, for `/auth/sign-in/<key>` with `query`. */
  async function promptSent(key: 'personal' | 'work', query: string): Promise<string | null> {
    const response = await createHttpClient(server.url).get(`/auth/sign-in/${key}?returnTo=%2F${query}`, { follow: false });
    expect(response.status).toBe(302);
    return new URL(response.location!).searchParams.get('prompt');
  }

  it('sends select_account to a provider that lists it', async () => {
    expect(await promptSent('work', '&prompt=select_account')).toBe('select_account');
  });

  it('falls back to login at a provider whose discovery lacks select_account', async () => {
    expect(await promptSent('personal', '&prompt=select_account')).toBe('login');
  });

  it('sends no prompt when none was asked for', async () => {
    expect(await promptSent('personal', '')).toBeNull();
    expect(await promptSent('work', '')).toBeNull();
  });
});
