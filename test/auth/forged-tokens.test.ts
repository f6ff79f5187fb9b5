// Portico's OpenID Connect client against a provider that lies. passport-openidconnect alone accepts most of these
// (no signature check, no PKCE, no UserInfo `sub` check); each test proves one of our own checks refuses it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSession } from '../../server/auth/session.js';
import { createSqliteDatabase, type TestDatabase } from '../helpers/db.js';
import { createHttpClient, type HttpClient } from '../helpers/http-client.js';
import { startRogueIdp, type IdTokenForgery, type RogueBehaviour, type RogueIdp, type UserInfoForgery } from '../helpers/rogue-idp.js';
import { expectRefused, rogueProvider, rogueSignIn, startAuthOnly, ROGUE_CLIENT, type AuthOnlyApp } from './support.js';

let rogue: RogueIdp;
let database: TestDatabase;
let portico: AuthOnlyApp;
let logs: AuthOnlyApp['logs'];

beforeAll(async () => {
  rogue = await startRogueIdp(ROGUE_CLIENT);
  database = await createSqliteDatabase();
  const tenants = new RegExp(`^${rogue.issuer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/tenants/[a-z]+$`);
  portico = await startAuthOnly(database, [rogueProvider(rogue, 'personal'), rogueProvider(rogue, 'work', { issuerPattern: tenants })]);
  ({ logs } = portico);
});

afterEach(() => {
  rogue.reset();
  logs.length = 0;
});

afterAll(async () => {
  await portico?.close();
  await rogue?.close();
  await database?.drop();
});

function newClient(): HttpClient {
  const client = createHttpClient(portico.url);
  client.followOrigins.add(rogue.issuer);
  return client;
}

async function attempt(behaviour: Partial<RogueBehaviour>, key: 'personal' | 'work' = 'personal') {
  Object.assign(rogue.behaviour, behaviour);
  return rogueSignIn(portico, database, rogue, key);
}

describe('an honest provider', () => {
  it('signs in: a session for the identity keyed by the token’s issuer and subject, with UserInfo’s e-mail and name', async () => {
    const result = await attempt({ subject: 'honest-1', email: 'Honest@Rogue.example', name: 'Honest Person' });
    expect(result.ended.toString()).toBe(`${portico.url}/`);
    expect(result.session).not.toBeNull();
    const identity = await database.db.identity.findUniqueOrThrow({ where: { id: result.session!.identityId } });
    expect(identity).toMatchObject({ provider: 'personal', issuer: rogue.issuer, subject: 'honest-1', email: 'honest@rogue.example', displayName: 'Honest Person' });
  });

  it('is asked with a PKCE S256 challenge and a nonce, and gets the matching code_verifier at the token endpoint', async () => {
    await attempt({ subject: 'honest-2' });
    const authorization = rogue.lastAuthorization!;
    expect(authorization.get('code_challenge_method')).toBe('S256');
    expect(authorization.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorization.get('nonce')?.length).toBeGreaterThanOrEqual(16);
    expect(authorization.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect(rogue.lastTokenRequest!.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
  });

  it('keys identities by subject, never by e-mail: a new subject with a known address is another identity', async () => {
    const first = await attempt({ subject: 'same-mail-a', email: 'shared@rogue.example' });
    rogue.reset();
    const second = await attempt({ subject: 'same-mail-b', email: 'shared@rogue.example' });
    rogue.reset();
    const again = await attempt({ subject: 'same-mail-a', email: 'changed@rogue.example' });
    expect(second.session!.identityId).not.toBe(first.session!.identityId);
    expect(again.session!.identityId).toBe(first.session!.identityId);
  });
});

describe('a forged ID token', () => {
  // The third column is the reason logged, so each case proves the check it names refused it (and not another).
  const forgeries: Array<[IdTokenForgery, string, string]> = [
    ['alg-none', 'is unsigned (alg none, which the discovery document even offers)', 'alg none is not allowed'],
    ['hs256-client-secret', 'is HS256-signed with the client secret (offered by discovery too)', 'alg HS256 is not allowed'],
    ['other-key', 'is signed by a key that is not in the JWKS', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['unknown-kid', 'names a key id the JWKS does not have', 'ERR_JWKS_NO_MATCHING_KEY'],
    ['wrong-aud', 'is for another client', '"aud"'],
    ['extra-aud-no-azp', 'has several audiences and no azp', 'no azp'],
    ['wrong-azp', 'was issued to another authorized party', 'azp someone-else'],
    ['wrong-iss', 'comes from another issuer', '"iss"'],
    ['expired', 'has expired', 'ERR_JWT_EXPIRED'],
    ['issued-in-future', 'is issued in the future', 'iat is in the future'],
    ['wrong-nonce', 'carries another sign-in’s nonce', 'nonce does not match'],
    ['no-nonce', 'carries no nonce', 'nonce does not match'],
  ];
  it.each(forgeries)('is refused when it %s — %s', async (idToken, _why, reason) => {
    const result = await attempt({ idToken, subject: `forged-${idToken}` });
    expectRefused(result, 'id_token');
    expect(await database.db.identity.count({ where: { subject: `forged-${idToken}` } })).toBe(0);
    expect(logs.find((l) => l.msg === 'sign-in refused')?.reason).toContain(reason);
  });
});

describe('UserInfo', () => {
  const lies: Array<[UserInfoForgery, string, string]> = [
    ['other-sub', 'answers for another subject', 'is not the ID token'],
    ['no-sub', 'answers without a subject', 'is not the ID token'],
    ['not-json', 'answers with a body that is not JSON', 'not JSON'],
    ['json-array', 'answers with JSON that is not an object', 'not a JSON object'],
    ['http-500', 'fails', 'HTTP 500'],
  ];
  it.each(lies)('refuses the sign-in cleanly when it %s — %s', async (userInfo, _why, reason) => {
    const result = await attempt({ userInfo, subject: `userinfo-${userInfo}` });
    expectRefused(result, 'userinfo');
    expect(logs.find((l) => l.msg === 'sign-in refused')?.reason).toContain(reason);
    expect(await database.db.identity.count({ where: { subject: `userinfo-${userInfo}` } })).toBe(0);
  });

  it('does not take the server down with a non-JSON body: the next honest sign-in works', async () => {
    await attempt({ userInfo: 'not-json', subject: 'after-garbage' });
    rogue.reset();
    const result = await attempt({ subject: 'after-garbage' });
    expect(result.session).not.toBeNull();
  });
});

describe('the state parameter', () => {
  /** Starts a sign-in and stops at the callback URL the provider sends the browser back to. */
  async function callbackUrl(client: HttpClient): Promise<URL> {
    const start = await client.get('/auth/sign-in/personal', { follow: false });
    const atProvider = await client.get(start.location!, { follow: false });
    return new URL(atProvider.location!);
  }

  it('is required: a callback without it is refused', async () => {
    const client = newClient();
    const url = await callbackUrl(client);
    url.searchParams.delete('state');
    const response = await client.get(url.toString());
    expect(response.url).toBe(`${portico.url}/account/sign-in?error=state`);
    expect(await readSession(database.db, portico.config, await client.cookieHeader())).toBeNull();
  });

  it('must belong to this browser’s session: another session’s callback is refused', async () => {
    const victim = newClient();
    const victimsCallback = await callbackUrl(victim);
    const attacker = newClient();
    await callbackUrl(attacker); // the attacker has a sign-in of their own under way
    const response = await attacker.get(victimsCallback.toString());
    expect(response.url).toBe(`${portico.url}/account/sign-in?error=state`);
    expect(await readSession(database.db, portico.config, await attacker.cookieHeader())).toBeNull();
    const noSession = newClient();
    expect((await noSession.get(victimsCallback.toString())).url).toBe(`${portico.url}/account/sign-in?error=state`);
  });

  it('is single-use: replaying a completed callback is refused', async () => {
    const client = newClient();
    const url = await callbackUrl(client);
    const first = await client.get(url.toString());
    expect(first.url).toBe(`${portico.url}/`);
    const replay = await client.get(url.toString());
    expect(replay.url).toBe(`${portico.url}/account/sign-in?error=state`);
  });

  it('is consumed by a failed callback too: the same state with another code is refused', async () => {
    const client = newClient();
    const url = await callbackUrl(client);
    const spoiled = new URL(url);
    spoiled.searchParams.set('code', 'not-a-code-the-provider-issued');
    expect((await client.get(spoiled.toString())).url).toBe(`${portico.url}/account/sign-in?error=token`);
    const replay = await client.get(url.toString());
    expect(replay.url).toBe(`${portico.url}/account/sign-in?error=state`);
    expect(await readSession(database.db, portico.config, await client.cookieHeader())).toBeNull();
  });
});

describe('a multi-tenant provider (issuerPattern)', () => {
  it('accepts a tenant issuer that matches the pattern and keys the identity by that issuer', async () => {
    const tenantIssuer = `${rogue.issuer}/tenants/contoso`;
    const result = await attempt({ tokenIssuer: tenantIssuer, subject: 'tenant-user' }, 'work');
    expect(result.session).not.toBeNull();
    const identity = await database.db.identity.findUniqueOrThrow({ where: { id: result.session!.identityId } });
    expect(identity).toMatchObject({ provider: 'work', issuer: tenantIssuer, subject: 'tenant-user' });
  });

  it('refuses an issuer outside the pattern', async () => {
    const result = await attempt({ tokenIssuer: `${rogue.issuer}/elsewhere/contoso`, subject: 'tenant-outsider' }, 'work');
    expectRefused(result, 'id_token');
  });

  it('refuses, for a single-issuer provider, a tenant issuer that only the multi-tenant one would accept', async () => {
    const result = await attempt({ tokenIssuer: `${rogue.issuer}/tenants/contoso`, subject: 'tenant-elsewhere' }, 'personal');
    expectRefused(result, 'id_token');
  });
});
