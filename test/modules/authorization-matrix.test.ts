// R10 as one matrix: EVERY query and mutation of the schema, asked by each kind of actor about one customer
// organization served by a partner. A field the schema gains without a row here fails the completeness test, so
// nothing reaches the API without its authorization being written down and checked.
import { getNamedType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../../server/graphql/schema.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { randomUUID } from 'node:crypto';
import { DEMO, globalId, localIdOf, professional } from '../helpers/factories.js';
import type { GraphqlResult, HttpClient } from '../helpers/http-client.js';
import { mailTo, tokenFrom } from '../helpers/mail.js';

const ACTORS = ['anonymous', 'professional', 'adminOfAnother', 'partnerUnserved', 'partnerServed', 'support'] as const;
type Who = (typeof ACTORS)[number];

interface World {
  org: string;
  orgLocal: string;
  orgName: string;
  /** Each actor's own current profile (null for anonymous). */
  own: Record<Who, string | null>;
  /** Each actor's own organization (the matrix customer for anonymous). */
  ownOrg: Record<Who, string>;
}

interface Row {
  field: string;
  query: string;
  variables?: (world: World, who: Who) => Promise<Record<string, unknown>> | Record<string, unknown>;
  expected: Record<Who, string>;
  /** Needs its own signed-in clients (it ends sessions). */
  fresh?: boolean;
}

const all = (value: string): Record<Who, string> => Object.fromEntries(ACTORS.map((who) => [who, value])) as Record<Who, string>;
const signedIn = (value: string): Record<Who, string> => ({ ...all(value), anonymous: 'UNAUTHENTICATED' });
const managers = (success: string): Record<Who, string> => ({
  anonymous: 'UNAUTHENTICATED',
  professional: 'FORBIDDEN',
  adminOfAnother: 'FORBIDDEN',
  partnerUnserved: 'FORBIDDEN',
  partnerServed: success,
  support: success,
});
const supportOnly = (success: string): Record<Who, string> => ({ ...managers(success), partnerServed: 'FORBIDDEN' });
const union = (type: string) => `{ __typename ... on Error { code } ... on ${type} { __typename } }`;

let app: TestApp;
let world: World;
const clients = {} as Record<Who, HttpClient>;
const emails: Record<Exclude<Who, 'anonymous'>, string> = {
  professional: 'pro@matrix.example',
  adminOfAnother: 'alex@fabrikam.example',
  partnerUnserved: 'boss@partner-b.example',
  partnerServed: 'pat@blueyonder.example',
  support: 'support@northwind.example',
};

/** A new person in the matrix organization, invited by support; their profile id, pending link id and token. */
async function invitedPerson(): Promise<{ profileId: string; invitationId: string; token: string; email: string }> {
  const person = professional();
  const mail = mailTo(app.mailCatcher!, person.email);
  const added = await clients.support.graphql<any>('mutation ($input: AddProfessionalInput!) { addProfessional(input: $input) { ... on AddProfessionalSuccess { profile { id latestInvitation { id } } } } }', {
    input: { organizationId: world.org, ...person },
  });
  const profile = added.data.addProfessional.profile;
  return { profileId: profile.id, invitationId: profile.latestInvitation.id, token: tokenFrom(await mail), email: person.email };
}

/** A new session of this actor, acting as their own profile (linking others' links gives them more than one). */
async function signIn(who: Who): Promise<HttpClient> {
  if (who === 'anonymous') return app.client();
  const client = await app.signedIn(emails[who]);
  const own = world?.own[who];
  if (own) await client.graphql('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: own });
  return client;
}

/** An API token of the actor's own organization (the matrix customer's for anonymous), written straight to the database. */
async function tokenOf(world: World, who: Who): Promise<string> {
  const organizationId = localIdOf(world.ownOrg[who]);
  const createdById = localIdOf(world.own[who] ?? world.own.professional!);
  const token = await app.db.apiToken.create({
    data: { organizationId, name: `matrix ${who} ${randomUUID()}`, role: 'MEMBER', secretHash: randomUUID().replace(/-/g, '').repeat(2), prefix: 'ptk_matrix', createdById, expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return globalId('ApiToken', token.id);
}

const CREATE_TOKEN = `mutation ($org: ID!, $name: String!) { createApiToken(input: { organizationId: $org, name: $name, role: MEMBER, expiresInDays: 7 }) ${union('CreateApiTokenSuccess')} }`;

const rows: Row[] = [
  { field: 'viewer', query: '{ viewer { __typename } }', expected: all('Viewer') },
  { field: 'accountProviders', query: '{ accountProviders { key } }', expected: all('2 items') },
  {
    field: 'organization',
    query: 'query ($id: ID!) { organization(id: $id) { __typename name } }',
    variables: (w) => ({ id: w.org }),
    expected: { anonymous: 'UNAUTHENTICATED', professional: 'Organization', adminOfAnother: 'FORBIDDEN', partnerUnserved: 'FORBIDDEN', partnerServed: 'Organization', support: 'Organization' },
  },
  {
    field: 'organization',
    query: 'query ($id: ID!) { organization(id: $id) { __typename profiles(first: 5) { totalCount } auditEvents(first: 5) { edges { cursor } } } }',
    variables: (w) => ({ id: w.org }),
    expected: { anonymous: 'UNAUTHENTICATED', professional: 'FORBIDDEN', adminOfAnother: 'FORBIDDEN', partnerUnserved: 'FORBIDDEN', partnerServed: 'Organization', support: 'Organization' },
  },
  {
    field: 'organization',
    query: 'query ($id: ID!) { organization(id: $id) { __typename apiTokens(first: 5) { totalCount } } }',
    variables: (w, who) => ({ id: w.ownOrg[who] }),
    expected: { anonymous: 'UNAUTHENTICATED', professional: 'FORBIDDEN', adminOfAnother: 'Organization', partnerUnserved: 'Organization', partnerServed: 'Organization', support: 'Organization' },
  },
  {
    field: 'organization',
    query: 'query ($id: ID!) { organization(id: $id) { __typename apiTokens(first: 5) { totalCount } } }',
    variables: (w) => ({ id: w.org }),
    expected: { anonymous: 'UNAUTHENTICATED', professional: 'FORBIDDEN', adminOfAnother: 'FORBIDDEN', partnerUnserved: 'FORBIDDEN', partnerServed: 'FORBIDDEN', support: 'FORBIDDEN' },
  },
  {
    field: 'createApiToken',
    query: CREATE_TOKEN,
    variables: (w, who) => ({ org: w.ownOrg[who], name: `matrix ${randomUUID()}` }),
    expected: { ...managers('CreateApiTokenSuccess'), adminOfAnother: 'CreateApiTokenSuccess', partnerUnserved: 'CreateApiTokenSuccess' },
  },
  {
    // Only for one's own organization: neither the partner that serves the customer nor support.
    field: 'createApiToken',
    query: CREATE_TOKEN,
    variables: (w) => ({ org: w.org, name: `matrix ${randomUUID()}` }),
    expected: { ...managers('FORBIDDEN'), partnerServed: 'FORBIDDEN', support: 'FORBIDDEN' },
  },
  {
    field: 'revokeApiToken',
    query: `mutation ($id: ID!) { revokeApiToken(apiTokenId: $id) ${union('RevokeApiTokenSuccess')} }`,
    variables: async (w, who) => ({ id: await tokenOf(w, who) }),
    expected: { ...managers('RevokeApiTokenSuccess'), adminOfAnother: 'RevokeApiTokenSuccess', partnerUnserved: 'RevokeApiTokenSuccess' },
  },
  {
    field: 'revokeApiToken',
    query: `mutation ($id: ID!) { revokeApiToken(apiTokenId: $id) ${union('RevokeApiTokenSuccess')} }`,
    variables: async (w) => ({ id: await tokenOf(w, 'anonymous') }),
    expected: { ...managers('FORBIDDEN'), partnerServed: 'FORBIDDEN', support: 'FORBIDDEN' },
  },
  {
    field: 'organizations',
    query: 'query ($s: String) { organizations(search: $s, first: 5) { edges { cursor } } }',
    variables: (w) => ({ s: w.orgName }),
    expected: { anonymous: 'UNAUTHENTICATED', professional: '1 edges', adminOfAnother: '0 edges', partnerUnserved: '0 edges', partnerServed: '1 edges', support: '1 edges' },
  },
  {
    field: 'associationPreview',
    query: 'query ($t: String!) { associationPreview(token: $t) { __typename valid } }',
    variables: async () => ({ t: (await invitedPerson()).token }),
    expected: all('AssociationPreview'),
  },
  {
    field: 'diagnoseAccess',
    query: 'query ($e: String!) { diagnoseAccess(email: $e) { profiles { id } } }',
    variables: async () => ({ e: (await invitedPerson()).email }),
    expected: { anonymous: 'UNAUTHENTICATED', professional: 'FORBIDDEN', adminOfAnother: '0 profiles', partnerUnserved: '0 profiles', partnerServed: '1 profiles', support: '1 profiles' },
  },
  {
    field: 'node',
    query: 'query ($id: ID!) { node(id: $id) { __typename } }',
    variables: async () => ({ id: (await invitedPerson()).profileId }),
    expected: { anonymous: 'null', professional: 'null', adminOfAnother: 'null', partnerUnserved: 'null', partnerServed: 'Profile', support: 'Profile' },
  },
  {
    field: 'requestAssociationEmails',
    query: `mutation ($e: String!) { requestAssociationEmails(email: $e) ${union('RequestAssociationEmailsSuccess')} }`,
    variables: (_w, who) => ({ e: `nobody-${who}@matrix.example` }),
    expected: all('RequestAssociationEmailsSuccess'),
  },
  {
    field: 'associateIdentity',
    query: `mutation ($t: String!) { associateIdentity(token: $t) ${union('AssociateIdentitySuccess')} }`,
    variables: async () => ({ t: (await invitedPerson()).token }),
    expected: signedIn('AssociateIdentitySuccess'),
  },
  {
    field: 'selectProfile',
    query: `mutation ($id: ID!) { selectProfile(profileId: $id) ${union('SelectProfileSuccess')} }`,
    variables: (w, who) => ({ id: w.own[who] ?? w.own.professional }),
    expected: signedIn('SelectProfileSuccess'),
    fresh: true,
  },
  {
    field: 'updateMyProfile',
    query: `mutation { updateMyProfile(input: { givenName: "Same" }) ${union('UpdateMyProfileSuccess')} }`,
    expected: signedIn('UpdateMyProfileSuccess'),
    fresh: true,
  },
  {
    field: 'sendMyAssociationEmail',
    query: `mutation { sendMyAssociationEmail ${union('SendMyAssociationEmailSuccess')} }`,
    expected: signedIn('SendMyAssociationEmailSuccess'),
  },
  {
    field: 'signOutEverywhere',
    query: `mutation { signOutEverywhere ${union('SignOutEverywhereSuccess')} }`,
    expected: signedIn('SignOutEverywhereSuccess'),
    fresh: true,
  },
  {
    field: 'addProfessional',
    query: `mutation ($input: AddProfessionalInput!) { addProfessional(input: $input) ${union('AddProfessionalSuccess')} }`,
    variables: (w) => ({ input: { organizationId: w.org, ...professional(), sendInvitation: false } }),
    expected: managers('AddProfessionalSuccess'),
  },
  {
    field: 'addProfessionals',
    query: `mutation ($id: ID!, $list: [NewProfessionalInput!]!) { addProfessionals(organizationId: $id, professionals: $list, sendInvitations: false) ${union('AddProfessionalsSuccess')} }`,
    variables: (w) => ({ id: w.org, list: [professional()] }),
    expected: managers('AddProfessionalsSuccess'),
  },
  {
    field: 'updateProfile',
    query: `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) ${union('UpdateProfileSuccess')} }`,
    variables: async () => ({ input: { profileId: (await invitedPerson()).profileId, givenName: 'Renamed' } }),
    expected: managers('UpdateProfileSuccess'),
  },
  {
    field: 'setAdministrator',
    query: `mutation ($id: ID!) { setAdministrator(profileId: $id, isAdministrator: true) ${union('SetAdministratorSuccess')} }`,
    variables: async () => ({ id: (await invitedPerson()).profileId }),
    expected: managers('SetAdministratorSuccess'),
  },
  {
    field: 'removeProfile',
    query: `mutation ($id: ID!) { removeProfile(profileId: $id) ${union('RemoveProfileSuccess')} }`,
    variables: async () => ({ id: (await invitedPerson()).profileId }),
    expected: managers('RemoveProfileSuccess'),
  },
  {
    field: 'unlinkIdentity',
    query: `mutation ($id: ID!) { unlinkIdentity(profileId: $id) ${union('UnlinkIdentitySuccess')} }`,
    variables: async () => ({ id: (await invitedPerson()).profileId }),
    expected: managers('UnlinkIdentitySuccess'),
  },
  {
    field: 'resendInvitation',
    query: `mutation ($id: ID!) { resendInvitation(profileId: $id) ${union('ResendInvitationSuccess')} }`,
    variables: async () => ({ id: (await invitedPerson()).profileId }),
    expected: managers('ResendInvitationSuccess'),
  },
  {
    field: 'revokeInvitation',
    query: `mutation ($id: ID!) { revokeInvitation(invitationId: $id) ${union('RevokeInvitationSuccess')} }`,
    variables: async () => ({ id: (await invitedPerson()).invitationId }),
    expected: managers('RevokeInvitationSuccess'),
  },
  {
    field: 'endSessions',
    query: `mutation ($id: ID!) { endSessions(profileId: $id) ${union('EndSessionsSuccess')} }`,
    variables: async () => ({ id: (await invitedPerson()).profileId }),
    expected: managers('EndSessionsSuccess'),
  },
  {
    field: 'createOrganization',
    query: `mutation { createOrganization(input: { name: "Matrix New", kind: CUSTOMER }) ${union('CreateOrganizationSuccess')} }`,
    expected: supportOnly('CreateOrganizationSuccess'),
  },
  {
    field: 'updateOrganization',
    query: `mutation ($id: ID!) { updateOrganization(input: { organizationId: $id, region: "EU" }) ${union('UpdateOrganizationSuccess')} }`,
    variables: (w) => ({ id: w.org }),
    expected: supportOnly('UpdateOrganizationSuccess'),
  },
  {
    field: 'setServicePlan',
    query: `mutation ($id: ID!) { setServicePlan(input: { organizationId: $id, name: "Support plan", startsOn: "2000-01-01", endsOn: "2999-12-31" }) ${union('SetServicePlanSuccess')} }`,
    variables: (w) => ({ id: w.org }),
    expected: supportOnly('SetServicePlanSuccess'),
  },
  {
    field: 'designateAdministrator',
    query: `mutation ($org: ID!, $id: ID!) { designateAdministrator(organizationId: $org, profileId: $id) ${union('DesignateAdministratorSuccess')} }`,
    variables: async (w) => ({ org: w.org, id: (await invitedPerson()).profileId }),
    expected: supportOnly('DesignateAdministratorSuccess'),
  },
  {
    field: 'importOrganizations',
    query: `mutation ($csv: String!) { importOrganizations(csv: $csv) ${union('ImportOrganizationsSuccess')} }`,
    variables: () => ({ csv: 'account_number,name,region,plan_name,plan_starts_on,plan_ends_on,admin_given_name,admin_family_name,admin_email\n' }),
    expected: supportOnly('ImportOrganizationsSuccess'),
  },
  {
    field: 'requestNewLink',
    // Public: the link itself is the authority. A different unknown link per actor, as renewals are limited per link.
    query: `mutation ($t: String!) { requestNewLink(token: $t) ${union('RequestNewLinkSuccess')} }`,
    variables: (_w, who) => ({ t: `${who}${'B'.repeat(43)}`.slice(0, 43) }),
    expected: all('RequestNewLinkSuccess'),
  },
  {
    field: 'confirmEmailChange',
    query: `mutation { confirmEmailChange(token: "${'A'.repeat(43)}") ${union('ConfirmEmailChangeSuccess')} }`,
    expected: all('EMAIL_CHANGE_LINK_INVALID'),
  },
  {
    field: 'cancelEmailChange',
    query: `mutation { cancelEmailChange(token: "${'A'.repeat(43)}") ${union('CancelEmailChangeSuccess')} }`,
    expected: all('EMAIL_CHANGE_LINK_INVALID'),
  },
];

const mutationFields = new Set(Object.keys(buildSchema().getMutationType()!.getFields()));

/**
 * What the field answered: a refusal's code, null, its __typename, a count of edges, items or profiles. A query is
 * refused with null and an `errors` entry; a mutation with an Error in its union, so a top-level error on a mutation
 * reads "top-level <code>" and fails its row.
 */
function answer(result: GraphqlResult, field: string): string {
  const value = result.data?.[field] as Record<string, unknown> | unknown[] | null | undefined;
  if (result.errors?.length) {
    const code = String(result.errors[0]!.extensions?.code ?? result.errors[0]!.message);
    if (mutationFields.has(field)) return `top-level ${code}`;
    // Partial results: the refused field (or the refused part of it) is null beside its error; data stays.
    expect(result.data, `${field} refused without data`).toBeTruthy();
    return code;
  }
  if (value && !Array.isArray(value) && typeof value.code === 'string') return value.code;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `${value.length} items`;
  if (Array.isArray(value.edges)) return `${value.edges.length} edges`;
  if (Array.isArray(value.profiles)) return `${value.profiles.length} profiles`;
  return String(value.__typename ?? 'OK');
}

beforeAll(async () => {
  app = await startTestApp({ env: { LINK_REQUEST_MIN_MS: '0', OUTBOX_POLL_MS: '50', LINK_REQUESTS_PER_CLIENT_PER_HOUR: '1000' } });
  const db = app.db;
  const blueYonder = await db.organization.findFirstOrThrow({ where: { name: DEMO.partner } });
  const org = await db.organization.create({
    data: { name: 'Matrix Customer', kind: 'CUSTOMER', partnerId: blueYonder.id, servicePlans: { create: { name: 'Support plan', startsOn: '2000-01-01', endsOn: '2999-12-31' } } },
  });
  const partnerB = await db.organization.create({ data: { name: 'Matrix Partner B', kind: 'PARTNER' } });
  // People who must be linked before they sign in, so that sign-in makes their one profile current (R9).
  for (const [email, organizationId, isAdministrator] of [
    [emails.professional, org.id, false],
    ['admin@matrix.example', org.id, true],
    [emails.partnerUnserved, partnerB.id, true],
  ] as const) {
    await (await app.signedIn(email)).graphql('{ viewer { signedIn } }');
    const identity = await db.identity.findFirstOrThrow({ where: { email } });
    await db.profile.create({ data: { organizationId, givenName: 'Matrix', familyName: email, email, activeEmail: email, isAdministrator, identityId: identity.id } });
  }
  for (const who of ACTORS) clients[who] = await signIn(who);
  const own = {} as Record<Who, string | null>;
  const ownOrg = {} as Record<Who, string>;
  for (const who of ACTORS) {
    const viewer = await clients[who].graphql<any>('{ viewer { currentProfile { id organization { id } } } }');
    own[who] = viewer.data.viewer.currentProfile?.id ?? null;
    ownOrg[who] = viewer.data.viewer.currentProfile?.organization.id ?? globalId('Organization', org.id);
  }
  world = { org: globalId('Organization', org.id), orgLocal: org.id, orgName: org.name, own, ownOrg };
  expect(Object.values(own).filter(Boolean)).toHaveLength(ACTORS.length - 1);
});

afterAll(async () => {
  await app?.close();
});

describe('the authorization matrix', () => {
  it('has a row for every query and mutation of the schema', () => {
    const schema = buildSchema();
    const fields = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) => Object.keys(type.getFields()));
    const covered = new Set(rows.map((r) => r.field));
    expect(fields.filter((f) => !covered.has(f))).toEqual([]);
    expect(fields.length).toBeGreaterThan(25);
    expect(isObjectType(getNamedType(schema.getQueryType()!.getFields().viewer!.type))).toBe(true);
  });

  for (const row of rows) {
    it(`${row.field}: ${row.query.slice(0, 60).replace(/\s+/g, ' ')}…`, async () => {
      const seen = {} as Record<Who, string>;
      for (const who of ACTORS) {
        const client = row.fresh ? await signIn(who) : clients[who];
        const variables = row.variables ? await row.variables(world, who) : {};
        seen[who] = answer(await client.graphql(row.query, variables), row.field);
      }
      // Sessions ended by the row end the shared clients' sessions too: sign them in again.
      if (row.fresh) for (const who of ACTORS) clients[who] = await signIn(who);
      expect(seen).toEqual(row.expected);
    });
  }
});
