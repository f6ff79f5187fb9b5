// What real providers do that the demo provider does not: client authentication by Basic header, PS256 and ES256
// keys, key rollover, clocks that disagree, multi-tenant issuers, and endpoints that hang. Each against the rogue
// IdP told to behave that way.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSqliteDatabase, type TestDatabase } from '../helpers/db.js';
import { startRogueIdp, type RogueIdp, type SigningAlg } from '../helpers/rogue-idp.js';
import { expectRefused, rogueProvider, rogueSignIn, startAuthOnly, ROGUE_CLIENT, type AuthOnlyApp } from './support.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createSqliteDatabase();
});

afterAll(async () => {
  await database?.drop();
});

function expectSignedIn(result: Awaited<ReturnType<typeof rogueSignIn>>, app: AuthOnlyApp) {
  expect(result.ended.toString()).toBe(`${app.url}/`);
  expect(result.session).not.toBeNull();
}

const refusal = (app: AuthOnlyApp) => app.logs.find((l) => l.msg === 'sign-in refused' || l.msg === 'sign-in could not start')?.reason;

describe('one provider, one shared Portico', () => {
  let rogue: RogueIdp;
  let app: AuthOnlyApp;

  beforeAll(async () => {
    rogue = await startRogueIdp(ROGUE_CLIENT);
    app = await startAuthOnly(database, [
      rogueProvider(rogue, 'personal', { tokenAuth: 'client_secret_basic' }),
      rogueProvider(rogue, 'work', { tokenAuth: 'client_secret_post' }),
    ]);
  });

  afterEach(() => {
    rogue.reset();
    app.logs.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await rogue?.close();
  });

  describe('client authentication at the token endpoint', () => {
    it('sends the secret in a Basic header, and not in the body, when configured for client_secret_basic', async () => {
      rogue.behaviour.tokenAuth = 'client_secret_basic';
      expectSignedIn(await rogueSignIn(app, database, rogue, 'personal'), app);
      expect(rogue.lastTokenAuth).toBe('client_secret_basic');
      expect(rogue.lastTokenRequest?.has('client_secret')).toBe(false);
    });

    it('sends the secret in the body when configured for client_secret_post', async () => {
      rogue.behaviour.tokenAuth = 'client_secret_post';
      expectSignedIn(await rogueSignIn(app, database, rogue, 'work'), app);
      expect(rogue.lastTokenAuth).toBe('client_secret_post');
      expect(rogue.lastTokenRequest?.get('client_id')).toBe(ROGUE_CLIENT.clientId);
    });

    it('ends on the sign-in page when the provider wants the other method', async () => {
      rogue.behaviour.tokenAuth = 'client_secret_post';
      expectRefused(await rogueSignIn(app, database, rogue, 'personal'), 'token');
      expect(refusal(app)).toContain('invalid_client');
    });
  });

  describe('ID token signatures', () => {
    it.each<SigningAlg>(['RS256', 'PS256', 'ES256'])('accepts an ID token signed with %s by a key in the JWKS', async (alg) => {
      rogue.behaviour.signingAlg = alg;
      rogue.behaviour.subject = `signed-${alg}`;
      const result = await rogueSignIn(app, database, rogue, 'work');
      expectSignedIn(result, app);
      const identity = await database.db.identity.findUniqueOrThrow({ where: { id: result.session!.identityId } });
      expect(identity.subject).toBe(`signed-${alg}`);
    });
  });

  describe('clock skew', () => {
    // Short-lived tokens, so a provider whose clock is behind shows it through `exp`, as it does through `iat` when ahead.
    it.each([
      ['2 minutes ahead', 120],
      ['2 minutes behind', -120],
    ])('is tolerated when the provider’s clock is %s', async (_label, offset) => {
      Object.assign(rogue.behaviour, { clockOffsetS: offset, idTokenLifetimeS: 30 });
      expectSignedIn(await rogueSignIn(app, database, rogue, 'work'), app);
    });

    it.each([
      ['3 minutes ahead', 180, 'iat is in the future'],
      ['3 minutes behind', -180, 'ERR_JWT_EXPIRED'],
    ])('is refused when the provider’s clock is %s', async (_label, offset, reason) => {
      Object.assign(rogue.behaviour, { clockOffsetS: offset, idTokenLifetimeS: 30 });
      expectRefused(await rogueSignIn(app, database, rogue, 'work'), 'id_token');
      expect(refusal(app)).toContain(reason);
    });
  });
});

describe('a signing-key rollover in the middle of a run', () => {
  let rogue: RogueIdp;
  let app: AuthOnlyApp;

  beforeAll(async () => {
    rogue = await startRogueIdp(ROGUE_CLIENT);
    app = await startAuthOnly(database, [rogueProvider(rogue, 'work')]);
  });

  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await rogue?.close();
  });

  it('fetches the JWKS again exactly once for the new kid, not on every sign-in', async () => {
    for (let i = 0; i < 3; i++) expectSignedIn(await rogueSignIn(app, database, rogue, 'work'), app);
    expect(rogue.jwksRequests).toBe(1);

    const before = rogue.kids();
    await rogue.rotateKeys();
    expect(rogue.kids()).not.toEqual(before);
    // jose refetches a key set for an unknown kid only 30 s after its last fetch (so forged kids cannot make it
    // hammer the provider); a rollover comes long after, which the clock is moved to show.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    for (let i = 0; i < 3; i++) expectSignedIn(await rogueSignIn(app, database, rogue, 'work'), app);
    expect(rogue.jwksRequests).toBe(2);
  });
});

describe('a multi-tenant provider', () => {
  const TENANT_A = '9188040d-6c67-4c5b-b112-36a304b66dad';
  const TENANT_B = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  let rogue: RogueIdp;
  let app: AuthOnlyApp;
  const tenantIssuer = (tid: string) => `${rogue.issuer}/${tid}/v2.0`;

  beforeAll(async () => {
    rogue = await startRogueIdp(ROGUE_CLIENT, { multiTenant: true });
    const escaped = rogue.issuer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    app = await startAuthOnly(database, [
      // The pattern is what OIDC_WORK_ISSUER_PATTERN becomes (config.ts anchors it the same way).
      rogueProvider(rogue, 'work', { issuer: `${rogue.issuer}/organizations/v2.0`, issuerPattern: new RegExp(`^(?:${escaped}/[0-9a-f-]{36}/v2\\.0)$`) }),
      rogueProvider(rogue, 'personal', { issuer: `${rogue.issuer}/organizations/v2.0` }),
    ]);
  });

  afterEach(() => {
    rogue.reset();
    app.logs.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await rogue?.close();
  });

  const asTenant = (tid: string, subject: string, iss = tenantIssuer(tid)) => Object.assign(rogue.behaviour, { tid, tokenIssuer: iss, subject });

  it('accepts a tenant’s token through the issuer pattern and keys the identity by the token’s real issuer', async () => {
    asTenant(TENANT_A, 'tenant-person');
    const result = await rogueSignIn(app, database, rogue, 'work');
    expectSignedIn(result, app);
    const identity = await database.db.identity.findUniqueOrThrow({ where: { id: result.session!.identityId } });
    expect(identity).toMatchObject({ provider: 'work', issuer: tenantIssuer(TENANT_A), subject: 'tenant-person' });
  });

  it('keeps the same subject in two tenants apart: two identities', async () => {
    asTenant(TENANT_A, 'same-subject');
    const a = await rogueSignIn(app, database, rogue, 'work');
    rogue.reset();
    asTenant(TENANT_B, 'same-subject');
    const b = await rogueSignIn(app, database, rogue, 'work');
    expect(a.session!.identityId).not.toBe(b.session!.identityId);
  });

  it('refuses a token whose issuer names another tenant than its tid', async () => {
    asTenant(TENANT_A, 'tenant-liar', tenantIssuer(TENANT_B));
    expectRefused(await rogueSignIn(app, database, rogue, 'work'), 'id_token');
    expect(refusal(app)).toContain('"iss"');
  });

  it('refuses a tenant issuer outside the pattern', async () => {
    asTenant('not-a-tenant-id', 'tenant-outsider');
    expectRefused(await rogueSignIn(app, database, rogue, 'work'), 'id_token');
    expect(refusal(app)).toContain('does not match');
  });

  it('is not accepted without an issuer pattern: the templated discovery issuer is not the configured one', async () => {
    asTenant(TENANT_A, 'no-pattern');
    expectRefused(await rogueSignIn(app, database, rogue, 'personal'), 'provider');
    expect(refusal(app)).toContain('{tenantid}');
  });
});

describe('a provider that hangs', () => {
  const TIMEOUT_MS = 1000;
  /** Room for the rest of the sign-in on a loaded machine; without the bound it would wait for the 10 s default. */
  const MARGIN_MS = 3000;

  it.each([
    ['discovery', 'provider'],
    ['jwks', 'provider'],
    ['token', 'token'],
    ['userinfo', 'userinfo'],
  ] as const)('at its %s endpoint: the person gets the sign-in page with a code within the timeout', async (endpoint, code) => {
    const rogue = await startRogueIdp(ROGUE_CLIENT);
    const app = await startAuthOnly(database, [rogueProvider(rogue, 'work')], { OIDC_HTTP_TIMEOUT_MS: String(TIMEOUT_MS) });
    try {
      rogue.behaviour.hang = [endpoint];
      const started = Date.now();
      const result = await rogueSignIn(app, database, rogue, 'work');
      const elapsed = Date.now() - started;
      expectRefused(result, code);
      expect(refusal(app)).toContain('no answer within the timeout');
      expect(elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    } finally {
      await app.close();
      await rogue.close();
    }
  }, 20_000);
});
