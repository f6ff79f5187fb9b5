// What guards /graphql around the resolvers: whose address counts behind a proxy (R8), request sizes, sessions
// that move on a profile switch and end everywhere on request, and the record of refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { CSRF_HEADER } from '../../server/graphql/yoga.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DEMO, profileId } from '../helpers/factories.js';

const REQUEST = 'mutation ($email: String!) { requestAssociationEmails(email: $email) { __typename ... on Error { code } } }';

async function requestFrom(app: TestApp, forwardedFor: string, n: number): Promise<string> {
  const response = await fetch(`${app.listenUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ query: REQUEST, variables: { email: `nobody${n}.${Date.now()}@proxy.example` } }),
  });
  const body = (await response.json()) as { data: { requestAssociationEmails: { __typename: string } } };
  return body.data.requestAssociationEmails.__typename;
}

describe('R8 behind a proxy: a client cannot pick its own rate-limit bucket', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: '1', LINK_REQUESTS_PER_CLIENT_PER_HOUR: '2', LINK_REQUEST_MIN_MS: '0' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('with one trusted hop, the address the proxy saw counts, whatever the client wrote before it', async () => {
    const answers = [];
    for (let n = 0; n < 4; n++) answers.push(await requestFrom(app, `198.51.100.${n}, 10.1.1.1`, n));
    expect(answers).toEqual(['RequestAssociationEmailsSuccess', 'RequestAssociationEmailsSuccess', 'RateLimitedError', 'RateLimitedError']);
    // Another client behind the same proxy has its own bucket: the test tells buckets apart.
    expect(await requestFrom(app, '198.51.100.9, 10.1.1.2', 9)).toBe('RequestAssociationEmailsSuccess');
  });
});

describe('R8 with the proxy named by address', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: '10.0.0.0/8', LINK_REQUESTS_PER_CLIENT_PER_HOUR: '2', LINK_REQUEST_MIN_MS: '0' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a client connecting directly (not through the proxy) gains nothing by sending X-Forwarded-For', async () => {
    const answers = [];
    for (let n = 0; n < 3; n++) answers.push(await requestFrom(app, `203.0.113.${n}`, n));
    expect(answers).toEqual(['RequestAssociationEmailsSuccess', 'RequestAssociationEmailsSuccess', 'RateLimitedError']);
  });
});

describe('configuration that would fail open', () => {
  it('refuses TRUST_PROXY=true', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY=true/);
  });

  it('refuses the demo on a named database unless PORTICO_DEMO=true says so', () => {
    const env = { NODE_ENV: 'test', DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/portico' };
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/DATABASE_URL is set but NODE_ENV is not production.*PORTICO_DEMO=true/s);
    expect(loadConfig({ ...env, PORTICO_DEMO: 'true' }).mode).toBe('demo');
    expect(loadConfig({ NODE_ENV: 'test' }).mode).toBe('demo');
  });
});

describe('/graphql', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses an over-long string argument as INVALID_INPUT naming it, never an internal error', async () => {
    const support = await app.signedIn('support@northwind.example');
    const res = await support.graphql<any>('query ($s: String) { organizations(search: $s) { totalCount: edges { cursor } } }', { s: 'x'.repeat(60_000) });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'search' });
    const literal = await support.graphql<any>(`{ diagnoseAccess(email: "${'a'.repeat(2_000)}@x.example") { email } }`);
    expect(literal.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'email' });
  });

  it('refuses a document over the size limit before parsing it', async () => {
    const res = await app.client().graphql<any>(`{ viewer { signedIn } } ${'#'.repeat(25_000)}`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'query' });
  });

  it('runs a simple GET query only with the CSRF header the server names', async () => {
    const url = `${app.listenUrl}/graphql?query=${encodeURIComponent('{ viewer { signedIn } }')}`;
    expect((await fetch(url, { headers: { accept: 'application/json' } })).status).toBe(403);
    const allowed = await fetch(url, { headers: { accept: 'application/json', [CSRF_HEADER]: '1' } });
    expect(allowed.status).toBe(200);
  });

  it('gives the session a new id when the profile changes, and the old id stops working', async () => {
    const casey = await app.signedIn('casey@shared.example');
    const before = await casey.cookieHeader();
    const wideWorld = await profileId(app.db, DEMO.wideWorld, 'casey@shared.example');
    const res = await casey.graphql<any>('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: wideWorld });
    expect(res.data.selectProfile.__typename).toBe('SelectProfileSuccess');
    const after = await casey.cookieHeader();
    expect(after).not.toBe(before);
    expect((await casey.graphql<any>('{ viewer { currentProfile { id } } }')).data.viewer.currentProfile.id).toBe(wideWorld);
    const stale = await fetch(`${app.listenUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: before }, body: JSON.stringify({ query: '{ viewer { signedIn } }' }) });
    expect(((await stale.json()) as any).data.viewer.signedIn).toBe(false);
  });

  it('signs a person out everywhere, and lets an administrator do it for a person of theirs', async () => {
    const first = await app.signedIn('jamie@fabrikam.example');
    const second = await app.signedIn('jamie@fabrikam.example');
    const ended = await first.graphql<any>('mutation { signOutEverywhere { ... on SignOutEverywhereSuccess { endedSessions } } }');
    expect(ended.data.signOutEverywhere.endedSessions).toBeGreaterThanOrEqual(2);
    for (const client of [first, second]) expect((await client.graphql<any>('{ viewer { signedIn } }')).data.viewer.signedIn).toBe(false);

    const again = await app.signedIn('jamie@fabrikam.example');
    const alex = await app.signedIn('alex@fabrikam.example');
    const jamie = await profileId(app.db, DEMO.fabrikam, 'jamie@fabrikam.example');
    const byAdmin = await alex.graphql<any>('mutation ($id: ID!) { endSessions(profileId: $id) { ... on EndSessionsSuccess { endedSessions } } }', { id: jamie });
    expect(byAdmin.data.endSessions.endedSessions).toBeGreaterThanOrEqual(1);
    expect((await again.graphql<any>('{ viewer { signedIn } }')).data.viewer.signedIn).toBe(false);
    expect(await app.db.auditEvent.count({ where: { action: 'profile.endSessions', targetProfileId: (await app.db.profile.findFirstOrThrow({ where: { email: 'jamie@fabrikam.example' } })).id } })).toBe(1);
    // Nobody else's people: a customer administrator of another organization is refused.
    const robin = await app.signedIn('robin@wideworld.example', 'work');
    expect((await robin.graphql<any>('mutation ($id: ID!) { endSessions(profileId: $id) { ... on Error { code } } }', { id: jamie })).data.endSessions.code).toBe('FORBIDDEN');
  });

  it('logs and audits a signed-in refusal with who asked and what', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    const res = await jamie.graphql<any>('mutation Promote { createOrganization(input: { name: "X", kind: CUSTOMER }) { __typename } }');
    expect(res.data.createOrganization.__typename).toBe('ForbiddenError');
    const event = await app.db.auditEvent.findFirstOrThrow({ where: { action: 'access.refused' }, orderBy: { at: 'desc' } });
    expect(event.summary).toMatch(/Jamie Jones was refused Promote \(FORBIDDEN\)/);
    expect(event.actorRole).toBe('SELF');
  });
});
