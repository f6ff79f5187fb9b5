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
