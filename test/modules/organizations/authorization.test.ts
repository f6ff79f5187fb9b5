// R10 as a matrix: every query and mutation of organizations and profiles, called by each kind of person on an
// organization that is not theirs (Wide World Importers), then by people on their own organization.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createCustomer, refusalCode, DEMO, globalId, organizationId, professional, profileId } from '../../helpers/factories.js';
import type { GraphqlResult, HttpClient } from '../../helpers/http-client.js';

type Who = 'anonymous' | 'professional' | 'customerAdminOfAnother' | 'partnerNotServing' | 'support';
const WHO: Record<Who, string | null> = {
  anonymous: null,
  professional: 'jamie@fabrikam.example',
  customerAdminOfAnother: 'alex@fabrikam.example',
  partnerNotServing: 'pat@blueyonder.example',
  support: 'support@northwind.example',
};

interface Ids {
  wideWorld: string;
  robin: string;
  casey: string;
  leaver: string;
  fabrikam: string;
}

/** The refusal's code (a query's top-level error, a mutation's union member), or what the field answered: null, its __typename, or a count of edges. */
function answer(result: GraphqlResult, field: string): string {
  if (result.errors?.length) return String(result.errors[0]!.extensions?.code ?? result.errors[0]!.message);
  const value = result.data?.[field] as Record<string, unknown> | null | undefined;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value.edges)) return `${value.edges.length} edges`;
  return refusalCode(value.__typename) ?? String(value.__typename ?? 'OK');
}

const denied = { anonymous: 'UNAUTHENTICATED', professional: 'FORBIDDEN', customerAdminOfAnother: 'FORBIDDEN', partnerNotServing: 'FORBIDDEN' } as const;

interface Case {
  name: string;
  field: string;
  query: string;
  variables: (ids: Ids) => Record<string, unknown>;
  expected: Record<Who, string>;
}

const result = (type: string) => `{ __typename ... on Error { code message } ... on ${type} { __typename } }`;

const cases: Case[] = [
  {
    name: 'organization(id)',
    field: 'organization',
    query: 'query($id: ID!) { organization(id: $id) { __typename name } }',
    variables: (ids) => ({ id: ids.wideWorld }),
    expected: { ...denied, support: 'Organization' },
  },
  {
    name: 'organization(id) { profiles auditEvents administrators }',
    field: 'organization',
    query: 'query($id: ID!) { organization(id: $id) { __typename profiles(first: 5) { totalCount } auditEvents(first: 5) { edges { node { id } } } administrators { id } } }',
    variables: (ids) => ({ id: ids.wideWorld }),
    expected: { ...denied, support: 'Organization' },
  },
  {
    name: 'organizations(search)',
    field: 'organizations',
    query: 'query($search: String) { organizations(search: $search, first: 10) { edges { node { name } } } }',
    variables: () => ({ search: 'Wide World' }),
    expected: { anonymous: 'UNAUTHENTICATED', professional: '0 edges', customerAdminOfAnother: '0 edges', partnerNotServing: '0 edges', support: '1 edges' },
  },
  {
    name: 'organizations(search) by account number',
    field: 'organizations',
    query: 'query($search: String) { organizations(search: $search, first: 10) { edges { node { name } } } }',
    variables: () => ({ search: '100003' }),
    expected: { anonymous: 'UNAUTHENTICATED', professional: '0 edges', customerAdminOfAnother: '0 edges', partnerNotServing: '0 edges', support: '1 edges' },
  },
  {
    name: 'node(organization id)',
    field: 'node',
    query: 'query($id: ID!) { node(id: $id) { __typename } }',
    variables: (ids) => ({ id: ids.wideWorld }),
    expected: { anonymous: 'null', professional: 'null', customerAdminOfAnother: 'null', partnerNotServing: 'null', support: 'Organization' },
  },
  {
    name: 'node(profile id)',
    field: 'node',
    query: 'query($id: ID!) { node(id: $id) { __typename ... on Profile { email } } }',
    variables: (ids) => ({ id: ids.casey }),
    expected: { anonymous: 'null', professional: 'null', customerAdminOfAnother: 'null', partnerNotServing: 'null', support: 'Profile' },
  },
  {
    name: 'addProfessional',
    field: 'addProfessional',
    query: `mutation($input: AddProfessionalInput!) { addProfessional(input: $input) ${result('AddProfessionalSuccess')} }`,
    variables: (ids) => ({ input: { organizationId: ids.wideWorld, ...professional(), sendInvitation: false } }),
    expected: { ...denied, support: 'AddProfessionalSuccess' },
  },
  {
    name: 'addProfessionals',
    field: 'addProfessionals',
    query: `mutation($id: ID!, $list: [NewProfessionalInput!]!) { addProfessionals(organizationId: $id, professionals: $list, sendInvitations: false) ${result('AddProfessionalsSuccess')} }`,
    variables: (ids) => ({ id: ids.wideWorld, list: [professional()] }),
    expected: { ...denied, support: 'AddProfessionalsSuccess' },
  },
  {
    name: 'updateProfile',
    field: 'updateProfile',
    query: `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) ${result('UpdateProfileSuccess')} }`,
    variables: (ids) => ({ input: { profileId: ids.casey, givenName: 'Casey' } }),
    expected: { ...denied, support: 'UpdateProfileSuccess' },
  },
  {
    name: 'setAdministrator',
    field: 'setAdministrator',
    query: `mutation($id: ID!) { setAdministrator(profileId: $id, isAdministrator: true) ${result('SetAdministratorSuccess')} }`,
    variables: (ids) => ({ id: ids.casey }),
    expected: { ...denied, support: 'SetAdministratorSuccess' },
  },
  {
    name: 'unlinkIdentity',
    field: 'unlinkIdentity',
    query: `mutation($id: ID!) { unlinkIdentity(profileId: $id) ${result('UnlinkIdentitySuccess')} }`,
    variables: (ids) => ({ id: ids.casey }),
    expected: { ...denied, support: 'UnlinkIdentitySuccess' },
  },
  {
    name: 'removeProfile',
    field: 'removeProfile',
    query: `mutation($id: ID!) { removeProfile(profileId: $id) ${result('RemoveProfileSuccess')} }`,
    variables: (ids) => ({ id: ids.leaver }),
    expected: { ...denied, support: 'RemoveProfileSuccess' },
  },
  {
    name: 'designateAdministrator',
    field: 'designateAdministrator',
    query: `mutation($org: ID!, $id: ID!) { designateAdministrator(organizationId: $org, profileId: $id) ${result('DesignateAdministratorSuccess')} }`,
    variables: (ids) => ({ org: ids.wideWorld, id: ids.robin }),
    expected: { ...denied, support: 'DesignateAdministratorSuccess' },
  },
  {
    name: 'createOrganization',
    field: 'createOrganization',
    query: `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) ${result('CreateOrganizationSuccess')} }`,
    variables: () => ({ input: { name: `Matrix ${Math.random()}`, kind: 'CUSTOMER' } }),
    expected: { ...denied, support: 'CreateOrganizationSuccess' },
  },
  {
    name: 'updateOrganization',
    field: 'updateOrganization',
    query: `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) ${result('UpdateOrganizationSuccess')} }`,
    variables: (ids) => ({ input: { organizationId: ids.wideWorld, region: 'US' } }),
    expected: { ...denied, support: 'UpdateOrganizationSuccess' },
  },
  {
    name: 'setServicePlan',
    field: 'setServicePlan',
    query: `mutation($input: SetServicePlanInput!) { setServicePlan(input: $input) ${result('SetServicePlanSuccess')} }`,
    variables: (ids) => ({ input: { organizationId: ids.wideWorld, name: 'Extra plan', startsOn: '2000-01-01', endsOn: '2999-12-31' } }),
    expected: { ...denied, support: 'SetServicePlanSuccess' },
  },
  {
    name: 'importOrganizations',
    field: 'importOrganizations',
    query: `mutation($csv: String!) { importOrganizations(csv: $csv) ${result('ImportOrganizationsSuccess')} }`,
    variables: () => ({ csv: 'name,account_number\nMatrix Imports,M-1\n' }),
    expected: { ...denied, support: 'ImportOrganizationsSuccess' },
  },
];

let app: TestApp;
let ids: Ids;
const clients = {} as Record<Who, HttpClient>;

beforeAll(async () => {
  app = await startTestApp();
  const leaver = await app.db.profile.create({
    data: {
      organizationId: (await app.db.organization.findFirstOrThrow({ where: { name: DEMO.wideWorld } })).id,
      givenName: 'Lee',
      familyName: 'Ver',
      email: 'leaver@wideworld.example',
      activeEmail: 'leaver@wideworld.example',
    },
  });
  ids = {
    wideWorld: await organizationId(app.db, DEMO.wideWorld),
    fabrikam: await organizationId(app.db, DEMO.fabrikam),
    robin: await profileId(app.db, DEMO.wideWorld, 'robin@wideworld.example'),
    casey: await profileId(app.db, DEMO.wideWorld, 'casey@shared.example'),
    leaver: globalId('Profile', leaver.id),
  };
  for (const [who, email] of Object.entries(WHO) as [Who, string | null][]) {
    clients[who] = email ? await app.signedIn(email) : app.client();
  }
});
afterAll(async () => {
  await app?.close();
});

describe('on an organization that is not theirs, only vendor support gets an answer', () => {
  for (const testCase of cases) {
    for (const who of Object.keys(WHO) as Who[]) {
      it(`${testCase.name} as ${who} answers ${testCase.expected[who]}`, async () => {
        const res = await clients[who].graphql(testCase.query, testCase.variables(ids));
        expect(answer(res, testCase.field), JSON.stringify(res)).toBe(testCase.expected[who]);
      });
    }
  }
});

describe('on their own organization', () => {
  const orgQuery = 'query($id: ID!) { organization(id: $id) { name administrators { email } profiles(first: 10) { totalCount } auditEvents(first: 1) { edges { node { id } } } } }';

  it('a professional sees their organization and its administrators, but not its people or its audit log', async () => {
    const res = await clients.professional.graphql<{ organization: Record<string, unknown> }>(orgQuery, { id: ids.fabrikam });
    expect(res.data?.organization).toMatchObject({ name: DEMO.fabrikam, administrators: [{ email: 'alex@fabrikam.example' }], profiles: null, auditEvents: null });
    expect(res.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['organization.profiles', 'FORBIDDEN'],
      ['organization.auditEvents', 'FORBIDDEN'],
    ]);
  });

  it("a professional does not see the private side of their administrators' profiles", async () => {
    const res = await clients.professional.graphql<{ organization: { administrators: unknown[] } }>(
      'query($id: ID!) { organization(id: $id) { administrators { email associatedIdentity { email } associationStatus } } }',
      { id: ids.fabrikam },
    );
    expect(res.data?.organization.administrators).toEqual([{ email: 'alex@fabrikam.example', associatedIdentity: null, associationStatus: null }]);
  });

  it('a professional lists only their own organization', async () => {
    const res = await clients.professional.graphql<{ organizations: { edges: { node: { name: string } }[] } }>('{ organizations(first: 50) { edges { node { name } } } }');
    expect(res.data?.organizations.edges.map((e) => e.node.name)).toEqual([DEMO.fabrikam]);
  });

  it('a professional cannot add, change or promote anyone in their own organization', async () => {
    const jamie = await profileId(app.db, DEMO.fabrikam, 'jamie@fabrikam.example');
    const add = await clients.professional.graphql('mutation($input: AddProfessionalInput!) { addProfessional(input: $input) { __typename } }', {
      input: { organizationId: ids.fabrikam, ...professional(), sendInvitation: false },
    });
    const promote = await clients.professional.graphql('mutation($id: ID!) { setAdministrator(profileId: $id, isAdministrator: true) { __typename } }', { id: jamie });
    expect([answer(add, 'addProfessional'), answer(promote, 'setAdministrator')]).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('a customer administrator sees and manages their own organization, its people and its audit log', async () => {
    const res = await clients.customerAdminOfAnother.graphql<{ organization: { profiles: { totalCount: number }; auditEvents: { edges: unknown[] } } }>(orgQuery, { id: ids.fabrikam });
    expect(res.errors).toBeUndefined();
    expect(res.data?.organization.profiles.totalCount).toBeGreaterThanOrEqual(4);
    expect(res.data?.organization.auditEvents.edges).toHaveLength(1);
    const add = await clients.customerAdminOfAnother.graphql('mutation($input: AddProfessionalInput!) { addProfessional(input: $input) { __typename } }', {
      input: { organizationId: ids.fabrikam, ...professional(), sendInvitation: false },
    });
    expect(answer(add, 'addProfessional')).toBe('AddProfessionalSuccess');
  });

  it("a customer administrator does not see their partner's people", async () => {
    const res = await clients.customerAdminOfAnother.graphql<{ organization: { partner: Record<string, unknown> } }>(
      'query($id: ID!) { organization(id: $id) { partner { name administrators { email } } } }',
      { id: ids.fabrikam },
    );
    expect(res.data?.organization.partner).toEqual({ name: DEMO.partner, administrators: null });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a partner administrator sees the customers they serve and their own partner, and manages the customers', async () => {
    const list = await clients.partnerNotServing.graphql<{ organizations: { edges: { node: { name: string } }[] } }>('{ organizations(first: 50) { edges { node { name } } } }');
    expect(list.data?.organizations.edges.map((e) => e.node.name)).toEqual([DEMO.partner, DEMO.fabrikam]);
    const res = await clients.partnerNotServing.graphql(orgQuery, { id: ids.fabrikam });
    expect(res.errors).toBeUndefined();
    const add = await clients.partnerNotServing.graphql('mutation($input: AddProfessionalInput!) { addProfessional(input: $input) { __typename } }', {
      input: { organizationId: ids.fabrikam, ...professional(), sendInvitation: false },
    });
    expect(answer(add, 'addProfessional')).toBe('AddProfessionalSuccess');
  });

  it('neither customer nor partner administrators may do what only vendor support may', async () => {
    const fabrikamAdmin = await profileId(app.db, DEMO.fabrikam, 'alex@fabrikam.example');
    for (const who of ['customerAdminOfAnother', 'partnerNotServing'] as const) {
      const designate = await clients[who].graphql('mutation($org: ID!, $id: ID!) { designateAdministrator(organizationId: $org, profileId: $id) { __typename } }', {
        org: ids.fabrikam,
        id: fabrikamAdmin,
      });
      const plan = await clients[who].graphql('mutation($input: SetServicePlanInput!) { setServicePlan(input: $input) { __typename } }', {
        input: { organizationId: ids.fabrikam, name: 'Free plan', startsOn: '2000-01-01', endsOn: '2999-12-31' },
      });
      const update = await clients[who].graphql('mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { __typename } }', {
        input: { organizationId: ids.fabrikam, name: 'Mine now' },
      });
      expect([answer(designate, 'designateAdministrator'), answer(plan, 'setServicePlan'), answer(update, 'updateOrganization')]).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    }
  });
});

describe('ids', () => {
  it('a malformed id, an id of another type and an unknown id answer FORBIDDEN alike, and node() answers null', async () => {
    const unknown = globalId('Organization', 'does-not-exist');
    const ofAnotherType = ids.robin;
    for (const id of ['not base64 at all', ofAnotherType, unknown]) {
      const res = await clients.support.graphql('query($id: ID!) { organization(id: $id) { name } }', { id });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    for (const id of ['not base64 at all', unknown, globalId('Nonsense', 'x')]) {
      const node = await clients.support.graphql<{ node: unknown }>('query($id: ID!) { node(id: $id) { id } }', { id });
      expect(node.errors).toBeUndefined();
      expect(node.data?.node).toBeNull();
    }
    const remove = await clients.support.graphql('mutation($id: ID!) { removeProfile(profileId: $id) { __typename } }', { id: ids.wideWorld });
    expect(answer(remove, 'removeProfile')).toBe('FORBIDDEN');
  });

  it("node() gives an identity only to itself", async () => {
    const robinIdentity = await app.db.identity.findFirstOrThrow({ where: { email: 'robin@wideworld.example' } });
    const jamieIdentity = await app.db.identity.findFirstOrThrow({ where: { email: 'jamie@fabrikam.example', provider: 'personal' } });
    const query = 'query($id: ID!) { node(id: $id) { __typename ... on Identity { email } } }';
    const other = await clients.support.graphql<{ node: unknown }>(query, { id: globalId('Identity', robinIdentity.id) });
    const own = await clients.professional.graphql<{ node: unknown }>(query, { id: globalId('Identity', jamieIdentity.id) });
    expect(other.data?.node).toBeNull();
    expect(own.data?.node).toEqual({ __typename: 'Identity', email: 'jamie@fabrikam.example' });
  });

  it('someone signed in without a current profile is told to choose one', async () => {
    const nobody = await app.signedIn('nobody@example.org');
    const res = await nobody.graphql('query($id: ID!) { organization(id: $id) { name } }', { id: ids.fabrikam });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.errors?.[0]?.message).toMatch(/Choose the profile/);
  });

  it('a partner administrator never reaches a customer they stopped serving', async () => {
    const customer = await createCustomer(app.db, { people: [{ email: 'boss@served.example', isAdministrator: true }] });
    const partner = await app.db.organization.findFirstOrThrow({ where: { name: DEMO.partner } });
    await app.db.organization.update({ where: { id: customer.id }, data: { partnerId: partner.id } });
    const query = 'query($id: ID!) { organization(id: $id) { name } }';
    expect(answer(await clients.partnerNotServing.graphql(query, { id: customer.relayId }), 'organization')).toBe('OK');
    await app.db.organization.update({ where: { id: customer.id }, data: { partnerId: null } });
    expect(answer(await clients.partnerNotServing.graphql(query, { id: customer.relayId }), 'organization')).toBe('FORBIDDEN');
  });
});
