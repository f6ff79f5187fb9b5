// Apollo Client's normalized cache (InMemoryCache) against a running Portico, with the operations of the Client
// apps page: after each mutation the cache holds what changed, read back without another request.
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DEMO, organizationId, professional, profileId } from '../helpers/factories.js';
import { clientAppOperations, possibleTypes, sessionFetch, type SentRequest } from './support.js';

const ops = clientAppOperations();
const Q = Object.fromEntries(Object.entries(ops).map(([name, text]) => [name, gql(text)])) as Record<keyof typeof ops, ReturnType<typeof gql>>;

let app: TestApp;
let client: ApolloClient;
const sent: SentRequest[] = [];
let fabrikam: string;

beforeAll(async () => {
  app = await startTestApp();
  const alex = await app.signedIn('alex@fabrikam.example');
  fabrikam = await organizationId(app.db, DEMO.fabrikam);
  client = new ApolloClient({
    link: new HttpLink({ uri: `${app.url}/graphql`, headers: { 'x-graphql-client': 'apollo-test' }, fetch: sessionFetch(await alex.cookieHeader(), sent) }),
    cache: new InMemoryCache({ possibleTypes: possibleTypes() }),
  });
});
afterAll(async () => {
  await app?.close();
});

type Person = { id: string; displayName: string; email: string; isAdministrator: boolean; associationStatus: string | null; latestInvitation: { id: string; state: string } | null };
type PeoplePage = { organization: { id: string; name: string; profiles: { totalCount: number; edges: { cursor: string; node: Person }[] } } };

/** The people page as the cache holds it now, without a request. */
function cachedPeople(): Map<string, Person> {
  const page = client.readQuery<PeoplePage>({ query: Q.PeoplePage, variables: { organizationId: fabrikam } });
  return new Map(page!.organization.profiles.edges.map((e) => [e.node.email, e.node]));
}

describe('Apollo Client with InMemoryCache', () => {
  it('runs the people page journey and keeps the cache right after every mutation without refetching', async () => {
    const viewer = await client.query<any>({ query: Q.Viewer });
    expect(viewer.data.viewer).toMatchObject({ signedIn: true, currentProfile: { displayName: 'Alex Admin', organization: { name: DEMO.fabrikam } } });

    const page = await client.query<PeoplePage>({ query: Q.PeoplePage, variables: { organizationId: fabrikam } });
    expect(page.data!.organization.profiles.totalCount).toBe(page.data!.organization.profiles.edges.length);
    const morganBefore = cachedPeople().get('morgan@fabrikam.example')!;
    expect(morganBefore.latestInvitation?.state).toBe('PENDING');
    expect(cachedPeople().get('jamie@fabrikam.example')!.isAdministrator).toBe(false);

    // Add: the new profile and its link are normalized entities of the cache.
    const person = professional();
    const added = await client.mutate<any>({ mutation: Q.AddPerson, variables: { input: { organizationId: fabrikam, ...person } } });
    const newProfile = added.data.addProfessional.profile;
    expect(added.data.addProfessional.__typename).toBe('AddProfessionalSuccess');
    const cache = client.cache.extract() as Record<string, any>;
    expect(cache[`Profile:${newProfile.id}`]).toMatchObject({ email: person.email.toLowerCase(), associationStatus: 'INVITED' });
    expect(cache[`Profile:${newProfile.id}`].latestInvitation).toEqual({ __ref: `Invitation:${newProfile.latestInvitation.id}` });

    // Resend: the row's latest link becomes the new one, read from the cache.
    const morgan = await profileId(app.db, DEMO.fabrikam, 'morgan@fabrikam.example');
    const resent = await client.mutate<any>({ mutation: Q.ResendInvitation, variables: { profileId: morgan } });
    const invitation = resent.data.resendInvitation.invitation;
    expect(invitation.id).not.toBe(morganBefore.latestInvitation!.id);
    expect(cachedPeople().get('morgan@fabrikam.example')!.latestInvitation).toEqual({ __typename: 'Invitation', id: invitation.id, state: 'PENDING' });

    // Promote: the row shows the administrator at once.
    const jamie = await profileId(app.db, DEMO.fabrikam, 'jamie@fabrikam.example');
    const promoted = await client.mutate<any>({ mutation: Q.Promote, variables: { profileId: jamie } });
    expect(promoted.data.setAdministrator).toEqual({ __typename: 'SetAdministratorSuccess', profile: { __typename: 'Profile', id: jamie, isAdministrator: true } });
    expect(cachedPeople().get('jamie@fabrikam.example')!.isAdministrator).toBe(true);

    // A refusal is data in the union, and the cache keeps what it had.
    const robin = await profileId(app.db, DEMO.wideWorld, 'robin@wideworld.example');
    const refused = await client.mutate<any>({ mutation: Q.Promote, variables: { profileId: robin } });
    expect(refused.data.setAdministrator).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });

    const diagnosis = await client.query<any>({ query: Q.Diagnose, variables: { email: 'morgan@fabrikam.example' } });
    expect(diagnosis.data.diagnoseAccess.profiles).toEqual([{ __typename: 'Profile', id: morgan, displayName: 'Morgan Lee' }]);
    expect(diagnosis.data.diagnoseAccess.findings.length).toBeGreaterThan(0);

    // One request per operation: nothing was fetched again to bring the cache up to date.
    expect(sent).toHaveLength(7);
    expect(sent.every((r) => r.method === 'POST')).toBe(true);
  });
});
