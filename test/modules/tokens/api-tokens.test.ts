// API tokens: created by the people who manage an organization, for it, with a role no higher than their own;
// the secret shown once and stored as a hash; sent as `Authorization: Bearer`, never with cookies; refused when
// revoked, expired, outside its organization or beyond its creator's rights; rate-limited; every change audited
// under the token's name.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../../../server/graphql/schema.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { DEMO, localIdOf, organizationId, professional, profileId } from '../../helpers/factories.js';
import type { GraphqlResult, HttpClient } from '../../helpers/http-client.js';

const CREATE = `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) {
  __typename ... on Error { code message } ... on InvalidInputError { field }
  ... on CreateApiTokenSuccess { secret apiToken { id name role prefix state expiresAt createdBy { email } } } } }`;
const REVOKE = `mutation ($id: ID!) { revokeApiToken(apiTokenId: $id) { __typename ... on Error { code } ... on RevokeApiTokenSuccess { apiToken { id state revokedAt revokedBy { email } } } } }`;
const LIST = `query ($id: ID!) { organization(id: $id) { apiTokens(first: 50, includeRevoked: true) { totalCount edges { node { id name role prefix state lastUsedAt revokedAt createdBy { email } } } } } }`;
const PEOPLE = `query ($id: ID!) { organization(id: $id) { name profiles(first: 5) { totalCount } } }`;
const ADD = `mutation ($input: AddProfessionalInput!) { addProfessional(input: $input) { __typename ... on Error { code } } }`;

let app: TestApp;
let alex: HttpClient;
let fabrikam: string;
let wideWorld: string;

interface Created { secret: string; id: string; name: string }

beforeAll(async () => {
  app = await startTestApp();
  alex = await app.signedIn('alex@fabrikam.example');
  fabrikam = await organizationId(app.db, DEMO.fabrikam);
  wideWorld = await organizationId(app.db, DEMO.wideWorld);
});
afterAll(async () => {
  await app?.close();
});

let counter = 0;
async function create(client: HttpClient, input: Partial<{ organizationId: string; name: string; role: string; expiresInDays: number }> = {}): Promise<GraphqlResult<any>> {
  counter += 1;
  return client.graphql<any>(CREATE, { input: { organizationId: fabrikam, name: `integration ${counter}`, role: 'ADMIN', expiresInDays: 30, ...input } });
}

async function token(client: HttpClient = alex, input: Parameters<typeof create>[1] = {}): Promise<Created> {
  const result = await create(client, input);
  const payload = result.data?.createApiToken;
  expect(payload?.__typename, JSON.stringify(result)).toBe('CreateApiTokenSuccess');
  return { secret: payload.secret, id: payload.apiToken.id, name: payload.apiToken.name };
}

/** A request as a script would send it: no cookies, no CSRF header, only the token. */
async function withToken<T = any>(secret: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphqlResult<T>> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { ...((await response.json()) as GraphqlResult<T>), status: response.status };
}

/** A refusal's code: a query field's top-level error, or the typed error a mutation's union answers with. */
const codeOf = (result: GraphqlResult): unknown =>
  result.errors?.[0]?.extensions?.code ?? Object.values((result.data ?? {}) as Record<string, { code?: unknown } | null>).find((value) => value?.code)?.code;

describe('creating a token', () => {
  it('answers the secret once; the list, the node and the audit log never show it, and only its SHA-256 is stored', async () => {
    const created = await token(alex, { name: 'nightly export' });
    expect(created.secret).toMatch(/^ptk_[A-Za-z0-9_-]{43}$/);
    const row = await app.db.apiToken.findUniqueOrThrow({ where: { id: localIdOf(created.id) } });
    expect(row.secretHash).toBe(createHash('sha256').update(created.secret).digest('hex'));
    expect(created.secret.startsWith(row.prefix)).toBe(true);
    expect(row.prefix.length).toBeLessThan(12);

    const listed = await alex.graphql<any>(LIST, { id: fabrikam });
    const node = listed.data.organization.apiTokens.edges.find((e: any) => e.node.id === created.id).node;
    expect(node).toMatchObject({ name: 'nightly export', role: 'ADMIN', state: 'ACTIVE', lastUsedAt: null, createdBy: { email: 'alex@fabrikam.example' } });
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(JSON.stringify(listed)).not.toContain(row.secretHash);
    // No field could ever carry it: the type has none.
    const fields = Object.keys((buildSchema().getType('ApiToken') as any).getFields());
    expect(fields.filter((f) => /secret|hash/i.test(f))).toEqual([]);
    const events = await app.db.auditEvent.findMany({ where: { targetId: row.id } });
    expect(events.map((e) => e.action)).toEqual(['apiToken.create']);
    expect(JSON.stringify(events)).not.toContain(created.secret);
  });

  it('refuses a role above the creator\'s own, and changes nothing', async () => {
    const before = await app.db.apiToken.count();
    for (const role of ['SUPPORT', 'PARTNER']) {
      const result = await create(alex, { role });
      expect(codeOf(result) ?? result.data?.createApiToken?.code, role).toBe('FORBIDDEN');
    }
    expect(await app.db.apiToken.count()).toBe(before);
  });

  it('refuses another organization, also to support and to the partner that serves it, and to a professional', async () => {
    const before = await app.db.apiToken.count();
    expect(codeOf(await create(alex, { organizationId: wideWorld }))).toBe('FORBIDDEN');
    const support = await app.signedIn('support@northwind.example');
    expect(codeOf(await create(support, { role: 'ADMIN' }))).toBe('FORBIDDEN');
    const pat = await app.signedIn('pat@blueyonder.example');
    expect(codeOf(await create(pat, { role: 'ADMIN' }))).toBe('FORBIDDEN');
    const jamie = await app.signedIn('jamie@fabrikam.example');
    expect(codeOf(await create(jamie, { role: 'MEMBER' }))).toBe('FORBIDDEN');
    expect(codeOf(await create(app.client(), {}))).toBe('UNAUTHENTICATED');
    expect(await app.db.apiToken.count()).toBe(before);
  });

  it('refuses an expiry beyond a year, a blank or too long name, a name in use and a role of another kind of organization, naming the field', async () => {
    const before = await app.db.apiToken.count();
    const field = async (input: Parameters<typeof create>[1]) => (await create(alex, input)).data?.createApiToken?.field;
    expect(await field({ expiresInDays: 366 })).toBe('expiresInDays');
    expect(await field({ expiresInDays: 0 })).toBe('expiresInDays');
    expect(await field({ name: '   ' })).toBe('name');
    expect(await field({ name: 'x'.repeat(101) })).toBe('name');
    await token(alex, { name: 'taken' });
    expect(await field({ name: ' taken ' })).toBe('name');
    const support = await app.signedIn('support@northwind.example');
    const vendor = await organizationId(app.db, DEMO.vendor);
    expect((await create(support, { organizationId: vendor, role: 'ADMIN' })).data?.createApiToken?.field).toBe('role');
    expect(await app.db.apiToken.count()).toBe(before + 1);
  });

  it('is not possible with a token, so a leaked token cannot mint others', async () => {
    const { secret } = await token();
    const result = await withToken(secret, CREATE, { input: { organizationId: fabrikam, name: 'child', role: 'MEMBER', expiresInDays: 5 } });
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect((await withToken(secret, LIST, { id: fabrikam })).data).toEqual({ organization: { apiTokens: null } });
  });
});

describe('using a token', () => {
  it('acts for its organization with its role, from a script without cookies or CSRF header, and records its last use', async () => {
    const { secret, id } = await token();
    const result = await withToken(secret, PEOPLE, { id: fabrikam });
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({ organization: { name: DEMO.fabrikam } });
    const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ organizations(first: 5) { edges { node { name } } } }')}`, { headers: { authorization: `Bearer ${secret}`, accept: 'application/json' } });
    expect(((await get.json()) as any).data.organizations.edges).toEqual([{ node: { name: DEMO.fabrikam } }]);
    expect((await app.db.apiToken.findUniqueOrThrow({ where: { id: localIdOf(id) } })).lastUsedAt).not.toBeNull();
  });

  it('records its last use at most once a minute', async () => {
    const { secret, id } = await token();
    const lastUsed = async () => (await app.db.apiToken.findUniqueOrThrow({ where: { id: localIdOf(id) } })).lastUsedAt?.getTime();
    await withToken(secret, PEOPLE, { id: fabrikam });
    const first = await lastUsed();
    expect(first).toBeDefined();
    await withToken(secret, PEOPLE, { id: fabrikam });
    expect(await lastUsed()).toBe(first);
    app.travelDays(2 / 1440);
    await withToken(secret, PEOPLE, { id: fabrikam });
    expect(await lastUsed()).toBeGreaterThanOrEqual(first! + 120_000);
  });

  it('is audited under the token\'s name', async () => {
    const { secret, id } = await token(alex, { name: 'HR sync' });
    const person = professional();
    const added = await withToken(secret, ADD, { input: { organizationId: fabrikam, ...person, sendInvitation: false } });
    expect(added.data).toEqual({ addProfessional: { __typename: 'AddProfessionalSuccess' } });
    const audit = await alex.graphql<any>(`query ($id: ID!) { organization(id: $id) { auditEvents(first: 1) { edges { node { action actorDisplayName actorRole summary } } } } }`, { id: fabrikam });
    expect(audit.data.organization.auditEvents.edges[0].node).toMatchObject({ action: 'PROFILE_ADD', actorDisplayName: 'API token «HR sync»', actorRole: 'ADMIN' });
    expect(audit.data.organization.auditEvents.edges[0].node.summary).toContain('API token «HR sync»');
    const row = await app.db.auditEvent.findFirstOrThrow({ where: { action: 'profile.add', targetProfile: { email: person.email } } });
    expect(row).toMatchObject({ actorApiTokenId: localIdOf(id), actorIdentityId: null, actorProfileId: null });
  });

  it('is refused with cookies in the same request', async () => {
    const { secret } = await token();
    const cookie = await alex.cookieHeader();
    expect(cookie).not.toBe('');
    const result = await withToken(secret, PEOPLE, { id: fabrikam }, { cookie });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(result.errors![0]!.message).toMatch(/not accepted from a browser/);
    expect(result.data ?? null).toBeNull();
  });

  it('is refused once revoked, from its next request on; revoking is audited and recorded', async () => {
    const { secret, id } = await token(alex, { name: 'to revoke' });
    expect((await withToken(secret, PEOPLE, { id: fabrikam })).errors).toBeUndefined();
    const revoked = await alex.graphql<any>(REVOKE, { id });
    expect(revoked.data.revokeApiToken.apiToken).toMatchObject({ state: 'REVOKED', revokedBy: { email: 'alex@fabrikam.example' } });
    const refused = await withToken(secret, PEOPLE, { id: fabrikam });
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors![0]!.message).toMatch(/revoked/);
    expect(await app.db.auditEvent.count({ where: { action: 'apiToken.revoke', targetId: localIdOf(id) } })).toBe(1);
    // A name is free again once its token is revoked.
    await token(alex, { name: 'to revoke' });
  });

  it('is refused once expired', async () => {
    const { secret, id } = await token();
    const now = Date.now();
    await app.db.apiToken.update({ where: { id: localIdOf(id) }, data: { createdAt: new Date(now - 10 * 86_400_000), expiresAt: new Date(now - 60_000) } });
    const refused = await withToken(secret, PEOPLE, { id: fabrikam });
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors![0]!.message).toMatch(/expired/);
  });

  it('is refused for an unknown or malformed secret', async () => {
    const { secret } = await token();
    for (const wrong of [`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, 'ptk_short', 'garbage']) {
      const refused = await withToken(wrong, PEOPLE, { id: fabrikam });
      expect(codeOf(refused), wrong).toBe('UNAUTHENTICATED');
      expect(refused.errors![0]!.message).toMatch(/not valid/);
    }
  });

  it('cannot reach another organization, and each refusal is audited under the token\'s name', async () => {
    const { secret, id, name } = await token();
    expect(codeOf(await withToken(secret, PEOPLE, { id: wideWorld }))).toBe('FORBIDDEN');
    await expect.poll(() => app.db.auditEvent.findFirst({ where: { action: 'access.refused', actorApiTokenId: localIdOf(id) } }).then((e) => e?.actorDisplayName)).toBe(`API token «${name}»`);
    const added = await withToken(secret, ADD, { input: { organizationId: wideWorld, ...professional(), sendInvitation: false } });
    expect(codeOf(added) ?? added.data?.addProfessional?.code).toBe('FORBIDDEN');
    expect((await withToken(secret, '{ organizations(first: 10) { edges { node { name } } } }')).data).toEqual({ organizations: { edges: [{ node: { name: DEMO.fabrikam } }] } });
  });

  it('acts as no person: no profile switching, no "my profile", no sign-out everywhere', async () => {
    const { secret } = await token();
    const me = await withToken(secret, `mutation { updateMyProfile(input: { givenName: "Hijack" }) { __typename ... on Error { code } } }`);
    expect(codeOf(me)).toBe('FORBIDDEN');
    const everywhere = await withToken(secret, `mutation { signOutEverywhere { __typename ... on Error { code } } }`);
    expect(codeOf(everywhere)).toBe('FORBIDDEN');
    expect((await app.db.profile.findFirstOrThrow({ where: { email: 'alex@fabrikam.example' } })).givenName).not.toBe('Hijack');
  });

  it('a MEMBER token reads its organization but cannot see its people or change anything', async () => {
    const { secret } = await token(alex, { role: 'MEMBER' });
    const read = await withToken<any>(secret, `query ($id: ID!) { organization(id: $id) { name profiles(first: 5) { totalCount } } }`, { id: fabrikam });
    expect(read.data.organization).toEqual({ name: DEMO.fabrikam, profiles: null });
    const added = await withToken(secret, ADD, { input: { organizationId: fabrikam, ...professional(), sendInvitation: false } });
    expect(codeOf(added) ?? added.data?.addProfessional?.code).toBe('FORBIDDEN');
  });

  it('is refused once its creator no longer holds the rights it was given', async () => {
    const support = await app.signedIn('support@northwind.example');
    const person = professional({ isAdministrator: true });
    const addedAdmin = await support.graphql<any>(`mutation ($input: AddProfessionalInput!) { addProfessional(input: $input) { ... on AddProfessionalSuccess { profile { id } } } }`, {
      input: { organizationId: fabrikam, ...person, sendInvitation: false },
    });
    const adminId = addedAdmin.data.addProfessional.profile.id;
    // The token is written as that administrator would have created it.
    const { secret, id } = await token();
    await app.db.apiToken.update({ where: { id: localIdOf(id) }, data: { createdById: localIdOf(adminId) } });
    expect((await withToken(secret, PEOPLE, { id: fabrikam })).errors).toBeUndefined();
    await support.graphql(`mutation ($id: ID!) { setAdministrator(profileId: $id, isAdministrator: false) { __typename } }`, { id: adminId });
    const refused = await withToken(secret, PEOPLE, { id: fabrikam });
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors![0]!.message).toMatch(/no longer has the rights/);
  });

  it('of a partner acts on the customers the partner serves, and on no other', async () => {
    const pat = await app.signedIn('pat@blueyonder.example');
    const partner = await organizationId(app.db, DEMO.partner);
    const { secret } = await token(pat, { organizationId: partner, role: 'PARTNER' });
    const served = await withToken<any>(secret, PEOPLE, { id: fabrikam });
    expect(served.data.organization.profiles.totalCount).toBeGreaterThan(0);
    expect(codeOf(await withToken(secret, PEOPLE, { id: wideWorld }))).toBe('FORBIDDEN');
    expect(codeOf(await create(pat, { organizationId: partner, role: 'SUPPORT' }))).toBe('FORBIDDEN');
  });

  it('of a customer whose plan has ended answers SERVICE_PLAN_INACTIVE (R1)', async () => {
    const { secret } = await token();
    const org = await app.db.organization.findFirstOrThrow({ where: { name: DEMO.fabrikam }, include: { servicePlans: true } });
    const plans = org.servicePlans.map((p) => ({ id: p.id, startsOn: p.startsOn, endsOn: p.endsOn }));
    await app.db.servicePlan.updateMany({ where: { organizationId: org.id }, data: { startsOn: '2000-01-01', endsOn: '2000-12-31' } });
    try {
      const added = await withToken<any>(secret, ADD, { input: { organizationId: fabrikam, ...professional(), sendInvitation: false } });
      expect(codeOf(added) ?? added.data?.addProfessional?.code).toBe('SERVICE_PLAN_INACTIVE');
    } finally {
      for (const p of plans) await app.db.servicePlan.update({ where: { id: p.id }, data: { startsOn: p.startsOn, endsOn: p.endsOn } });
    }
  });
});

describe('rate limit', () => {
  it('answers RATE_LIMITED once a token has spent its requests for the minute, and other tokens go on', async () => {
    const limited = await startTestApp({ env: { API_TOKEN_REQUESTS_PER_MINUTE: '3' } });
    try {
      const admin = await limited.signedIn('alex@fabrikam.example');
      const org = await organizationId(limited.db, DEMO.fabrikam);
      const mint = async (name: string) => (await admin.graphql<any>(CREATE, { input: { organizationId: org, name, role: 'ADMIN', expiresInDays: 1 } })).data.createApiToken.secret as string;
      const [first, second] = [await mint('busy'), await mint('quiet')];
      const ask = (secret: string) => fetch(`${limited.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ query: '{ organizations(first: 1) { edges { cursor } } }' }) }).then((r) => r.json() as Promise<GraphqlResult>);
      for (let i = 0; i < 3; i++) expect((await ask(first)).errors).toBeUndefined();
      const refused = await ask(first);
      expect(codeOf(refused)).toBe('RATE_LIMITED');
      expect((await ask(second)).errors).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});
