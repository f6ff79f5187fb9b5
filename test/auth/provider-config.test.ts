// The OpenID Connect part of the configuration: client authentication per provider, the request timeout, the
// multi-tenant pattern, and a real issuer beside the demo one in demo mode.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

const production = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://portal.example',
  DATABASE_URL: 'postgresql://portico@db.internal:5432/portico',
  SESSION_SECRET: 'k7#Qp2!vX9zL0m@Wf4$Rt8^Yb1&Nc6*Hd3',
  OIDC_PERSONAL_ISSUER: 'https://login.personal.example',
  OIDC_PERSONAL_CLIENT_ID: 'portico',
  OIDC_PERSONAL_CLIENT_SECRET: 'client-secret-value',
  OIDC_WORK_ISSUER: 'https://login.work.example/organizations/v2.0',
  OIDC_WORK_CLIENT_ID: 'portico-work',
  OIDC_WORK_CLIENT_SECRET: 'work-secret-value',
  SMTP_HOST: 'smtp.example',
  MAIL_FROM: 'Portico <no-reply@portal.example>',
  TRUST_PROXY: '1',
};

const provider = (env: NodeJS.ProcessEnv, key: 'personal' | 'work') => loadConfig(env).oidcProviders.find((p) => p.key === key)!;

describe('OpenID Connect configuration', () => {
  it('authenticates with client_secret_basic unless told otherwise, per provider', () => {
    expect(provider(production, 'personal').tokenAuth).toBe('client_secret_basic');
    const env = { ...production, OIDC_WORK_TOKEN_AUTH: 'client_secret_post' };
    expect(provider(env, 'work').tokenAuth).toBe('client_secret_post');
    expect(provider(env, 'personal').tokenAuth).toBe('client_secret_basic');
  });

  it('refuses a client authentication method it does not implement', () => {
    expect(() => loadConfig({ ...production, OIDC_PERSONAL_TOKEN_AUTH: 'private_key_jwt' })).toThrow(ConfigError);
  });

  it('bounds requests to providers at 10 s unless OIDC_HTTP_TIMEOUT_MS says otherwise', () => {
    expect(loadConfig(production).oidcHttpTimeoutMs).toBe(10_000);
    expect(loadConfig({ ...production, OIDC_HTTP_TIMEOUT_MS: '2500' }).oidcHttpTimeoutMs).toBe(2500);
    expect(() => loadConfig({ ...production, OIDC_HTTP_TIMEOUT_MS: '0' })).toThrow(ConfigError);
  });

  it('anchors OIDC_WORK_ISSUER_PATTERN, so a tenant issuer cannot be a prefix or suffix of a longer one', () => {
    const pattern = provider({ ...production, OIDC_WORK_ISSUER_PATTERN: 'https://login\\.work\\.example/[0-9a-f-]{36}/v2\\.0' }, 'work').issuerPattern!;
    expect(pattern.test('https://login.work.example/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0')).toBe(true);
    expect(pattern.test('https://login.work.example/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0.evil.example')).toBe(false);
    expect(pattern.test('https://evil.example/https://login.work.example/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0')).toBe(false);
  });

  it('in demo mode, signs one account type in at a named issuer and keeps the demo provider for the other', () => {
    const env = { PORTICO_DEMO: 'true', OIDC_WORK_ISSUER: 'http://127.0.0.1:4000/realm', OIDC_WORK_CLIENT_ID: 'portico', OIDC_WORK_CLIENT_SECRET: 'secret' };
    const config = loadConfig(env);
    expect(config.oidcProviders.find((p) => p.key === 'work')).toMatchObject({ issuer: 'http://127.0.0.1:4000/realm', clientId: 'portico', tokenAuth: 'client_secret_basic' });
    expect(config.oidcProviders.find((p) => p.key === 'personal')?.issuer).toBe(`${config.publicUrl}/dev/idp/personal`);
  });
});
