// What the administration pages ask of the API beyond the first contract: who gets the *Administration* entry, and
// the people list in the order the table's sort control picks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { DEMO, organizationId } from '../../helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('viewer.mayAdminister', () => {
  it('is true for administrators, partner administrators and support, false for professionals and signed-out visitors', async () => {
    const answers: Record<string, boolean | undefined> = {};
    for (const email of ['alex@fabrikam.example', 'pat@blueyonder.example', 'support@northwind.example', 'jamie@fabrikam.example']) {
      const client = await app.signedIn(email);
      answers[email] = (await client.graphql<{ viewer: { mayAdminister: boolean } }>('{ viewer { mayAdminister } }')).data?.viewer.mayAdminister;
    }
    const anonymous = await app.client().graphql<{ viewer: { mayAdminister: boolean } }>('{ viewer { mayAdminister } }');
    expect(answers).toEqual({ 'alex@fabrikam.example': true, 'pat@blueyonder.example': true, 'support@northwind.example': true, 'jamie@fabrikam.example': false });
    expect(anonymous.data?.viewer.mayAdminister).toBe(false);
  });
});

describe('Organization.profiles(orderBy:)', () => {
  it('sorts by name, by e-mail, or newest first, and pages by cursor in that order', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const fabrikam = await organizationId(app.db, DEMO.fabrikam);
    const emails = async (orderBy: string, first = 10, after?: string) => {
      const result = await alex.graphql<{ organization: { profiles: { edges: Array<{ node: { email: string } }>; pageInfo: { endCursor: string } } } }>(
        'query ($id: ID!, $orderBy: ProfileOrder, $first: Int, $after: String) { organization(id: $id) { profiles(orderBy: $orderBy, first: $first, after: $after) { edges { node { email } } pageInfo { endCursor } } } }',
        { id: fabrikam, orderBy, first, after },
      );
      return result.data!.organization.profiles;
    };
    // A person whose family name sorts first and whose address sorts last tells the orders apart.
    await alex.graphql('mutation ($input: AddProfessionalInput!) { addProfessional(input: $input) { __typename } }', {
      input: { organizationId: fabrikam, givenName: 'Zoe', familyName: 'Aaronson', email: 'zoe@fabrikam.example', sendInvitation: false },
    });
    const byEmail = (await emails('EMAIL')).edges.map((e) => e.node.email);
    expect(byEmail).toEqual(['alex@fabrikam.example', 'casey@shared.example', 'jamie@fabrikam.example', 'morgan@fabrikam.example', 'zoe@fabrikam.example']);
    expect((await emails('NAME')).edges.map((e) => e.node.email)).toEqual(['zoe@fabrikam.example', 'alex@fabrikam.example', 'casey@shared.example', 'jamie@fabrikam.example', 'morgan@fabrikam.example']);
    expect((await emails('NEWEST')).edges[0]!.node.email).toBe('zoe@fabrikam.example');
    const firstTwo = await emails('EMAIL', 2);
    const nextTwo = await emails('EMAIL', 2, firstTwo.pageInfo.endCursor);
    expect([...firstTwo.edges, ...nextTwo.edges, ...(await emails('EMAIL', 2, nextTwo.pageInfo.endCursor)).edges].map((e) => e.node.email)).toEqual(byEmail);
  });
});

describe('Profile.invitations', () => {
  it('lists every link sent, newest first, to managers, and nothing to another organization', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const robin = await app.signedIn('robin@wideworld.example', 'work');
    const fabrikam = await organizationId(app.db, DEMO.fabrikam);
    const added = await alex.graphql<{ addProfessional: { profile: { id: string } } }>(
      'mutation ($input: AddProfessionalInput!) { addProfessional(input: $input) { ... on AddProfessionalSuccess { profile { id } } } }',
      { input: { organizationId: fabrikam, givenName: 'Hal', familyName: 'History', email: 'hal@fabrikam.example' } },
    );
    const id = added.data!.addProfessional.profile.id;
    await alex.graphql('mutation ($id: ID!) { resendInvitation(profileId: $id) { __typename } }', { id });
    const HISTORY = 'query ($id: ID!) { node(id: $id) { ... on Profile { invitations { state sentTo } } } }';
    const seen = await alex.graphql<{ node: { invitations: Array<{ state: string }> } }>(HISTORY, { id });
    expect(seen.data?.node.invitations.map((i) => i.state)).toEqual(['PENDING', 'REPLACED']);
    const other = await robin.graphql<{ node: null | { invitations: unknown } }>(HISTORY, { id });
    expect(other.data?.node?.invitations ?? null).toBeNull();
  });
});

describe('Organization.auditEvents(action:, personId:)', () => {
  it('narrows the log to one kind of event and to one person, as actor or target, with the count to match', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const fabrikam = await organizationId(app.db, DEMO.fabrikam);
    const added = await alex.graphql<{ addProfessional: { profile: { id: string } } }>(
      'mutation ($input: AddProfessionalInput!) { addProfessional(input: $input) { ... on AddProfessionalSuccess { profile { id } } } }',
      { input: { organizationId: fabrikam, givenName: 'Ava', familyName: 'Audit', email: 'ava@fabrikam.example', sendInvitation: false } },
    );
    const ava = added.data!.addProfessional.profile.id;
    await alex.graphql('mutation ($id: ID!) { setAdministrator(profileId: $id, isAdministrator: true) { __typename } }', { id: ava });
    const LOG = `query ($id: ID!, $action: AuditAction, $personId: ID) { organization(id: $id) {
      auditEvents(first: 50, action: $action, personId: $personId) { totalCount edges { node { action targetProfile { id } } } } } }`;
    type Log = { organization: { auditEvents: { totalCount: number; edges: Array<{ node: { action: string; targetProfile: { id: string } | null } }> } } };
    const forAva = (await alex.graphql<Log>(LOG, { id: fabrikam, personId: ava })).data!.organization.auditEvents;
    expect(forAva.edges.map((e) => e.node.action)).toEqual(['PROFILE_GRANT_ADMINISTRATOR', 'PROFILE_ADD']);
    expect(forAva.totalCount).toBe(2);
    const grants = (await alex.graphql<Log>(LOG, { id: fabrikam, action: 'PROFILE_GRANT_ADMINISTRATOR' })).data!.organization.auditEvents;
    expect(grants.edges.every((e) => e.node.action === 'PROFILE_GRANT_ADMINISTRATOR')).toBe(true);
    expect(grants.totalCount).toBe(grants.edges.length);
    const all = (await alex.graphql<Log>(LOG, { id: fabrikam })).data!.organization.auditEvents;
    expect(all.totalCount).toBeGreaterThan(grants.totalCount);
  });
});

describe('organizations(withoutAdministrator:)', () => {
  it('lists for support the organizations whose administrator left, and only those', async () => {
    const support = await app.signedIn('support@northwind.example');
    const LIST = 'query ($search: String) { organizations(first: 50, withoutAdministrator: true, search: $search) { edges { node { name } } } }';
    type List = { organizations: { edges: Array<{ node: { name: string } }> } };
    const before = (await support.graphql<List>(LIST)).data!.organizations.edges.map((e) => e.node.name);
    expect(before).not.toContain(DEMO.fabrikam);
    // Wide World's only administrator is removed the way support does it: no one designated yet.
    await app.db.profile.updateMany({ where: { organization: { name: DEMO.wideWorld }, isAdministrator: true }, data: { isAdministrator: false } });
    const after = (await support.graphql<List>(LIST)).data!.organizations.edges.map((e) => e.node.name);
    expect(after).toContain(DEMO.wideWorld);
    expect(after).not.toContain(DEMO.fabrikam);
  });
});
